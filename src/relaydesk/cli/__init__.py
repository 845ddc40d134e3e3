"""The relaydesk command line (Typer + Rich)."""
