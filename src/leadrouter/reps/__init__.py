"""Reps as the service keeps them: configuration rows and load counters."""
