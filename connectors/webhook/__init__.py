"""Outgoing webhooks: POST signed JSON events to the subscribers' URLs (issue #16)."""
