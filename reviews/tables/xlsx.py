"""Reading an XLSX upload from its ZIP parts with a streaming XML parser, never inflating more than the caps allow.

The parts are checked before any is opened: their number, each one's declared size and compression
ratio, and the total. Each XML part is then streamed through expat with document type declarations
and entities refused, so neither a declared sheet range nor an entity expansion makes anything big.
Only the first worksheet is read; a cell is its text, or for a number shown as a date or a time, the
date (2025-03-14) or the time (09:30).
"""

import datetime
import io
import posixpath
import re
import struct
import zipfile
import zlib
from collections.abc import Callable
from xml.parsers import expat

from .core import AGAIN, Collector, Limits, Table, TableError, column_letter, megabytes, too_long, too_wide

MAX_ZIP_PARTS = 1_000
# Small parts (styles, content types) may compress better than a sheet; a part is held to the ratio
# only if it would inflate to more than this.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024
CHUNK_BYTES = 64 * 1024
EXCEL_MAX_ROW = 1_048_576
MAIN_PARTS = ("[Content_Types].xml", "xl/workbook.xml")
DATE_FORMAT_IDS = frozenset({14, 15, 16, 17, 18, 19, 20, 21, 22, 45, 46, 47})
WINDOWS_EPOCH = datetime.datetime(1899, 12, 30)
MAC_EPOCH = datetime.datetime(1904, 1, 1)
CELL_REFERENCE = re.compile(r"\$?([A-Za-z]{1,3})\$?(\d{1,7})")


def read_xlsx(upload, name: str, limits: Limits) -> Table:
    head = upload.read(8)
    if not head.startswith(b"PK\x03\x04"):
        raise TableError(f"{name} is not an Excel workbook (.xlsx): it is {_kind_of(head)}.")
    _check_part_count(upload, name)
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as error:
        raise TableError(f"{name} is damaged: it is not a complete Excel workbook. {AGAIN}") from error
    with archive:
        _check_parts(archive, name, limits)
        return _Workbook(archive, name, limits).read()


def _kind_of(head: bytes) -> str:
    if head.startswith((b"MZ", b"\x7fELF")):
        return "a program"
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return "an Excel 97-2003 or password-protected workbook; save it as an Excel workbook (.xlsx)"
    if head.startswith(b"%PDF-"):
        return "a PDF document"
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError:
        return "some other kind of file"
    if text.isprintable() or text.rstrip("\r\n").isprintable():
        return "text (perhaps a CSV file); upload a CSV file with the name ending .csv"
    return "some other kind of file"


def _check_part_count(upload, name: str) -> None:
    """Refuse a ZIP whose central directory lists more parts than a workbook has, before zipfile lists them."""
    upload.seek(0, io.SEEK_END)
    size = upload.tell()
    start = max(0, size - 65_557)
    upload.seek(start)
    tail = upload.read()
    upload.seek(0)
    end = tail.rfind(b"PK\x05\x06")
    if end < 0 or end + 22 > len(tail):
        raise TableError(f"{name} is damaged: it is not a complete Excel workbook. {AGAIN}")
    (count,) = struct.unpack("<H", tail[end + 10 : end + 12])
    if count > MAX_ZIP_PARTS:
        raise TableError(
            f"{name} cannot be read: it holds more than {MAX_ZIP_PARTS:,} parts, far more than a workbook."
        )


