"""The caps, the errors and the row collector that the CSV and XLSX readers share."""

from dataclasses import dataclass, field

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_ROWS = 2_000
MAX_COLUMNS = 50
MAX_CELL_CHARS = 10_000
MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_COMPRESSION_RATIO = 100

AGAIN = "Save it again from Excel, or save the list as “CSV UTF-8”, and upload it again."


@dataclass(frozen=True)
class Limits:
    """The caps on one upload. A stage narrows them: `Limits(max_rows=500)`."""

    max_bytes: int = MAX_FILE_BYTES
    max_rows: int = MAX_ROWS
    max_columns: int = MAX_COLUMNS
    max_cell_chars: int = MAX_CELL_CHARS
    max_uncompressed_bytes: int = MAX_UNCOMPRESSED_BYTES
    max_compression_ratio: int = MAX_COMPRESSION_RATIO


LIMITS = Limits()


class TableError(Exception):
    """The file as a whole cannot be imported; the message names the file. Nothing is imported."""


class ColumnsError(TableError):
    """The header does not have the stage's columns."""

    def __init__(self, message: str, *, row: int, missing: list[str], unexpected: list[str], repeated: list[str]):
        super().__init__(message)
        self.row = row
        self.missing = missing
        self.unexpected = unexpected
        self.repeated = repeated


@dataclass(frozen=True)
class RowError:
    """A problem with one cell, found by the stage's checks of the rows."""

    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column “{self.column}”: {self.message}"


@dataclass
class Table:
    """The header and the rows under it, blank rows left out, each row with its number in the file."""

    name: str
    header_row: int = 0
    header: list[str] = field(default_factory=list)
    rows: list[tuple[int, list[str]]] = field(default_factory=list)


class Collector:
    """Takes rows in file order: the first non-blank row is the header, blank rows are left out, and
    the row cap stops the reading at the first row past it."""

    def __init__(self, name: str, limits: Limits) -> None:
        self.table = Table(name)
        self.limits = limits

    def add(self, number: int, cells: list[str]) -> None:
        if not any(cells):
            return
        if not self.table.header_row:
            self.table.header_row, self.table.header = number, cells
            return
        if len(self.table.rows) >= self.limits.max_rows:
            raise TableError(
                f"{self.table.name} has more than {self.limits.max_rows:,} rows (row {number:,} is past the limit); "
                "split it into smaller lists. Nothing was imported."
            )
        self.table.rows.append((number, cells))


def column_letter(number: int) -> str:
    letters = ""
    while number > 0:
        number, remainder = divmod(number - 1, 26)
        letters = chr(65 + remainder) + letters
    return letters


def megabytes(size: int) -> str:
    """A size as people read it: 1 KB, 2.5 MB, 50 MB."""
    if size < 1000 * 1024:
        return f"{max(1, round(size / 1024))} KB"
    value = size / (1024 * 1024)
    return f"{value:.0f} MB" if value >= 10 or round(value, 1).is_integer() else f"{value:.1f} MB"


def too_wide(name: str, row: int, column: int, limits: Limits) -> TableError:
    return TableError(
        f"{name}, row {row:,}, column {column_letter(column)}: the file has a value in column {column:,}; "
        f"the most is {limits.max_columns:,} columns."
    )


def too_long(name: str, row: int, column: int, length: int | None, limits: Limits) -> TableError:
    holds = f"{length:,} characters" if length is not None else f"more than {limits.max_cell_chars:,} characters"
    return TableError(
        f"{name}, row {row:,}, column {column_letter(column)}: the cell holds {holds}; "
        f"the most is {limits.max_cell_chars:,}."
    )
