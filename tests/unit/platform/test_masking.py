"""What a person sees of an ID or phone number, and what the logs keep: never the whole number."""
from __future__ import annotations

import io
import json
import logging

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.platform.pii import mask_id_number, mask_phone, scrub
from tests.unit.platform.test_id_numbers import id_numbers

ID = "330106199001011234"
ID_X = "11010519491231002X"
PHONE = "13812345678"


def test_an_id_number_shows_its_region_and_last_four_only():
    assert mask_id_number(ID) == "330106********1234"
    assert mask_id_number(ID_X) == "110105********002X"
    assert mask_id_number("12345") == "*****"


@pytest.mark.parametrize("raw", ["3301061234", "33010612345", "330106123456", "3301061990010112345"])
def test_a_string_that_is_not_an_id_number_is_masked_whole(raw):
    """Six leading and four trailing characters of a ten-character string are all of it."""
    assert mask_id_number(raw) == "*" * len(raw)


def test_a_first_generation_fifteen_digit_number_shows_region_and_last_four():
    assert mask_id_number("330106900101123") == "330106********1123"


@pytest.mark.parametrize("raw", ["13812345678", "138-1234-5678", "+86 138 1234 5678", "8613812345678",
                                 "0086 13812345678", "１３８１２３４５６７８"])
def test_a_phone_shows_its_first_three_and_last_four(raw):
    assert mask_phone(raw) == "138****5678"


@pytest.mark.parametrize("raw", [
    "12345",                 # too short
    "1381234567",            # a mobile number missing a digit
    "138123456789",          # one digit too many
    "0571-8765-4321",        # a Hangzhou landline
    "23812345678",           # eleven digits, but not a mobile number
    "330106199001011234",    # an ID number passed by mistake
    "+86 138 1234 567",      # +86 and ten digits
])
def test_anything_but_a_mobile_number_is_masked_whole(raw):
    digits = sum(c.isdigit() for c in raw)
    assert mask_phone(raw) == "*" * digits


@given(st.text(alphabet="0123456789 -+", max_size=25))
def test_at_most_the_first_three_and_last_four_digits_of_a_mobile_number_are_ever_shown(raw):
    masked = mask_phone(raw)
    digits = "".join(c for c in raw if c.isdigit())
    if any(c.isdigit() for c in masked):
        assert len(digits) in (11, 13, 15) and digits[-11] == "1"
        assert masked == f"{digits[-11:-8]}****{digits[-4:]}"
    else:
        assert set(masked) <= {"*"}


def test_numbers_inside_chinese_text_are_masked():
    text = f"南浔区职工张三（身份证{ID}，手机{PHONE}）申请床位；另一位：{ID_X}，电话+86 139-0000-1111。"
    assert scrub(text) == ("南浔区职工张三（身份证330106********1234，手机138****5678）申请床位；"
                           "另一位：110105********002X，电话139****1111。")


def test_full_width_numbers_typed_on_a_chinese_keyboard_are_masked_too():
    text = "身份证：３３０１０６１９９００１０１１２３４，手机１３８ １２３４ ５６７８，校验位ｘ：１１０１０５１９４９１２３１００２ｘ"
    assert scrub(text) == "身份证：３３０１０６********１２３４，手机１３８****５６７８，校验位ｘ：１１０１０５********００２ｘ"


def test_numbers_inside_json_are_masked_and_it_stays_json():
    document = json.dumps({"member": {"id_number": ID, "phone": PHONE, "name": "李四"},
                           "note": f"请联系{PHONE}"}, ensure_ascii=False)
    masked = json.loads(scrub(document))
    assert masked["member"] == {"id_number": "330106********1234", "phone": "138****5678", "name": "李四"}
    assert masked["note"] == "请联系138****5678"


@pytest.mark.parametrize("text", [
    "订单号 202311290001234567890 已支付",      # longer than an ID: not one
    "金额 12345678901234567 分",               # 17 digits
    "时间戳 1701234567890",                    # 13 digits, not a phone
    "工号 A330106199001011234",                # glued to a letter: an identifier, not an ID
    "床位 121 间，补贴 3000 元",
    "",
])
def test_other_numbers_are_left_alone(text):
    assert scrub(text) == text


@given(st.text(alphabet="工会职工申请床位，。：（） -", max_size=20), id_numbers(),
       st.text(alphabet="工会职工申请床位，。：（） -", min_size=1, max_size=20).filter(lambda t: t.strip("- ")),
       st.from_regex(r"1[3-9][0-9]{9}", fullmatch=True))
def test_no_id_or_phone_survives_scrubbing_wherever_it_sits(before, number, after, phone):
    text = f"{before}{number}{after}{phone}{before}"
    masked = scrub(text)
    assert number not in masked and phone not in masked
    assert mask_id_number(number) in masked and mask_phone(phone) in masked
    assert scrub(masked) == masked  # masking twice changes nothing


def test_a_log_line_with_an_id_and_a_phone_is_written_masked(capsys):
    """Through the app's own logger, message and extra fields alike."""
    from chalicelib.platform.observability import logger

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        logger.info(f"核验身份证 {ID} 手机 {PHONE}", extra={"phone": PHONE, "member": {"id": ID_X}})
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue() + capsys.readouterr().out
    assert written.strip(), "nothing was logged"
    for line in filter(None, written.splitlines()):
        entry = json.loads(line)
        assert entry["message"] == "核验身份证 330106********1234 手机 138****5678"
        assert entry["phone"] == "138****5678"
        assert entry["member"] == {"id": "110105********002X"}
    assert ID not in written and PHONE not in written and ID_X not in written


def test_a_library_logging_through_the_root_logger_is_masked_too():
    from chalicelib.platform.observability import PiiFilter

    record = logging.LogRecord("botocore", logging.WARNING, __file__, 1, "retrying for %s / %s", (PHONE, ID), None)
    assert PiiFilter().filter(record) is True
    assert record.getMessage() == "retrying for 138****5678 / 330106********1234"


def test_a_bearer_token_or_a_jwt_never_reaches_a_log_line(capsys):
    """Given an error message that echoes an Authorization header (as API Gateway's own 403
    did) and a token in an extra field, when logged, then neither token survives."""
    from chalicelib.platform.observability import PiiFilter, logger

    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ3LTEiLCJ0eXAiOiJhY2Nlc3MifQ.c2lnbmF0dXJlLWJ5dGVz"
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logger.registered_formatter)
    logger.addHandler(handler)
    try:
        logger.info(f"gateway said: Authorization=Bearer {jwt}", extra={"token": jwt, "auth": "Bearer opaque-abc123xyz"})
    finally:
        logger.removeHandler(handler)
    written = stream.getvalue() + capsys.readouterr().out
    assert written.strip()
    assert jwt not in written and "opaque-abc123xyz" not in written and "eyJ" not in written
    record = logging.LogRecord("botocore", logging.WARNING, __file__, 1, "header %s", (f"bearer {jwt}",), None)
    assert PiiFilter().filter(record) is True and jwt not in record.getMessage()
