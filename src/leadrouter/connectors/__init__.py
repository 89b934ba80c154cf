"""CRM connectors: leads in from where they live (a webhook, a callout, polling), the chosen owner
and tasks out to the CRM through the outbox, owners changed by hand recorded as overrides.

One seam, one folder per CRM (`hubspot/`, `salesforce/`): each has a `client.py` (the vendor's
official client, the only code that talks to the CRM) and an `api.py` (its inbound route).
What they share: `mapping.py` (crm.yaml), `intake.py` (a CRM record into the intake path),
`writeback.py` (what an assignment writes, and the sender the worker delivers it with),
`overrides.py` (owners changed by hand). Routing never waits on a CRM: write-backs are outbox
messages, delivered by the worker with its retries.
"""
