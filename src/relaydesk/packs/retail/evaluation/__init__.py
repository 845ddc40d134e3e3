"""Judging the store's conversations as the benchmark does: end states compared with gold."""
