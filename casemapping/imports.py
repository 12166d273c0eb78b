"""Reading CSV and XLSX lists, and checking every row before anything is saved.

A table is read whole, checked row by row and column by column, and only saved when no row has an
error (the caller saves inside one transaction). Errors name the row (as numbered in the spreadsheet,
the header being row 1) and the column.
"""

import csv
import datetime
import io
import zipfile
from dataclasses import dataclass

from django.core.files.uploadedfile import UploadedFile

MAX_ROWS = 2000
MAX_BYTES = 5 * 1024 * 1024


class TableError(Exception):
    """The file as a whole cannot be read; nothing is imported."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.message}"


def read_table(upload: UploadedFile, columns: list[str]) -> list[dict[str, str]]:
    """The rows of a CSV (UTF-8) or XLSX file with exactly `columns`, as {column: text} with their row number."""
    if upload.size > MAX_BYTES:
        raise TableError(f"The file is larger than {MAX_BYTES // (1024 * 1024)} MB; split it into smaller lists.")
    data = upload.read()
    if data[:4] == b"PK\x03\x04":
        header, rows = _read_xlsx(data)
    else:
        header, rows = _read_csv(data)
    header = [(cell or "").strip().lower() for cell in header]
    while header and header[-1] == "":
        header.pop()
    missing = [column for column in columns if column not in header]
    extra = [column for column in header if column not in columns]
    problems = []
    if missing:
        problems.append("missing column" + ("s " if len(missing) > 1 else " ") + ", ".join(missing))
    if extra:
        problems.append("unexpected column" + ("s " if len(extra) > 1 else " ") + ", ".join(extra or ["(blank)"]))
    if len(set(header)) != len(header):
        problems.append("a column appears twice")
    if problems:
        raise TableError(
            "Row 1 (the header) does not match the template: "
            + "; ".join(problems)
            + ". The columns must be: "
            + ", ".join(columns)
            + "."
        )
    table = []
    for number, cells in rows:
        if not any((cell or "").strip() for cell in cells):
            continue
        if len(table) >= MAX_ROWS:
            raise TableError(
                f"The file has more than {MAX_ROWS} rows (row {number} is past the limit); "
                "split it into smaller lists. Nothing was imported."
            )
        values = {column: (cells[index] if index < len(cells) else "").strip() for index, column in enumerate(header)}
        values["_row"] = number
        table.append(values)
    if not table:
        raise TableError("The file has a header but no rows to import.")
    return table


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TableError(
            f"Row {line} is not in UTF-8: the file seems to use another encoding. "
            "Save it as “CSV UTF-8” (or as an Excel workbook) and upload it again."
        ) from error
    if "\x00" in text:
        raise TableError("The file is not a CSV or XLSX file. Use the template.")
    reader = csv.reader(io.StringIO(text))
    try:
        header = next(reader, None)
        if header is None:
            raise TableError("The file is empty. Use the template.")
        rows = []
        for cells in reader:
            rows.append((reader.line_num, cells))
            if len(rows) > MAX_ROWS + 1:
                break
    except csv.Error as error:
        raise TableError(f"Row {reader.line_num} cannot be read as CSV: {error}.") from error
    return header, rows


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as error:
        raise TableError("The file is not a readable Excel workbook (.xlsx). Use the template.") from error
    sheet = workbook.worksheets[0]
    rows = []
    header = None
    for number, values in enumerate(sheet.iter_rows(values_only=True), start=1):
        cells = [_cell_text(value) for value in values]
        if header is None:
            header = cells
            continue
        rows.append((number, cells))
        if len(rows) > MAX_ROWS + 1:
            break
    workbook.close()
    if header is None:
        raise TableError("The workbook's first sheet is empty. Use the template.")
    return header, rows


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat(sep=" ")
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def parse_yes_no(text: str) -> bool | None:
    lowered = text.strip().lower()
    if lowered in {"yes", "y", "true", "1"}:
        return True
    if lowered in {"no", "n", "false", "0", ""}:
        return False
    return None


def parse_date(text: str) -> datetime.date | None:
    for format in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), format).date()
        except ValueError:
            continue
    return None


def parse_time(text: str) -> datetime.time | None:
    for format in ("%H:%M", "%H:%M:%S"):
        try:
            return datetime.datetime.strptime(text.strip(), format).time()
        except ValueError:
            continue
    return None


def split_list(text: str) -> list[str]:
    return [item.strip() for item in text.split(";") if item.strip()]


def template_csv(columns: list[str], example: list[str]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerow(example)
    return out.getvalue().encode("utf-8")


def template_xlsx(columns: list[str], example: list[str], notes: list[tuple[str, str]]) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Rows"
    sheet.append(columns)
    sheet.append(example)
    guide = workbook.create_sheet("Allowed values")
    guide.append(["Column", "Allowed values"])
    for column, values in notes:
        guide.append([column, values])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
