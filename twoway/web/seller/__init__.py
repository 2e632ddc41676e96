"""The seller center's pages (issue 11 layout): staff and roles, API keys and webhooks."""
