"""SLA clocks: business-time deadlines, SLA definitions and the escalation ladder.

The pure part (`business_hours`, `policy`, `ladder`) computes when each step of a lead's ladder is
due and what it does; it never reads the clock, the database or the network. The shell part
(`models`, `service`, `api`) keeps clocks, timers and the timeline in the database and runs due
steps for the worker (`leadrouter.worker`).
"""
