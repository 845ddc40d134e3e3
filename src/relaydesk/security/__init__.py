"""Guarding customers' data and the service: PII masking, rate limits, privacy, audit."""
