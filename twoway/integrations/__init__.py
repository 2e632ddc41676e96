"""Integrations: a business's API keys (with scopes) and signed webhooks to its own systems.

A higher floor: it listens to the contexts below (checkout's ``order_status_changed``, payments'
``refund_requested``, catalog's ``listing_status_changed``) and never the other way round.
"""
