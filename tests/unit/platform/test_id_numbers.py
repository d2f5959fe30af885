"""Resident ID numbers (GB 11643-1999): a member types theirs once; a typo is caught with a
clear Chinese message, and a real number is always accepted."""
from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.platform.errors import ValidationFailed
from chalicelib.platform.pii import PROVINCES, normalize_id_number


def check_digit(first17: str) -> str:
    """ISO 7064 MOD 11-2, written from the standard (weights 2^(17-i) mod 11)."""
    total = sum(int(d) * (2 ** (17 - i) % 11) for i, d in enumerate(first17))
    value = (12 - total % 11) % 11
    return "X" if value == 10 else str(value)


def with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@st.composite
def id_numbers(draw: st.DrawFn) -> str:
    region = draw(st.sampled_from(sorted(PROVINCES))) + draw(st.from_regex(r"[0-9]{4}", fullmatch=True))
    born = draw(st.dates(min_value=date(1900, 1, 1), max_value=date.today()))
    sequence = draw(st.from_regex(r"[0-9]{3}", fullmatch=True))
    return with_check(f"{region}{born:%Y%m%d}{sequence}")


# What the member reads for each kind of mistake.
MESSAGES = {
    "ID_NUMBER_FORMAT": {"身份证号码应为18位，最后一位可以是X"},
    "ID_NUMBER_REGION": {"身份证号码的地区码不正确"},
    "ID_NUMBER_BIRTH_DATE": {"身份证号码中的出生日期不存在", "身份证号码中的出生日期不合理"},
    "ID_NUMBER_CHECKSUM": {"身份证号码校验位不正确，请核对"},
}


def code_of(raw: str) -> str:
    with pytest.raises(ValidationFailed) as refused:
        normalize_id_number(raw)
    assert refused.value.status == 422
    assert refused.value.message in MESSAGES[refused.value.code]  # a Chinese message for the member
    return refused.value.code


def test_the_standards_own_examples_are_valid_including_an_x_check_digit():
    assert normalize_id_number("11010519491231002X") == "11010519491231002X"
    assert normalize_id_number("11010519491231002x") == "11010519491231002X"
    assert normalize_id_number(" 440524198001010013 ") == "440524198001010013"


def test_full_width_digits_from_a_chinese_keyboard_become_the_same_number():
    """One person, one spelling: otherwise the same number could register twice."""
    assert normalize_id_number("１１０１０５１９４９１２３１００２ｘ") == "11010519491231002X"


@given(id_numbers())
def test_every_well_formed_number_is_accepted_and_upper_cased(number):
    assert normalize_id_number(number.lower()) == number


@given(id_numbers(), st.sampled_from("0123456789X"))
def test_any_other_check_digit_is_refused_as_a_typo(number, wrong):
    if wrong != number[-1]:
        assert code_of(number[:-1] + wrong) == "ID_NUMBER_CHECKSUM"


@given(id_numbers(), st.integers(min_value=0, max_value=16), st.integers(min_value=1, max_value=9))
def test_one_mistyped_digit_is_always_caught(number, position, shift):
    typo = number[:position] + str((int(number[position]) + shift) % 10) + number[position + 1:]
    with pytest.raises(ValidationFailed):
        normalize_id_number(typo)


@pytest.mark.parametrize("born", ["19900230", "19900431", "19001301", "20230229", "19990000"])
def test_a_birth_date_that_does_not_exist_is_refused(born):
    assert code_of(with_check(f"330106{born}123")) == "ID_NUMBER_BIRTH_DATE"


def test_the_oldest_possible_number_was_issued_for_someone_born_in_1900():
    number = with_check("33010619000101123")
    assert normalize_id_number(number) == number


def test_a_child_born_today_has_a_valid_number():
    number = with_check(f"330106{date.today():%Y%m%d}123")
    assert normalize_id_number(number) == number


def test_the_check_digit_needs_exactly_seventeen_digits():
    from chalicelib.platform.pii import id_check_digit

    assert id_check_digit("11010519491231002") == "X"
    for wrong in ("1101051949123100", "110105194912310021"):
        with pytest.raises(ValueError):
            id_check_digit(wrong)


def test_a_birth_date_in_the_future_or_before_1900_is_refused():
    tomorrow = date.today() + timedelta(days=1)
    assert code_of(with_check(f"330106{tomorrow:%Y%m%d}123")) == "ID_NUMBER_BIRTH_DATE"
    assert code_of(with_check("330106189912311234"[:17])) == "ID_NUMBER_BIRTH_DATE"


@pytest.mark.parametrize("region", ["00", "10", "19", "29", "39", "47", "55", "66", "72", "80", "83", "99"])
def test_a_province_code_that_does_not_exist_is_refused(region):
    assert code_of(with_check(f"{region}0106199001011234"[:17])) == "ID_NUMBER_REGION"


@pytest.mark.parametrize("raw", ["", "3301061990010112", "3301061990010112345", "33010619900101123Y",
                                 "33010619900101x234", "٣٣٠١٠٦١٩٩٠٠١٠١١٢٣٤", "3301061990010112३४", None])
def test_wrong_length_or_characters_are_refused_as_format(raw):
    assert code_of(raw) == "ID_NUMBER_FORMAT"
