"""Changing routing with evidence: stored leads replayed through a candidate policy."""
