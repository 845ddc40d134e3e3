"""Email as a channel: threads, the outbox and its sender, the mailbox reader."""
