"""The HTTP and websocket face of relaydesk: one router module per audience."""
