"""The store's conversation logic: who the customer is, what they want, what to confirm."""
