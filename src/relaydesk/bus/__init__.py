"""Event notifications between processes: in-memory by default, Redis pub/sub when configured."""
