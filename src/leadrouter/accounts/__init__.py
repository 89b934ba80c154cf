"""Accounts as the service keeps them, with bulk import from CSV or JSON."""
