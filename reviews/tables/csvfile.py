"""Reading a CSV upload: UTF-8 (with or without a BOM) or a plain message, never a parser's exception."""

import csv
import io

from .core import Collector, Limits, Table, TableError, too_long, too_wide

BINARY_SIGNATURES = (
    (b"PK\x03\x04", "a ZIP archive (perhaps an Excel workbook renamed .csv); upload a workbook as .xlsx"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "an Excel 97-2003 or password-protected file; save the list as CSV UTF-8"),
    (b"%PDF-", "a PDF document; save the list as CSV UTF-8"),
    (b"MZ", "a program; choose the list itself"),
    (b"\x7fELF", "a program; choose the list itself"),
)


def read_csv(data: bytes, name: str, limits: Limits) -> Table:
    """The rows of `data`, already known to be within the size cap."""
    for signature, what in BINARY_SIGNATURES:
        if data.startswith(signature):
            raise TableError(f"{name} is not a CSV file: it is {what}.")
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise TableError(
            f"{name}, row {line:,}: the text is not in UTF-8 (the file seems to use another encoding). "
            "Save it as “CSV UTF-8” (or as an Excel workbook) and upload it again."
        ) from error
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        raise TableError(
            f"{name}, row {line:,}: the file holds a NUL character, so it is not a text file. "
            "Save the list as “CSV UTF-8” and upload it again."
        )
    collector = Collector(name, limits)
    number = 0
    try:
        for cells in csv.reader(io.StringIO(text)):
            number += 1
            width = len(cells)
            while width and not cells[width - 1].strip():
                width -= 1
            if width > limits.max_columns:
                raise too_wide(name, number, width, limits)
            for column, cell in enumerate(cells[:width], start=1):
                if len(cell) > limits.max_cell_chars:
                    raise too_long(name, number, column, len(cell), limits)
            collector.add(number, [cell.strip() for cell in cells[:width]])
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise TableError(
                f"{name}, row {number + 1:,}: a cell holds more than {csv.field_size_limit():,} characters; "
                f"the most is {limits.max_cell_chars:,}."
            ) from error
        raise TableError(f"{name}, row {number + 1:,} cannot be read as CSV: {error}.") from error
    return collector.table
