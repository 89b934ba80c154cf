"""The Salesforce connector: Leads in from a Flow or Apex HTTP callout (a shared secret) or by
polling the REST API; owners (users or queues) and tasks written back with `simple-salesforce`."""
