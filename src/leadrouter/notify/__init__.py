"""Notifications: what to tell whom (templates, messages) and delivering it (Slack, email, hooks).

Messages are built as values and written to the outbox in the same transaction as the event that
caused them; the worker delivers them later with retries (`retry`). Channel senders do I/O and
nothing else: they never read the clock (the caller passes `now`) and never touch the database.
"""
