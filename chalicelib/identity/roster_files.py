"""Reading a 智慧工会 roster export: CSV (UTF-8 with or without BOM, GBK/GB18030) or XLSX.

Pure functions: bytes in, header + rows out, or a ``RosterFileError`` saying what is wrong
with the file as a whole. Row-level checks live in ``roster.py``.

What a file may expand to is bounded before it is read: an XLSX is a zip of XML, so a
0.2 MB upload can hold a 200 MB cell. Its zip directory is checked (entries, total and
per-entry size, compression ratio), then every XML part is streamed through a defused
expat parser in small pieces that counts rows and the characters of each cell, so the
refusal costs a few MB whatever the file claims. Only then does openpyxl (which uses
``defusedxml`` when installed) read it. CSV cells are bounded too.
"""
from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any
from xml.sax.handler import ContentHandler

MAX_ROWS = 300_000
MAX_LINES = MAX_ROWS + 10_000        # rows read, blank ones included
MAX_COLUMNS = 50                     # a roster has about six; only these are read
MAX_CELL_CHARS = 1_000               # the longest real cell (an org path) is 200
# An XLSX's parts as the zip directory declares them (zipfile never inflates past them).
MAX_XLSX_ENTRIES = 500
MAX_XLSX_EXPANDED_BYTES = 256 * 1024 * 1024
MAX_XLSX_PART_BYTES = 160 * 1024 * 1024
MAX_XLSX_RATIO = 100                 # real exports compress 5-20x; a bomb 1000x
_RATIO_FROM_BYTES = 1024 * 1024      # tiny parts may compress better than any bomb can hurt
_SCAN_PIECE = 64 * 1024

# Column titles as 智慧工会 exports them (and a few common variants).
COLUMNS: dict[str, tuple[str, ...]] = {
    "name": ("姓名", "会员姓名", "name"),
    "id_number": ("身份证号", "身份证号码", "公民身份号码", "证件号码", "id_number"),
    "enterprise": ("单位名称", "工作单位", "企业名称", "单位", "企业", "enterprise"),
    "org_path": ("工会组织", "所属工会", "工会组织路径", "org_path"),
    "status": ("会员状态", "状态", "status"),
    "phone": ("手机号", "手机号码", "联系电话", "phone"),
}
REQUIRED = ("name", "id_number", "enterprise", "org_path", "status")
TITLES = {"name": "姓名", "id_number": "身份证号", "enterprise": "单位名称", "org_path": "工会组织",
          "status": "会员状态", "phone": "手机号"}


class RosterFileError(Exception):
    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass
class RosterFile:
    encoding: str
    columns: dict[str, int]          # field → column index
    rows: list[tuple[int, list[object]]]  # (spreadsheet row number, cells)


def decode_text(data: bytes) -> tuple[str, str]:
    """UTF-8 (BOM or not) first, then GB18030 (a superset of GBK). Returns (text, encoding)."""
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise RosterFileError("ROSTER_ENCODING", "文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV") from exc
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise RosterFileError("ROSTER_ENCODING", "不支持 UTF-16 编码，请另存为 UTF-8 或 GBK 编码的 CSV")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        raise RosterFileError("ROSTER_ENCODING", "文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV") from exc


def map_columns(header: list[object]) -> dict[str, int]:
    titles = [str(h or "").strip().lstrip("\ufeff").replace(" ", "") for h in header]
    found: dict[str, int] = {}
    for field, names in COLUMNS.items():
        for index, title in enumerate(titles):
            if title in names or title.lower() in names:
                found.setdefault(field, index)
    missing = [TITLES[f] for f in REQUIRED if f not in found]
    if missing:
        raise RosterFileError("ROSTER_COLUMNS_MISSING",
                              f"名册缺少必需的列：{'、'.join(missing)}（第一行应为列标题）")
    return found


def _too_many_rows() -> RosterFileError:
    return RosterFileError("ROSTER_TOO_LARGE", f"名册超过 {MAX_ROWS} 行，请按组织拆分后上传")


def _cell_too_long(where: str) -> RosterFileError:
    return RosterFileError("ROSTER_CELL_TOO_LONG",
                           f"{where}有超过 {MAX_CELL_CHARS} 个字符的单元格，名册内容有误，请检查后重新导出")


