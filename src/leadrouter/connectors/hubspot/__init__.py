"""The HubSpot connector: contact webhooks in (signed v3), contacts read and owners and tasks
written through the CRM v3 API with HubSpot's official client (`hubspot-api-client`)."""
