"""The craftsman archive has no background work of its own: its domain events
(``CraftsmanFileOpened``, ``CraftsmanEntryRecorded``, ``CraftsmanEntryVerified``,
``CraftsmanEntriesClaimed``) go through the outbox for the audit trail and the figures."""
from __future__ import annotations

bp = None
