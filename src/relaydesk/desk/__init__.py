"""Application services: the only place that orchestrates a use case."""