def _csv_rows(text: str) -> Iterator[list[object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        for row in reader:
            if any(len(c) > MAX_CELL_CHARS for c in row):
                raise _cell_too_long(f"第 {reader.line_num} 行")
            yield list(row[:MAX_COLUMNS])
    except csv.Error as exc:  # a field over the csv module's own limit, a broken quote...
        if "field larger than field limit" in str(exc):
            raise _cell_too_long(f"第 {reader.line_num} 行附近") from exc
        raise RosterFileError("ROSTER_UNREADABLE",
                              f"第 {reader.line_num} 行附近的 CSV 格式有误，请另存为标准 CSV 后上传") from exc


class _XlsxScan(ContentHandler):
    """Counts rows and the characters of each cell (shared strings and inline cells alike),
    refusing as soon as a bound is passed. Holds no text."""

    def __init__(self) -> None:
        super().__init__()
        self.rows, self.chars, self.inside = 0, 0, 0

    def startElement(self, name: str, attrs: Any) -> None:  # the SAX interface's name
        local = name.rpartition(":")[2]
        if local in ("c", "si"):
            self.inside += 1
            self.chars = 0
        elif local == "row":
            self.rows += 1
            if self.rows > MAX_LINES:
                raise _too_many_rows()

    def endElement(self, name: str) -> None:  # the SAX interface's name
        if name.rpartition(":")[2] in ("c", "si"):
            self.inside -= 1

    def characters(self, content: str) -> None:
        if self.inside:
            self.chars += len(content)
            if self.chars > MAX_CELL_CHARS:
                raise _cell_too_long("Excel 文件中")


def check_xlsx_bounds(data: bytes) -> None:
    """Refuse an XLSX that would expand past what the reader can hold, before reading it."""
    from defusedxml.expatreader import DefusedExpatParser

    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        parts = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise RosterFileError("ROSTER_UNREADABLE", "无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc
    expanded = sum(p.file_size for p in parts)
    too_big = RosterFileError("ROSTER_TOO_LARGE",
                              "Excel 文件解压后过大（可能含有异常内容），请另存为 CSV 或按组织拆分后上传")
    if len(parts) > MAX_XLSX_ENTRIES or expanded > MAX_XLSX_EXPANDED_BYTES:
        raise too_big
    for part in parts:
        if part.file_size > MAX_XLSX_PART_BYTES:
            raise too_big
        if part.file_size > _RATIO_FROM_BYTES and part.file_size > MAX_XLSX_RATIO * max(1, part.compress_size):
            raise too_big
    with archive:
        for part in parts:
            if not part.filename.endswith((".xml", ".rels")):
                continue
            parser = DefusedExpatParser(forbid_dtd=True)
            parser.setContentHandler(_XlsxScan())
            try:
                with archive.open(part) as stream:
                    while piece := stream.read(_SCAN_PIECE):
                        parser.feed(piece)
                parser.close()
            except RosterFileError:
                raise
            except Exception as exc:  # DefusedXmlException, SAXParseException, zlib.error, BadZipFile...
                raise RosterFileError("ROSTER_UNREADABLE", "无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    check_xlsx_bounds(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RosterFileError("ROSTER_UNREADABLE", "无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise RosterFileError("ROSTER_EMPTY", "名册中没有工作表")
    try:
        for row in sheet.iter_rows(values_only=True, max_col=MAX_COLUMNS):
            yield list(row)
    except Exception as exc:  # a part openpyxl cannot parse half way down the sheet
        raise RosterFileError("ROSTER_UNREADABLE", "无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc
    finally:
        book.close()


def read_roster(data: bytes, file_format: str) -> RosterFile:
    """Header and data rows (blank rows skipped); row numbers as the admin sees them (header = 1).

    Whatever goes wrong while reading is about the file: it becomes a ``RosterFileError``
    (the import then ends failed with a reason), never an exception that leaves it hanging."""
    try:
        return _read(data, file_format)
    except RosterFileError:
        raise
    except Exception as exc:
        raise RosterFileError("ROSTER_UNREADABLE", "名册文件无法读取，请确认文件完整并为 CSV 或 .xlsx 格式") from exc


def _read(data: bytes, file_format: str) -> RosterFile:
    if not data:
        raise RosterFileError("ROSTER_EMPTY", "上传的名册是空文件")
    if file_format == "xlsx":
        if not data.startswith(b"PK"):
            raise RosterFileError("ROSTER_UNREADABLE", "文件不是 .xlsx 格式，请确认导出类型")
        encoding, rows = "xlsx", _xlsx_rows(data)
    else:
        if data.startswith(b"PK"):
            raise RosterFileError("ROSTER_FORMAT_MISMATCH", "这是 Excel 文件，请选择 xlsx 格式上传")
        text, encoding = decode_text(data)
        rows = _csv_rows(text)
    header: list[object] | None = None
    columns: dict[str, int] = {}
    body: list[tuple[int, list[object]]] = []
    for number, row in enumerate(rows, start=1):
        if number > MAX_LINES:
            raise _too_many_rows()
        if header is None:
            if not any(str(c or "").strip() for c in row):
                continue
            header = row
            columns = map_columns(row)
            continue
        if not any(str(c if c is not None else "").strip() for c in row):
            continue
        body.append((number, row))
        if len(body) > MAX_ROWS:
            raise _too_many_rows()
    if header is None:
        raise RosterFileError("ROSTER_EMPTY", "名册中没有内容")
    if not body:
        raise RosterFileError("ROSTER_EMPTY", "名册只有标题行，没有会员数据")
    return RosterFile(encoding=encoding, columns=columns, rows=body)


def cell(row: list[object], columns: dict[str, int], field: str) -> object:
    index = columns.get(field)
    if index is None or index >= len(row):
        return None
    return row[index]
