from tests.integration.dorms.conftest import dorm, nanxun  # noqa: F401  (shared fixtures)
from tests.integration.social.conftest import member  # noqa: F401  (shared fixture)
