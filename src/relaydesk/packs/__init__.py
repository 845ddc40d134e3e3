"""Domain packs: an operator's tools, flows, knowledge and training data."""
