"""Tools for testing a domain pack: readable conversation tests run against the real turn."""
