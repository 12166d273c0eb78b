"""The one writer of the spreadsheets and CSV files the product hands out.

Text that a spreadsheet would read as a formula (it starts with =, +, -, @, a tab or a carriage
return) is kept as text: in a CSV it gets a leading apostrophe, the mark Excel and LibreOffice
read as "this is text"; in an XLSX it is written as a text cell with the quote-prefix flag, which
is what Excel itself stores when someone types that apostrophe, so the text reads as typed and
stays text if the cell is edited. Numbers, dates and booleans stay what they are.
"""

import csv
import datetime
import io
from collections.abc import Iterable
from decimal import Decimal

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_CONTENT_TYPE = "text/csv; charset=utf-8"

Rows = Iterable[Iterable[object]]
_PLAIN = (bool, int, float, Decimal, datetime.date, datetime.datetime, datetime.time)


def is_formula_like(value: object) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def _plain(value: object) -> object:
    """A value a writer takes as it is: None, a number, a date or a boolean; anything else as its text."""
    if value is None or isinstance(value, _PLAIN):
        return value
    return str(value)


def csv_cell(value: object) -> object:
    value = _plain(value)
    if is_formula_like(value):
        return "'" + value
    return value


def to_csv(rows: Rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    for row in rows:
        writer.writerow([csv_cell(value) for value in row])
    return out.getvalue()


def to_xlsx(rows: Rows, *, title: str = "Sheet1") -> bytes:
    """A one-sheet workbook of `rows` (the first usually the header), every text cell a text cell."""
    return to_xlsx_sheets([(title, rows)])


def to_xlsx_sheets(sheets: Iterable[tuple[str, Rows]]) -> bytes:
    """A workbook of one sheet for each (title, rows), in that order, written as `to_xlsx` writes one."""
    from openpyxl import Workbook
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    workbook = Workbook()
    workbook.remove(workbook.active)
    for title, rows in sheets:
        sheet = workbook.create_sheet(_sheet_title(title))
        for row_number, row in enumerate(rows, start=1):
            for column_number, value in enumerate(row, start=1):
                value = _plain(value)
                if isinstance(value, str):
                    # Control characters pasted from other documents are not allowed in the file format.
                    value = ILLEGAL_CHARACTERS_RE.sub("", value)
                cell = sheet.cell(row=row_number, column=column_number, value=value)
                if isinstance(value, str):
                    cell.data_type = "s"  # openpyxl takes a str starting with "=" for a formula
                    if is_formula_like(value):
                        cell.quotePrefix = True
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _sheet_title(title: str) -> str:
    """A sheet name Excel accepts: at most 31 characters and none of \\ / ? * [ ] :."""
    cleaned = "".join(" " if char in "\\/?*[]:" else char for char in title)
    return cleaned[:31].strip(" '") or "Sheet1"
