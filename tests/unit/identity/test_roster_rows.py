"""Reading a roster export and checking its rows, without AWS."""
from __future__ import annotations

import pytest

from chalicelib.identity.roster import RowRejected, check_row, import_id_of, parse_status
from chalicelib.identity.roster_files import RosterFileError, decode_text, map_columns, read_roster
from chalicelib.platform import pii

HEADER = "姓名,身份证号,单位名称,工会组织,会员状态\n"
ID = "330106199503121238" if pii.id_check_digit("33010619950312123") == "8" else \
    "33010619950312123" + pii.id_check_digit("33010619950312123")
COLUMNS = {"name": 0, "id_number": 1, "enterprise": 2, "org_path": 3, "status": 4, "phone": 5}


@pytest.fixture(autouse=True)
def _keys(monkeypatch):
    monkeypatch.setattr(pii, "_keys", lambda: (b"k" * 32, b"s" * 32))


def test_utf8_gbk_and_bom_are_told_apart_and_utf16_is_refused():
    text = HEADER + "王小丽,x,光年,zj/hz/xihu,在会\n"
    assert decode_text(text.encode("utf-8"))[1] == "utf-8"
    assert decode_text(b"\xef\xbb\xbf" + text.encode("utf-8")) == (text, "utf-8-sig")
    assert decode_text(text.encode("gbk")) == (text, "gb18030")
    with pytest.raises(RosterFileError) as refused:
        decode_text(text.encode("utf-16"))
    assert refused.value.code == "ROSTER_ENCODING"


def test_columns_are_found_by_their_chinese_titles_in_any_order():
    assert map_columns(["会员状态", "公民身份号码", "姓名", "所属工会", "工作单位", "手机号码"]) == {
        "status": 0, "id_number": 1, "name": 2, "org_path": 3, "enterprise": 4, "phone": 5}
    with pytest.raises(RosterFileError) as missing:
        map_columns(["姓名", "身份证号"])
    assert "单位名称" in missing.value.message and "工会组织" in missing.value.message


def test_blank_lines_are_skipped_and_rows_keep_the_numbers_the_admin_sees():
    parsed = read_roster((HEADER + "\n王小丽,1,光年,zj/hz/xihu,在会\n,,,,\n李晓,2,光年,zj/hz/xihu,离会\n").encode(), "csv")
    assert [n for n, _ in parsed.rows] == [3, 5]
    with pytest.raises(RosterFileError):
        read_roster(HEADER.encode(), "csv")
    with pytest.raises(RosterFileError) as wrong:
        read_roster(b"PK\x03\x04 not really", "csv")
    assert wrong.value.code == "ROSTER_FORMAT_MISMATCH"


def test_a_good_row_keeps_only_hashes_of_the_numbers():
    row = ["王小丽", ID.lower() if ID.endswith("X") else ID, "光年科技", "zj/hz/xihu/e-lightyear", "在会",
           "138-5710-1234"]
    checked = check_row(row, COLUMNS, "zj/hz/xihu", lambda path: True)
    assert checked["h"] == pii.lookup_hash(ID) and checked["p"] == pii.lookup_hash("13857101234", kind="phone")
    assert ID not in str(checked) and "13857101234" not in str(checked)


def test_hidden_characters_in_cells_are_dropped_like_everywhere_else():
    row = ["王\u202e小\x00丽\u200b", ID, "光年\ufeff科技\n有限公司", "zj/hz/xihu/e-lightyear", "在会", ""]
    checked = check_row(row, COLUMNS, "zj/hz/xihu", lambda path: True)
    assert (checked["n"], checked["e"]) == ("王小丽", "光年科技 有限公司")
    with pytest.raises(RowRejected) as empty:
        check_row(["\u200b\u202e", *row[1:]], COLUMNS, "zj/hz/xihu", lambda path: True)
    assert empty.value.code == "ROW_NAME_MISSING"


@pytest.mark.parametrize(("change", "code"), [
    ({0: ""}, "ROW_NAME_MISSING"),
    ({1: "12345"}, "ID_NUMBER_FORMAT"),
    ({1: 330106199503121238}, "ROW_ID_NUMBER_AS_NUMBER"),
    ({2: ""}, "ROW_ENTERPRISE_MISSING"),
    ({3: "zj/hz/xihu/e-光年"}, "ROW_ORG_FORMAT"),
    ({3: "zj/huz/nanxun/e-sanxing"}, "ROW_ORG_OUT_OF_SCOPE"),
    ({4: "挂靠"}, "ROW_STATUS"),
    ({5: "0571-8888888"}, "ROW_PHONE"),
])
def test_each_broken_cell_names_its_field_and_reason(change, code):
    row: list[object] = ["王小丽", ID, "光年科技", "zj/hz/xihu/e-lightyear", "在会", ""]
    for index, value in change.items():
        row[index] = value
    with pytest.raises(RowRejected) as refused:
        check_row(row, COLUMNS, "zj/hz/xihu", lambda path: True)
    assert refused.value.code == code and refused.value.reason


def test_status_words_and_upload_keys():
    assert [parse_status(w) for w in ("在会", "正常", "离会", "转出", "Active")] == [
        "active", "active", "left", "left", "active"]
    assert import_id_of("incoming/rosters/ri-0123456789abcdef0123.csv") == "ri-0123456789abcdef0123"
    assert import_id_of("rosters/ri-0123456789abcdef0123.csv") is None  # outside the expiring prefix
    assert import_id_of("incoming/rosters/../secrets.csv") is None
