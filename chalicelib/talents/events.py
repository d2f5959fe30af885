"""The talents feature runs no event handler of its own: it publishes ``TalentDeclared`` and
``TalentApproved`` through the outbox (see ``specs.py``) for the enterprise figures roll-up and
the audit trail, and tells people through ``platform/notices``."""
from __future__ import annotations

bp = None
