"""Channels beside the widget: email (IMAP in, SMTP out through an outbox) and webhooks."""
