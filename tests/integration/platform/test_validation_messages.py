"""Validation details speak Chinese, field by field, and keep the machine-readable type.

Given a caller who sends a body with a wrong enumeration value, a wrong pattern and an
unknown-typed field, when the API refuses it, then every detail names its field, keeps
pydantic's ``type`` for programs, and carries a Chinese ``message`` with no English left in it."""
from __future__ import annotations

import json
import re

from tests.conftest import body

ENGLISH_WORDS = re.compile(r"\b(Input|should|Field|required|String|characters|valid)\b")


def test_a_refused_body_is_explained_in_chinese_per_field(api, aws_calls):
    response = api.post("/dev/login", headers={"Content-Type": "application/json"},
                        body=json.dumps({"role": "boss", "user_id": "A B", "name": 7}))

    assert response.status_code == 422
    answer = body(response)
    assert answer["code"] == "VALIDATION_FAILED"
    details = {d["field"]: d for d in answer["details"]}
    assert set(details) == {"role", "user_id", "name"}
    assert details["role"]["type"] == "enum" or details["role"]["type"] == "literal_error"
    assert details["role"]["message"].startswith("role：应为以下之一：")
    assert "worker" in details["role"]["message"]
    assert details["user_id"]["type"] == "string_pattern_mismatch"
    assert details["user_id"]["message"] == "user_id：格式不正确"
    assert details["name"]["message"] == "name：应为文本"
    for detail in answer["details"]:
        assert not ENGLISH_WORDS.search(detail["message"]), detail
        assert re.search(r"[\u4e00-\u9fff]", detail["message"]), detail


def test_a_missing_field_and_a_number_out_of_range_are_named():
    from pydantic import BaseModel, Field, ValidationError

    from chalicelib.platform.http import _validation_details

    class Probe(BaseModel):
        count: int = Field(ge=1, le=9)
        title: str

    try:
        Probe.model_validate({"count": 12})
    except ValidationError as exc:
        details = _validation_details(exc)
    assert [(d["field"], d["type"], d["message"]) for d in details] == [
        ("count", "less_than_equal", "count：应不大于 9"),
        ("title", "missing", "title：必填"),
    ]
