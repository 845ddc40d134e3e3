"""The traffic simulator: customers and agents through the public API, on a simulated clock."""
