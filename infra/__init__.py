"""CDK infrastructure for Gonghui (see infra/README.md)."""
