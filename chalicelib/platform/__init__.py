"""Plumbing that knows no feature: config, auth, errors, data, events, observability, PII."""
