"""Reading a 智慧工会 roster export: CSV (UTF-8 with or without BOM, GBK/GB18030) or XLSX.

Pure functions: bytes in, header + rows out, or a ``RosterFileError`` saying what is wrong
with the file as a whole. Row-level checks live in ``roster.py``.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass

MAX_ROWS = 300_000

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


def _csv_rows(text: str) -> Iterator[list[object]]:
    reader = csv.reader(io.StringIO(text, newline=""))
    for row in reader:
        yield list(row)


def _xlsx_rows(data: bytes) -> Iterator[list[object]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a broken file
        raise RosterFileError("ROSTER_UNREADABLE", "无法读取该 Excel 文件，请确认是 .xlsx 格式") from exc
    sheet = book.worksheets[0] if book.worksheets else None
    if sheet is None:
        raise RosterFileError("ROSTER_EMPTY", "名册中没有工作表")
    try:
        for row in sheet.iter_rows(values_only=True):
            yield list(row)
    finally:
        book.close()


def read_roster(data: bytes, file_format: str) -> RosterFile:
    """Header and data rows (blank rows skipped); row numbers as the admin sees them (header = 1)."""
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
            raise RosterFileError("ROSTER_TOO_LARGE", f"名册超过 {MAX_ROWS} 行，请按组织拆分后上传")
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
