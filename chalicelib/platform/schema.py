"""The base of every request, response and event model.

``defer_build``: pydantic builds a model's validator when the model is first used, not
when its class is defined. Every Lambda imports every feature's schemas with ``app.py``;
most of them are never used by that Lambda, so building them all at import would only
slow the cold start.
"""
from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)