def _check_parts(archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
    total = 0
    for info in archive.infolist():
        part = info.filename[:100]
        if info.flag_bits & 0x1:
            raise TableError(f"{name} is password-protected; remove the password and upload it again.")
        if info.file_size >= RATIO_CHECKED_FROM_BYTES:
            ratio = info.file_size / max(info.compress_size, 1)
            if ratio > limits.max_compression_ratio:
                raise TableError(
                    f"{name} cannot be read safely: its part {part} would expand from {megabytes(info.compress_size)} "
                    f"to {megabytes(info.file_size)}, {ratio:,.0f} times; the most is "
                    f"{limits.max_compression_ratio:,} times. {AGAIN}"
                )
        total += info.file_size
    if total > limits.max_uncompressed_bytes:
        raise TableError(
            f"{name} cannot be read safely: it would expand to {megabytes(total)}; the most is "
            f"{megabytes(limits.max_uncompressed_bytes)}. Split the list into smaller files."
        )
    names = set(archive.namelist())
    if any(part not in names for part in MAIN_PARTS):
        raise TableError(f"{name} is not an Excel workbook (.xlsx): it is a ZIP archive without a workbook in it.")


def _local(name: str) -> str:
    return name.rpartition(" ")[2]


def _attribute(attributes: dict, local: str) -> str | None:
    for key, value in attributes.items():
        if _local(key) == local:
            return value
    return None


class _Workbook:
    def __init__(self, archive: zipfile.ZipFile, name: str, limits: Limits) -> None:
        self.archive = archive
        self.name = name
        self.limits = limits

    def read(self) -> Table:
        sheets, date1904 = self._sheets()
        relations = self._relations()
        target = next(
            (relations[rid][1] for rid in sheets if rid in relations and relations[rid][0] == "worksheet"), None
        )
        if target is None:
            if any(relations.get(rid, ("",))[0] == "chartsheet" for rid in sheets):
                raise TableError(f"{self.name} has only charts, no worksheet; put the list on the first sheet.")
            raise TableError(f"{self.name} has no worksheet; put the list on the first sheet.")
        by_type = dict(relations.values())
        styles = self._date_styles(by_type.get("styles", "xl/styles.xml"))
        sheet = _Sheet(self.name, self.limits, styles, MAC_EPOCH if date1904 else WINDOWS_EPOCH)
        self.parse(target, sheet.start, sheet.end, sheet.text)
        if sheet.wanted:
            strings = _SharedStrings(sheet.wanted, self.limits)
            self.parse(by_type.get("sharedStrings", "xl/sharedStrings.xml"), strings.start, strings.end, strings.text)
            sheet.resolve(strings.found)
        return sheet.collector.table

    def parse(self, part: str, start: Callable, end: Callable | None = None, text: Callable | None = None) -> None:
        """Stream one part through expat, refusing any DTD; a missing part is damage."""
        try:
            info = self.archive.getinfo(part)
        except KeyError as error:
            raise TableError(f"{self.name} is damaged: its part {part[:100]} is missing. {AGAIN}") from error
        parser = expat.ParserCreate(namespace_separator=" ")
        parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)

        def refuse(*args) -> None:
            raise TableError(
                f"{self.name} cannot be read: its part {part[:100]} declares a document type or entities, "
                f"which a workbook never does. {AGAIN}"
            )

        parser.StartDoctypeDeclHandler = refuse
        parser.EntityDeclHandler = refuse
        parser.ExternalEntityRefHandler = refuse
        parser.StartElementHandler = start
        if end:
            parser.EndElementHandler = end
        if text:
            parser.CharacterDataHandler = text
        parser.buffer_text = True
        read = 0
        try:
            with self.archive.open(info) as stream:
                while chunk := stream.read(CHUNK_BYTES):
                    read += len(chunk)
                    if read > info.file_size:
                        raise TableError(f"{self.name} is damaged: its part {part[:100]} is longer than it says.")
                    parser.Parse(chunk, False)
                parser.Parse(b"", True)
        except expat.ExpatError as error:
            raise TableError(
                f"{self.name} cannot be read: its part {part[:100]} is not well-formed XML "
                f"({expat.ErrorString(error.code)}, line {error.lineno}). {AGAIN}"
            ) from error
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            raise TableError(f"{self.name} is damaged: its part {part[:100]} cannot be unpacked. {AGAIN}") from error

    def _sheets(self) -> tuple[list[str], bool]:
        sheets, flags = [], {"date1904": False}

        def start(element: str, attributes: dict) -> None:
            if _local(element) == "sheet":
                sheets.append(_attribute(attributes, "id") or "")
            elif _local(element) == "workbookPr":
                flags["date1904"] = attributes.get("date1904", "").lower() in {"1", "true"}

        self.parse("xl/workbook.xml", start)
        return sheets, flags["date1904"]

    def _relations(self) -> dict[str, tuple[str, str]]:
        """{relationship id: (type, part)} of the workbook's parts."""
        relations = {}

        def start(element: str, attributes: dict) -> None:
            if _local(element) == "Relationship" and attributes.get("TargetMode") != "External":
                target = attributes.get("Target", "")
                path = target.lstrip("/") if target.startswith("/") else posixpath.join("xl", target)
                kind = attributes.get("Type", "").rpartition("/")[2]
                relations[attributes.get("Id", "")] = (kind, posixpath.normpath(path))

        if "xl/_rels/workbook.xml.rels" not in self.archive.namelist():
            raise TableError(f"{self.name} is damaged: it does not say where its sheets are. {AGAIN}")
        self.parse("xl/_rels/workbook.xml.rels", start)
        return relations

    def _date_styles(self, part: str) -> list[bool]:
        """For each cell style, whether it shows a number as a date or a time."""
        from openpyxl.styles.numbers import is_date_format

        if part not in self.archive.namelist():
            return []
        formats: dict[int, str] = {}
        styles: list[int] = []
        state = {"in_xfs": False}

        def start(element: str, attributes: dict) -> None:
            local = _local(element)
            if local == "numFmt":
                formats[_int(attributes.get("numFmtId"))] = attributes.get("formatCode", "")[:255]
            elif local == "cellXfs":
                state["in_xfs"] = True
            elif local == "xf" and state["in_xfs"]:
                if len(styles) >= 100_000:
                    raise TableError(f"{self.name} cannot be read: it has more cell styles than Excel allows.")
                styles.append(_int(attributes.get("numFmtId")))

        def end(element: str) -> None:
            if _local(element) == "cellXfs":
                state["in_xfs"] = False

        self.parse(part, start, end)
        return [
            number in DATE_FORMAT_IDS or (number in formats and is_date_format(formats[number])) for number in styles
        ]


