"""Names the talents feature shares with its readers: the feature (event source) and the domain
events the enterprise figures roll-up consumes (``TalentDeclared`` once per declaration, at its
first submission; ``TalentApproved`` once, at its final approval)."""
from __future__ import annotations

FEATURE = "talents"
TALENT_DECLARED = "TalentDeclared"
TALENT_APPROVED = "TalentApproved"
