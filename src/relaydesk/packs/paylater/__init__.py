"""The demo pay-later company: its backend, tools, flows, knowledge and training data."""
