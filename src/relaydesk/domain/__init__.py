"""Types and rules of customer service, with no I/O."""
