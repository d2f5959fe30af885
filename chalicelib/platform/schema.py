"""The base of every request, response and event model.

``defer_build``: pydantic builds a model's validator when the model is first used, not
when its class is defined. Every Lambda imports every feature's schemas with ``app.py``;
most of them are never used by that Lambda, so building them all at import would only
slow the cold start.

Text hygiene, once for every model: before a model validates, every string in its input
loses the characters no person types and that only ever hide or disguise text — NUL and
the other C0/C1 controls (``\\n`` and ``\\t`` stay; ``\\r\\n`` becomes ``\\n``), bidirectional
overrides such as U+202E, zero-width characters and the BOM, lone surrogates (which cannot
even be stored as UTF-8). A zero-width joiner stays only inside an emoji sequence (👨‍👩‍👧).
Fields that hold a single line (names) use ``Line``, which also folds newlines and tabs to
a space. Length limits apply to the cleaned text, so a name of only invisible characters
is refused as empty.
"""
from __future__ import annotations

import re
from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, model_validator

_INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"      # C0 (but \t \n \r) and C1 controls, DEL
    "\u061c\u180e\u200b\u200c\u200e\u200f"       # Arabic letter mark, Mongolian separator, ZWSP, ZWNJ, LRM, RLM
    "\u202a-\u202e\u2060-\u2064\u2066-\u2069"    # bidi embeddings/overrides/isolates, word joiner, invisible operators
    "\ufeff\ufff9-\ufffb\ufffe\uffff"            # BOM / zero-width no-break space, annotations, non-characters
    "\ud800-\udfff]")                            # lone surrogates (a JSON "\\ud800" with no partner)
_EMOJI = "\u00a9\u00ae\u203c-\u3299\ufe0f\U0001f000-\U0001faff"
_STRAY_JOINER = re.compile(f"(?<![{_EMOJI}])\u200d|\u200d(?![{_EMOJI}])")
_LINE_BREAKS = re.compile(r"[\n\t]+")


def clean_text(value: str) -> str:
    """``value`` without invisible or direction-changing characters (see the module doc)."""
    if value.isascii() and value.isprintable():
        return value
    if "\r" in value:
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    value = _INVISIBLE.sub("", value)
    if "\u200d" in value:
        value = _STRAY_JOINER.sub("", value)
    return value


def _clean_tree(data: Any) -> Any:
    if isinstance(data, str):
        return clean_text(data)
    if isinstance(data, dict):
        return {clean_text(k) if isinstance(k, str) else k: _clean_tree(v) for k, v in data.items()}
    if isinstance(data, list | tuple):
        return type(data)(_clean_tree(v) for v in data)
    return data


def one_line(value: Any) -> Any:
    return _LINE_BREAKS.sub(" ", value).strip() if isinstance(value, str) else value


Line = Annotated[str, BeforeValidator(one_line)]
"""A single line of text (a name, a title): newlines and tabs become a space, ends trimmed."""


class Schema(BaseModel):
    model_config = ConfigDict(defer_build=True)

    @model_validator(mode="before")
    @classmethod
    def _clean_text(cls, data: Any) -> Any:
        return _clean_tree(data) if isinstance(data, dict) else data


def deprecated_label(name: str) -> Any:
    """The older ``_cn`` label of a code, still sent for one release next to ``name``."""
    from pydantic import Field

    return Field(..., json_schema_extra={"deprecated": True}, description=f"旧名，请改用 {name}（下个版本移除）")


def label_of(twin: str, description: str) -> Any:
    """A ``<field>_name`` label read from its deprecated ``_cn`` twin (one value, two names)."""
    from pydantic import computed_field

    def label(self: Any) -> str:
        return str(getattr(self, twin))

    return computed_field(description=description)(property(label))