def _int(text: str | None, default: int = -1) -> int:
    try:
        return int(text or "")
    except ValueError:
        return default


class _SharedRef(int):
    """A cell that shows the workbook's shared text number n, looked up once the sheet is read."""


class _Sheet:
    """The handlers that stream a worksheet's XML into rows of text, within the limits."""

    def __init__(self, name: str, limits: Limits, date_styles: list[bool], epoch: datetime.datetime) -> None:
        self.name = name
        self.limits = limits
        self.date_styles = date_styles
        self.epoch = epoch
        self.collector = Collector(name, limits)
        self.pending: list[tuple[int, dict[int, object]]] = []
        self.wanted: set[int] = set()
        self.row = 0
        self.cells: dict[int, object] | None = None
        self.column = 0
        self.kind = ""
        self.style = -1
        self.parts: list[str] = []
        self.length = 0
        self.collecting = False
        self.inline = False
        self.phonetic = False

    def start(self, element: str, attributes: dict) -> None:
        local = _local(element)
        if local == "c" and self.cells is not None:
            reference = attributes.get("r")
            self.column = self._reference(reference)[0] if reference else self.column + 1
            self.kind = attributes.get("t", "n")
            self.style = _int(attributes.get("s"), 0)
            self.parts, self.length = [], 0
        elif local == "v" and self.cells is not None:
            self.collecting = True
        elif local == "is":
            self.inline = True
        elif local == "rPh":
            self.phonetic = True
        elif local == "t" and self.inline and not self.phonetic:
            self.collecting = True
        elif local == "row":
            number = attributes.get("r")
            self.row = _int(number) if number else self.row + 1
            if not 1 <= self.row <= EXCEL_MAX_ROW:
                raise TableError(f"{self.name} is damaged: its first sheet has a row numbered {number}. {AGAIN}")
            self.cells, self.column = {}, 0
        elif local == "dimension":
            self._check_dimension(attributes.get("ref", ""))

    def text(self, data: str) -> None:
        if not self.collecting:
            return
        if self.column > self.limits.max_columns and data.strip():
            raise too_wide(self.name, self.row, self.column, self.limits)
        self.length += len(data)
        if self.length > self.limits.max_cell_chars:
            raise too_long(self.name, self.row, self.column, None, self.limits)
        self.parts.append(data)

    def end(self, element: str) -> None:
        local = _local(element)
        if local in {"v", "t"}:
            self.collecting = False
        elif local == "is":
            self.inline = False
        elif local == "rPh":
            self.phonetic = False
        elif local == "c" and self.cells is not None:
            raw = "".join(self.parts)
            if raw.strip():
                if self.column > self.limits.max_columns:
                    raise too_wide(self.name, self.row, self.column, self.limits)
                self.cells[self.column] = self._value(raw)
        elif local == "row" and self.cells is not None:
            self._finish_row()

    def _finish_row(self) -> None:
        cells, self.cells = self.cells, None
        if not cells:
            return
        width = max(cells)
        row = [cells.get(column, "") for column in range(1, width + 1)]
        if any(isinstance(value, _SharedRef) for value in row):
            # Held until the shared texts are read; counted now so that the row cap still stops the reading.
            self.pending.append((self.row, cells))
            self.collector.add(self.row, ["…"] * width)
        else:
            self.collector.add(self.row, row)

    def _value(self, raw: str) -> object:
        if self.kind == "s":
            index = _int(raw.strip())
            if index < 0:
                raise TableError(
                    f"{self.name} is damaged: row {self.row}, column {column_letter(self.column)}. {AGAIN}"
                )
            self.wanted.add(index)
            return _SharedRef(index)
        if self.kind == "b":
            return "yes" if raw.strip() == "1" else "no"
        if self.kind in {"inlineStr", "str", "e"}:
            return raw.strip()
        if self.kind == "d":
            return raw.strip().removesuffix("T00:00:00")
        return self._number(raw.strip())

    def _number(self, raw: str) -> str:
        try:
            number = float(raw)
        except ValueError:
            return raw
        if 0 <= self.style < len(self.date_styles) and self.date_styles[self.style]:
            return _date_text(number, self.epoch) or raw
        if number.is_integer() and abs(number) < 1e15:
            return str(int(number))
        return raw

    def _reference(self, reference: str) -> tuple[int, int]:
        match = CELL_REFERENCE.fullmatch(reference.strip())
        if match is None:
            raise TableError(f"{self.name} is damaged: its first sheet has a cell named “{reference[:20]}”. {AGAIN}")
        column = 0
        for letter in match[1].upper():
            column = column * 26 + ord(letter) - 64
        return column, int(match[2])

    def _check_dimension(self, reference: str) -> None:
        last = reference.rpartition(":")[2]
        if not CELL_REFERENCE.fullmatch(last.strip()):
            return
        columns, rows = self._reference(last)
        if columns > self.limits.max_columns or rows > self.limits.max_rows + 1:
            raise TableError(
                f"{self.name} cannot be read: its first sheet declares the range {reference[:30]}, "
                f"{rows:,} rows by {columns:,} columns; the most is {self.limits.max_rows + 1:,} rows "
                f"(a header and {self.limits.max_rows:,} rows) by {self.limits.max_columns:,} columns. "
                "Delete the empty rows and columns after the list, or copy the list into a new workbook."
            )

    def resolve(self, strings: dict[int, object]) -> None:
        """Put the shared texts into the rows that show them, and leave out rows that turn out blank."""
        table = self.collector.table
        rows = dict(table.rows)
        if table.header_row:
            rows[table.header_row] = table.header
        for number, cells in self.pending:
            row = []
            for column in range(1, max(cells) + 1):
                value = cells.get(column, "")
                if isinstance(value, _SharedRef):
                    if value not in strings:
                        raise TableError(
                            f"{self.name} is damaged: row {number}, column {column_letter(column)} shows a text "
                            f"that is not in the workbook. {AGAIN}"
                        )
                    value = strings[value]
                    if isinstance(value, int):
                        raise too_long(self.name, number, column, value, self.limits)
                row.append(value)
            while row and not row[-1]:
                row.pop()
            rows[number] = row
        collector = Collector(self.name, self.limits)
        for number in sorted(rows):
            collector.add(number, rows[number])
        self.collector = collector


