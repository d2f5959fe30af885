from tests.integration.social.conftest import member  # noqa: F401  (shared fixture)
