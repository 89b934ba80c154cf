"""Leads as the service keeps them: intake, routing, decisions, touches and outcomes."""
