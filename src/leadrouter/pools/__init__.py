"""Pools as the service keeps them: members, strategy and distribution state."""
