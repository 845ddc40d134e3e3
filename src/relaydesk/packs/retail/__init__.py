"""The retail store: an online shop's customer service, written outside this project."""
