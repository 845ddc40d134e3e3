"""Each demo tool's decide step and its effect on the backend, grouped by topic."""
