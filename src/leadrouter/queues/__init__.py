"""Queues as the service keeps them."""
