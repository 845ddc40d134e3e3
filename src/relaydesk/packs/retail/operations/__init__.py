"""The store's operations, each deciding under policy and re-deciding in its transaction."""
