"""relaydesk: an AI assistant and human agents working customer service as one team."""

__version__ = "0.1.0"
