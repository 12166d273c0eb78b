"""Reading an uploaded CSV or XLSX table for an import, bounded before anything is parsed.

A stage declares its columns and maps the rows; this package reads the file. Every cap (file size,
decompressed size and compression ratio of each part of a workbook, rows, columns, characters in a
cell) is checked before the data it guards is held in memory, and reading stops at the first cap
passed. Every problem with the file is one TableError whose message names the file, and the row and
column where they are known; rows are numbered as in the spreadsheet (the header usually row 1).

The caps are the constants in `core`; a stage narrows them by passing `Limits(max_rows=500)`.
The stage then checks every row and saves all of them in one transaction, or none.
"""

import datetime
import posixpath
from collections.abc import Mapping, Sequence

from reviews import exports

from .core import (
    LIMITS,
    MAX_CELL_CHARS,
    MAX_COLUMNS,
    MAX_COMPRESSION_RATIO,
    MAX_FILE_BYTES,
    MAX_ROWS,
    MAX_UNCOMPRESSED_BYTES,
    ColumnsError,
    Limits,
    RowError,
    Table,
    TableError,
    megabytes,
)
from .csvfile import read_csv
from .xlsx import read_xlsx

__all__ = [
    "LIMITS",
    "MAX_CELL_CHARS",
    "MAX_COLUMNS",
    "MAX_COMPRESSION_RATIO",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "MAX_UNCOMPRESSED_BYTES",
    "ColumnsError",
    "Limits",
    "RowError",
    "Table",
    "TableError",
    "parse_date",
    "parse_time",
    "parse_yes_no",
    "read_rows",
    "read_table",
    "example_words",
    "split_list",
    "template_csv",
    "template_xlsx",
]

EXTENSIONS = (".csv", ".xlsx")
EXAMPLE_WORDS = 12  # a cell of the example row this long is its words, which identify it


def read_table(
    upload,
    columns: Sequence[str],
    *,
    required: Sequence[str] | None = None,
    limits: Limits = LIMITS,
    example: Mapping[str, str] | None = None,
) -> list[dict]:
    """The rows of an upload as {column: text, "_row": number}, keyed by the stage's `columns`.

    Without `required` the header must hold exactly `columns`, in any order; with it, those columns
    must be there, the rest of `columns` may be, and any other column is ignored. Header cells match
    whatever their case, and a space matches an underscore. `example` holds the cells that identify the example
    row of the stage's template ({column: value}, see `example_words`): a row with those cells is refused, so an
    example never becomes a record.
    """
    table = read_rows(upload, limits=limits)
    index = _match_header(table, columns, required)
    rows = [
        {column: (cells[i] if i is not None and i < len(cells) else "") for column, i in index.items()} | {"_row": n}
        for n, cells in table.rows
    ]
    if example:
        expected = {column: _plain(value) for column, value in example.items()}
        for row in rows:
            if all(_plain(row.get(column, "")) == value for column, value in expected.items()):
                raise TableError(
                    f"Row {row['_row']} of {display_name(upload)} is the template's example, not a record of "
                    "yours: replace it with your own rows, or delete it. Nothing has been imported."
                )
    return rows


def example_words(columns: Sequence[str], example: Sequence[str]) -> dict[str, str]:
    """The cells of a template's example row that identify it: its words, not its dates, times and codes, which a
    spreadsheet may have written another way when it saved the file, and which a real row may share."""
    return {column: value for column, value in zip(columns, example, strict=True) if len(value) >= EXAMPLE_WORDS}


def _plain(value: object) -> str:
    """A cell as the template wrote it, whatever a spreadsheet did to it: no case, spaces or formula guard."""
    return " ".join(str(value).removeprefix("'").split()).casefold()


def read_rows(upload, *, limits: Limits = LIMITS) -> Table:
    """Check the upload's name, size and content, then read its header and rows within `limits`."""
    name = display_name(upload)
    extension = _extension(name)
    if extension not in EXTENSIONS:
        raise TableError(f"{name} is not a CSV or Excel file: upload the list as .csv (CSV UTF-8) or .xlsx.")
    size = upload.size or 0
    if size == 0:
        raise TableError(f"{name} is empty.")
    if size > limits.max_bytes:
        raise TableError(
            f"{name} is {megabytes(size)}; the most is {megabytes(limits.max_bytes)}. Split the list into smaller files."
        )
    upload.seek(0)
    table = read_xlsx(upload, name, limits) if extension == ".xlsx" else read_csv(upload.read(), name, limits)
    if not table.header:
        raise TableError(f"{name} is empty: there is no header row.")
    if not table.rows:
        raise TableError(f"{name} has no rows under the header.")
    return table


def display_name(upload) -> str:
    name = posixpath.basename(str(getattr(upload, "name", "") or "").replace("\\", "/")) or "The file"
    return name if len(name) <= 80 else name[:77] + "…"


def _extension(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem else ""


def _match_header(table: Table, columns: Sequence[str], required: Sequence[str] | None) -> dict[str, int | None]:
    def key(text: str) -> str:
        return " ".join(text.replace("_", " ").split()).lower()

    wanted = {key(column): column for column in columns}
    index: dict[str, int | None] = dict.fromkeys(columns)
    unexpected, repeated = [], []
    for position, text in enumerate(table.header):
        column = wanted.get(key(text))
        if column is None:
            unexpected.append(" ".join(text.split()).lower() or "(blank)")
        elif index[column] is not None:
            repeated.append(column)
        else:
            index[column] = position
    missing = [column for column in (columns if required is None else required) if index[column] is None]
    if required is not None:
        unexpected = []
    if missing or unexpected or repeated:
        problems = []
        if missing:
            problems.append(("missing columns " if len(missing) > 1 else "missing column ") + ", ".join(missing))
        if unexpected:
            problems.append(
                ("unexpected columns " if len(unexpected) > 1 else "unexpected column ") + ", ".join(unexpected)
            )
        if repeated:
            problems.append(", ".join(repeated) + (" appear" if len(repeated) > 1 else " appears") + " twice")
        message = f"{table.name}, row {table.header_row} (the header) does not match the template: "
        message += "; ".join(problems) + (f". The columns must be: {', '.join(columns)}." if required is None else ".")
        raise ColumnsError(message, row=table.header_row, missing=missing, unexpected=unexpected, repeated=repeated)
    return index


# Cells and templates the stages' imports share


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
    """The header and an example row, written by the one export writer, which neutralises formulas."""
    return exports.to_csv([columns, example]).encode("utf-8")


def template_xlsx(columns: list[str], example: list[str], notes: list[tuple[str, str]]) -> bytes:
    """The header and an example row, with a second sheet of the values each column allows."""
    return exports.to_xlsx_sheets(
        [("Rows", [columns, example]), ("Allowed values", [["Column", "Allowed values"], *notes])]
    )
