"""Policy versions as the service keeps them: upload, diff, simulate, activate, roll back."""
