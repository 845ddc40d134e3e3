"""Signed outbound webhooks for conversation events, delivered in order from a durable queue."""
