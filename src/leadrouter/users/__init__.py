"""Named people who sign in to the dashboard, with a role (viewer, manager, admin)."""
