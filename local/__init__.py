"""The embedded local stack (not shipped to Lambda)."""
