"""Operator analytics: metrics computed from the stored conversation events."""
