"""What an enterprise may type in the template's level and occupation columns, and the one rule
that keeps one declaration per person per round: the declaration id."""
from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from chalicelib.talents import logic
from chalicelib.talents.schemas import LEVEL_NAMES, SkillLevel


@pytest.mark.parametrize(("typed", "level"), [
    ("五级/初级工", SkillLevel.JUNIOR), ("初级工", SkillLevel.JUNIOR), ("五级", SkillLevel.JUNIOR),
    ("4", SkillLevel.INTERMEDIATE), ("三级／高级工", SkillLevel.SENIOR), (" 技师 ", SkillLevel.TECHNICIAN),
    ("一级/高级技师", SkillLevel.SENIOR_TECHNICIAN), ("senior_technician", SkillLevel.SENIOR_TECHNICIAN),
])
def test_a_level_is_read_from_any_of_its_names(typed, level):
    assert logic.parse_level(typed) is level


@pytest.mark.parametrize("typed", ["", "特级", "六级", "高级", "技师长", "0"])
def test_anything_else_is_no_level(typed):
    assert logic.parse_level(typed) is None


def test_five_levels_each_with_a_chinese_label():
    assert [LEVEL_NAMES[level] for level in SkillLevel] == [
        "五级/初级工", "四级/中级工", "三级/高级工", "二级/技师", "一级/高级技师"]


def test_the_classification_is_data_with_well_formed_unique_codes():
    data = json.loads((Path(logic.__file__).with_name("occupations.json")).read_text(encoding="utf-8"))
    codes = [o["code"] for o in data["occupations"]]
    assert len(codes) == len(set(codes)) >= 20
    assert all(re.fullmatch(r"\d-\d{2}-\d{2}-\d{2}", c) for c in codes)
    assert logic.occupations()["6-31-01-03"] == "电工"


def test_one_person_one_round_one_declaration_id():
    first = logic.declaration_id_of("tr-2026-0000abcd", "h1:aaa")
    assert first == logic.declaration_id_of("tr-2026-0000abcd", "h1:aaa")
    assert first != logic.declaration_id_of("tr-2026-0000abcd", "h1:aab")
    assert first != logic.declaration_id_of("tr-2027-0000abcd", "h1:aaa")
    assert re.fullmatch(r"td-[0-9a-f]{24}", first)
