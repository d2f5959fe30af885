"""Event names of the mediation feature (the centres figures count closed cases)."""
from __future__ import annotations

from datetime import timedelta

FEATURE = "mediation"
CASE_CLOSED = "MediationCaseClosed"
DEADLINE = timedelta(days=15)     # 劳动争议调解仲裁法 第十四条
WARN_BEFORE = timedelta(days=3)
