"""SLA clocks in the service: the shell around the pure ladder.

Which SLA an assignment starts is chosen by the engine (`policy.sla`, recorded in the decision's
effects); when each step is due and what it does is `escalation` (pure, in the core). This
package keeps clocks, timers and the timeline in the database and applies due steps for the
worker (`leadrouter.worker`): `models`, one module per job (`intake`, `touches`, `timers`,
`timeline`, `queue_alerts`, gathered in `service`), `api`.
"""
