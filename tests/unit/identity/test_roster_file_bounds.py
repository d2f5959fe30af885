"""A roster file is bounded before it is read: a small upload that expands to hundreds of MB
(an XLSX is a zip of XML), a cell longer than any real cell, more rows than allowed, an XML
entity bomb, or a CSV field over the csv module's own limit is refused with a code and a
Chinese reason, at a cost of a few MB, never read into memory first."""
from __future__ import annotations

import io
import tracemalloc
import zipfile

import openpyxl
import pytest

from chalicelib.identity import roster_files
from chalicelib.identity.roster_files import RosterFileError, read_roster

HEADER = ("姓名", "身份证号", "单位名称", "工会组织", "会员状态")
SHEET = "xl/worksheets/sheet1.xml"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _workbook(rows: int = 1) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(list(HEADER))
    for n in range(rows):
        sheet.append([f"会员{n}", "330106199503121234", "杭州光年科技有限公司", "zj/hz/xihu/e-lightyear", "在会"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_sheet(pieces, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A real workbook whose first sheet is replaced by ``pieces`` (an iterable of bytes),
    written to the zip piece by piece so that a huge sheet never exists in memory."""
    source = zipfile.ZipFile(io.BytesIO(_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            if info.filename != SHEET:
                target.writestr(info.filename, source.read(info.filename))
        with target.open(SHEET, "w", force_zip64=True) as sheet:
            for piece in pieces:
                sheet.write(piece)
        for name, data in (extra or {}).items():
            target.writestr(name, data)
    return out.getvalue()


def _one_cell_sheet(chars: int, *, chunk: int = 1024 * 1024):
    yield f'<?xml version="1.0" encoding="UTF-8"?><worksheet {NS}><sheetData><row r="1">'.encode()
    for n, title in enumerate(HEADER):
        yield f'<c r="{"ABCDE"[n]}1" t="inlineStr"><is><t>{title}</t></is></c>'.encode()
    yield b'</row><row r="2"><c r="A2" t="inlineStr"><is><t>'
    left = chars
    while left > 0:
        size = min(chunk, left)
        yield b"A" * size
        left -= size
    yield b"</t></is></c></row></sheetData></worksheet>"


def _refused(data: bytes, file_format: str = "xlsx") -> tuple[RosterFileError, int]:
    tracemalloc.start()
    try:
        with pytest.raises(RosterFileError) as refused:
            read_roster(data, file_format)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    return refused.value, peak


def test_a_small_xlsx_whose_one_cell_expands_to_200_mb_is_refused_before_it_is_read():
    """Given a 0.2 MB XLSX whose one cell inflates to 200 MB (it peaked at 790 MB before),
    then it is refused as too large and reading it costs a few MB."""
    bomb = _with_sheet(_one_cell_sheet(200 * 1024 * 1024))
    assert len(bomb) < 400_000
    error, peak = _refused(bomb)
    assert error.code == "ROSTER_TOO_LARGE" and "解压后过大" in error.message
    assert peak < 8 * 1024 * 1024


def test_a_part_that_compresses_like_a_bomb_is_refused_even_when_its_size_is_allowed():
    data = _with_sheet(_one_cell_sheet(20 * 1024 * 1024))
    assert len(data) < 100_000  # 20 MB of one letter: a ratio no real export has
    error, peak = _refused(data)
    assert error.code == "ROSTER_TOO_LARGE" and peak < 8 * 1024 * 1024


@pytest.mark.parametrize("where", ["inline cell", "shared string in many runs"])
def test_a_cell_longer_than_any_real_cell_is_refused_while_streaming(where):
    """Small enough to pass the zip checks, so the streaming scan has to catch it: a cell of
    5,000 characters, inline or as a shared string split over many rich-text runs."""
    if where == "inline cell":
        data = _with_sheet(_one_cell_sheet(roster_files.MAX_CELL_CHARS + 1))
    else:
        runs = "".join(f"<r><t>{'x' * 100}</t></r>" for _ in range(50))
        strings = f'<?xml version="1.0" encoding="UTF-8"?><sst {NS} count="1" uniqueCount="1"><si>{runs}</si></sst>'
        data = _with_sheet(iter([f'<worksheet {NS}><sheetData/></worksheet>'.encode()]),
                           extra={"xl/sharedStrings.xml": strings.encode()})
    error, peak = _refused(data)
    assert error.code == "ROSTER_CELL_TOO_LONG" and "1000 个字符" in error.message
    assert peak < 8 * 1024 * 1024


def test_more_rows_than_allowed_are_refused_before_openpyxl_reads_them(monkeypatch):
    monkeypatch.setattr(roster_files, "MAX_LINES", 20)
    error, _ = _refused(_workbook(rows=30))
    assert error.code == "ROSTER_TOO_LARGE"
    assert len(read_roster(_workbook(rows=10), "xlsx").rows) == 10  # under the bound it reads as before


def test_an_xml_entity_bomb_is_refused_and_openpyxl_reads_xml_through_defusedxml():
    laughs = ('<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lollollollollollollollollollol">'
              + "".join(f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">' for n in range(1, 9))
              + f']><worksheet {NS}><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol8;</t></is></c>'
              + "</row></sheetData></worksheet>")
    error, peak = _refused(_with_sheet(iter([laughs.encode()])))
    assert error.code == "ROSTER_UNREADABLE" and peak < 8 * 1024 * 1024
    assert openpyxl.DEFUSEDXML  # openpyxl itself parses with defusedxml (pinned in requirements.txt)


def test_a_csv_field_over_the_csv_module_limit_is_a_file_error_not_a_crash():
    """Given a CSV whose one field is longer than 131,072 characters (``_csv.Error`` before),
    then it is refused with a code and the row it is on."""
    text = "姓名,身份证号,单位名称,工会组织,会员状态\n" + "王小丽," + "1" * 140_000 + ",光年,zj/hz/xihu,在会\n"
    error, _ = _refused(text.encode(), "csv")
    assert error.code == "ROSTER_CELL_TOO_LONG" and "第 2 行" in error.message
    long_cell = "姓名,身份证号,单位名称,工会组织,会员状态\n王小丽,1,光年" + "x" * 2000 + ",zj/hz/xihu,在会\n"
    assert _refused(long_cell.encode(), "csv")[0].code == "ROSTER_CELL_TOO_LONG"
