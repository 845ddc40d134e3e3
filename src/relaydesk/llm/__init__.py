"""An optional language model behind the assistant, never trusted past the guard."""