class _SharedStrings:
    """Reads the workbook's shared texts, keeping only those the sheet shows; an over-long one is kept as its length."""

    def __init__(self, wanted: set[int], limits: Limits) -> None:
        self.wanted = wanted
        self.limits = limits
        self.found: dict[int, object] = {}
        self.index = -1
        self.parts: list[str] = []
        self.length = 0
        self.collecting = False
        self.phonetic = False

    def start(self, element: str, attributes: dict) -> None:
        local = _local(element)
        if local == "si":
            self.index += 1
            self.parts, self.length = [], 0
        elif local == "rPh":
            self.phonetic = True
        elif local == "t" and not self.phonetic and self.index in self.wanted:
            self.collecting = True

    def text(self, data: str) -> None:
        if self.collecting:
            self.length += len(data)
            if self.length <= self.limits.max_cell_chars:
                self.parts.append(data)

    def end(self, element: str) -> None:
        local = _local(element)
        if local == "t":
            self.collecting = False
        elif local == "rPh":
            self.phonetic = False
        elif local == "si" and self.index in self.wanted:
            self.found[self.index] = (
                self.length if self.length > self.limits.max_cell_chars else "".join(self.parts).strip()
            )


def _date_text(number: float, epoch: datetime.datetime) -> str | None:
    from openpyxl.utils.datetime import from_excel

    try:
        value = from_excel(number, epoch=epoch)
    except (OverflowError, ValueError):
        return None
    if isinstance(value, datetime.time):
        return value.strftime("%H:%M")
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.strftime("%Y-%m-%d %H:%M")
    return None
