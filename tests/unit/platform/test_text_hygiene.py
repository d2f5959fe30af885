"""The text every model receives: hidden and direction-changing characters dropped, lines
kept where text may have lines, names folded to one line, emoji sequences left whole."""
from __future__ import annotations

import pytest
from pydantic import Field, ValidationError

from chalicelib.platform.schema import Line, Schema, clean_text


class Card(Schema):
    name: Line = Field(..., min_length=1, max_length=8)
    note: str = ""
    tags: list[str] = Field(default_factory=list)
    extra: dict[str, str] = Field(default_factory=dict)


@pytest.mark.parametrize(("raw", "clean"), [
    ("a\x00b", "ab"),
    ("evil\u202egpj.exe", "evilgpj.exe"),
    ("\ufeff你好\u200b", "你好"),
    ("one\r\ntwo\rthree", "one\ntwo\nthree"),
    ("tab\tand\nline", "tab\tand\nline"),
    ("\x1b[31mred\x85", "[31mred"),
    ("lone \ud800 surrogate", "lone  surrogate"),
    ("family 👨\u200d👩\u200d👧 joined, stray a\u200db", "family 👨\u200d👩\u200d👧 joined, stray ab"),
    ("plain ascii", "plain ascii"),
])
def test_hidden_characters_are_dropped(raw, clean):
    assert clean_text(raw) == clean


def test_every_string_of_a_model_is_cleaned_and_names_are_one_line():
    card = Card.model_validate({"name": " 三行\n电气\t", "note": "a\u202eb\nc", "tags": ["\x00x"],
                                "extra": {"k\u200b": "v\ufeff"}})
    assert (card.name, card.note, card.tags, card.extra) == ("三行 电气", "ab\nc", ["x"], {"k": "v"})


def test_a_name_of_only_hidden_characters_is_empty():
    with pytest.raises(ValidationError) as refused:
        Card.model_validate({"name": "\u200b\u202e\x00"})
    assert refused.value.errors()[0]["type"] == "string_too_short"
