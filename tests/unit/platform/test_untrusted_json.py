"""Untrusted JSON text (request bodies, WebSocket frames) becomes data or a coded 400, never a
crash: nesting past the limit, integers past Python's 4,300-digit guard or past what any field
holds, and non-finite numbers are refused with the code that names them."""
from __future__ import annotations

import pytest

from chalicelib.platform.errors import BadRequest
from chalicelib.platform.http import MAX_JSON_DEPTH, parse_json_text


@pytest.mark.parametrize(("raw", "code"), [
    ("[" * 100_000 + "]" * 100_000, "JSON_TOO_DEEP"),
    ("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1), "JSON_TOO_DEEP"),
    ('{"n": ' + "1" * 4_301 + "}", "JSON_NUMBER_OUT_OF_RANGE"),
    ('{"n": -' + "1" * 19 + "}", "JSON_NUMBER_OUT_OF_RANGE"),
    ('{"n": NaN}', "JSON_NUMBER_OUT_OF_RANGE"),
    ('{"n": 1e400}', "JSON_NUMBER_OUT_OF_RANGE"),
    ('{"n": ', "INVALID_JSON"),
])
def test_hostile_documents_are_refused_with_a_code(raw, code):
    with pytest.raises(BadRequest) as refused:
        parse_json_text(raw)
    assert refused.value.status == 400 and refused.value.code == code


def test_an_ordinary_document_at_the_depth_limit_is_read():
    raw = "[" * MAX_JSON_DEPTH + "1" + "]" * MAX_JSON_DEPTH
    data = parse_json_text(raw)
    for _ in range(MAX_JSON_DEPTH):
        data = data[0]
    assert data == 1
    assert parse_json_text('{"price_fen": 1800, "ok": true, "x": 1.5}') == {"price_fen": 1800, "ok": True, "x": 1.5}
