"""Checks an uploaded evidence file: a plain name, a size limit, and a type decided from its content.

The type comes from the file's own bytes (magic numbers, the parts inside a zip, the streams inside
an OLE2 compound file), never from the name or the browser's content type; the name's extension
must then agree with what the content is.
"""

import codecs
import re
import struct
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat

from . import pdf_objects

MAX_NAME_LENGTH = 200
HEAD_BYTES = 8192
ACCEPTED = "a PDF, Word, Excel, PowerPoint, OpenDocument, CSV, plain text, PNG or JPEG file"


@dataclass(frozen=True)
class DetectedFile:
    content_type: str
    extension: str
    label: str


@dataclass(frozen=True)
class _Kind:
    content_type: str
    extensions: tuple[str, ...]
    label: str


PDF = _Kind("application/pdf", (".pdf",), "a PDF document")
PNG = _Kind("image/png", (".png",), "a PNG image")
JPEG = _Kind("image/jpeg", (".jpg", ".jpeg"), "a JPEG image")
DOC = _Kind("application/msword", (".doc",), "a Word 97-2003 document")
XLS = _Kind("application/vnd.ms-excel", (".xls",), "an Excel 97-2003 workbook")
PPT = _Kind("application/vnd.ms-powerpoint", (".ppt",), "a PowerPoint 97-2003 presentation")
DOCX = _Kind("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (".docx",), "a Word document")
XLSX = _Kind("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (".xlsx",), "an Excel workbook")
PPTX = _Kind(
    "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    (".pptx",),
    "a PowerPoint presentation",
)
ODT = _Kind("application/vnd.oasis.opendocument.text", (".odt",), "an OpenDocument text document")
ODS = _Kind("application/vnd.oasis.opendocument.spreadsheet", (".ods",), "an OpenDocument spreadsheet")
ODP = _Kind("application/vnd.oasis.opendocument.presentation", (".odp",), "an OpenDocument presentation")
TEXT = _Kind("text/plain", (".txt", ".csv"), "plain text")

ALLOWED_EXTENSIONS = frozenset(
    ext for kind in (PDF, PNG, JPEG, DOC, XLS, PPT, DOCX, XLSX, PPTX, ODT, ODS, ODP, TEXT) for ext in kind.extensions
)
OPENDOCUMENT = {kind.content_type: kind for kind in (ODT, ODS, ODP)}
OOXML_PARTS = (("word/", DOCX), ("xl/", XLSX), ("ppt/", PPTX))
OLE2_STREAMS = (("WordDocument", DOC), ("Workbook", XLS), ("Book", XLS), ("PowerPoint Document", PPT))

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Markup or scripts that a browser or a shell would run, refused even in a file named .txt or .csv.
ACTIVE_TEXT_MARKERS = ("<!doctype", "<html", "<head", "<body", "<script", "<?xml", "<svg", "<iframe", "<object")
# PDF names that run something when the document is opened: scripts (XFA forms carry their own), programs,
# embedded files or media, forms that send their data away, links into other files. (A script action is
# always `/S /JavaScript`, so the short `/JS` key need not be sought: in a large binary stream it would turn up
# by chance.)
ACTIVE_PDF_NAMES = frozenset(
    {
        "JavaScript", "Launch", "EmbeddedFile", "EmbeddedFiles", "RichMedia", "XFA", "SubmitForm", "ImportData",
        "GoToR", "GoToE",
    }
)  # fmt: skip
PDF_NAME = re.compile(rb"/([^\x00\t\n\x0c\r /()<>\[\]{}%]{1,200})")
# The whole file is scanned in chunks; each chunk is read with the end of the one before, so that a
# marker across a boundary is seen whole (a PDF name is at most 127 bytes, 3 per #-escaped byte).
SCAN_CHUNK_BYTES = 64 * 1024
SCAN_OVERLAP_BYTES = 400
ACTIVE_CONTENT = (
    "The selected file contains a web page, markup or a script, which is not accepted; upload it as a PDF instead."
)
ACTIVE_PDF = (
    "The selected PDF contains scripts, embedded files, forms that send data away or actions that open other files "
    "or programs, which are not accepted; "
    "print it to a new PDF and upload that instead."
)
ACTIVE_OFFICE = (
    "The selected file contains macros, which are not accepted; save it without macros (as .docx, .xlsx or .pptx) "
    "and upload that instead."
)


def validate_upload(uploaded_file) -> DetectedFile:
    """Refuse a file that is empty, too large, oddly named or not of an allowed type; say what it is."""
    name = _check_name(getattr(uploaded_file, "name", None) or "")
    extension = _extension(name)
    size = uploaded_file.size
    if not size:
        raise ValidationError("The selected file is empty.", code="empty")
    limit = settings.EVIDENCE_MAX_UPLOAD_BYTES
    if size > limit:
        raise ValidationError(
            f"The selected file must be smaller than {filesizeformat(limit)} (it is {filesizeformat(size)}).",
            code="too_large",
        )
    if extension not in ALLOWED_EXTENSIONS:
        raise ValidationError(
            f"The selected file must be {ACCEPTED}; files ending {extension or 'with no extension'} are not accepted.",
            code="extension",
        )
    try:
        kind = _detect(uploaded_file)
    finally:
        uploaded_file.seek(0)
    if extension not in kind.extensions:
        raise ValidationError(
            f"The selected file is named {name} but its content is {kind.label}; "
            "choose the right file or give it the right extension.",
            code="mismatch",
        )
    content_type = "text/csv" if kind is TEXT and extension == ".csv" else kind.content_type
    label = "CSV" if content_type == "text/csv" else kind.label
    return DetectedFile(content_type=content_type, extension=extension, label=label)


def _check_name(name: str) -> str:
    if not name.strip():
        raise ValidationError("The selected file has no name.", code="name")
    if any(unicodedata.category(char) in {"Cc", "Cf", "Zl", "Zp"} for char in name):
        raise ValidationError("The selected file's name must not contain control characters.", code="name")
    if "/" in name or "\\" in name or ":" in name or name.strip(". ") == "":
        raise ValidationError(
            "The selected file's name must be a plain file name, without folders or drive letters.", code="name"
        )
    if len(name) > MAX_NAME_LENGTH:
        raise ValidationError(
            f"The selected file's name must be {MAX_NAME_LENGTH} characters or fewer (it has {len(name)}).",
            code="name",
        )
    return name


def _extension(name: str) -> str:
    stem, dot, suffix = name.rpartition(".")
    return f".{suffix.lower()}" if dot and stem else ""


def _detect(uploaded_file) -> _Kind:
    uploaded_file.seek(0)
    head = uploaded_file.read(HEAD_BYTES)
    if head.startswith(b"%PDF-"):
        _scan_pdf(uploaded_file)
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"PK\x03\x04"):
        return _detect_zip(uploaded_file)
    if head.startswith(OLE2_SIGNATURE):
        return _detect_ole2(uploaded_file)
    if head.startswith(b"MZ") or head.startswith(b"\x7fELF") or head[:4] in {b"\xcf\xfa\xed\xfe", b"\xfe\xed\xfa\xcf"}:
        raise ValidationError(f"The selected file is a program, not {ACCEPTED}.", code="executable")
    return _detect_text(uploaded_file)


def _detect_zip(uploaded_file) -> _Kind:
    not_office = ValidationError(
        "The selected file is a zip archive, not a Word, Excel, PowerPoint or OpenDocument file.", code="zip"
    )
    try:
        with zipfile.ZipFile(uploaded_file) as archive:
            entries = archive.infolist()
            if entries and entries[0].filename == "mimetype":
                with archive.open(entries[0]) as part:
                    mimetype = part.read(100).decode("ascii", "replace").strip()
                if mimetype in OPENDOCUMENT:
                    return OPENDOCUMENT[mimetype]
                raise not_office
            names = {entry.filename for entry in entries}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, EOFError) as exc:
        raise ValidationError("The selected file looks like a zip archive but is damaged.", code="zip") from exc
    if "[Content_Types].xml" in names:
        if any(name.lower().endswith("vbaproject.bin") for name in names):
            raise ValidationError(ACTIVE_OFFICE, code="active_content")
        for prefix, kind in OOXML_PARTS:
            if any(name.startswith(prefix) for name in names):
                return kind
    raise not_office


def _detect_ole2(uploaded_file) -> _Kind:
    try:
        streams = _ole2_stream_names(uploaded_file)
    except (struct.error, IndexError, ValueError) as exc:
        raise ValidationError(
            "The selected file looks like an Office 97-2003 file but is damaged.", code="ole2"
        ) from exc
    for stream, kind in OLE2_STREAMS:
        if stream in streams:
            return kind
    raise ValidationError(
        "The selected file is an Office 97-2003 container but not a Word, Excel or PowerPoint file.", code="ole2"
    )


def _ole2_stream_names(uploaded_file) -> set[str]:
    """The names in an OLE2 compound file's directory, following its sector chains (MS-CFB)."""
    end = 0xFFFFFFFA  # sector numbers from here up are markers (end of chain, free, FAT, DIFAT)
    uploaded_file.seek(0)
    header = uploaded_file.read(512)
    sector_size = 1 << struct.unpack_from("<H", header, 30)[0]
    if sector_size not in {512, 4096}:
        raise ValueError("Unexpected sector size.")
    fat_count, first_directory = struct.unpack_from("<II", header, 44)
    first_difat, difat_count = struct.unpack_from("<II", header, 68)
    per_sector = sector_size // 4
    max_sectors = uploaded_file.size // sector_size + 1

    def read_sector(number: int) -> bytes:
        if number >= max_sectors:
            raise ValueError("Sector beyond the end of the file.")
        uploaded_file.seek((number + 1) * sector_size)
        data = uploaded_file.read(sector_size)
        if len(data) != sector_size:
            raise ValueError("Short sector.")
        return data

    difat = list(struct.unpack_from("<109I", header, 76))
    sector = first_difat
    for _ in range(min(difat_count, max_sectors)):
        if sector >= end:
            break
        entries = struct.unpack(f"<{per_sector}I", read_sector(sector))
        difat.extend(entries[:-1])
        sector = entries[-1]
    fat: list[int] = []
    for fat_sector in difat[: min(fat_count, max_sectors)]:
        if fat_sector < end:
            fat.extend(struct.unpack(f"<{per_sector}I", read_sector(fat_sector)))
    names: set[str] = set()
    sector, seen = first_directory, set()
    while sector < end and sector not in seen:
        seen.add(sector)
        data = read_sector(sector)
        for offset in range(0, sector_size, 128):
            length = struct.unpack_from("<H", data, offset + 64)[0]
            if 2 <= length <= 64:
                names.add(data[offset : offset + length - 2].decode("utf-16-le", "replace"))
        sector = fat[sector] if sector < len(fat) else end
    return names


def _windows(uploaded_file, overlap: int):
    """The whole file, bounded by the upload limit, in chunks that each begin with the last `overlap` bytes
    of the chunk before; with each, whether it is the last."""
    uploaded_file.seek(0)
    budget = settings.EVIDENCE_MAX_UPLOAD_BYTES
    carry = b""
    chunk = uploaded_file.read(min(SCAN_CHUNK_BYTES, budget))
    budget -= len(chunk)
    while chunk:
        following = uploaded_file.read(min(SCAN_CHUNK_BYTES, budget)) if budget > 0 else b""
        budget -= len(following)
        window = carry + chunk
        yield window, not following
        carry = window[-overlap:] if overlap else b""
        chunk = following


def _pdf_names(window: bytes, last: bool = True) -> Iterator[str]:
    for match in PDF_NAME.finditer(window):
        if match.end() == len(window) and not last:
            continue  # the name may go on in the next chunk, which begins with this one's end
        yield pdf_objects.unescape(match.group(1)).decode("latin-1")


def _scan_pdf(uploaded_file) -> None:
    """Refuse a PDF that names an active feature, in its bytes as they are or in its packed object streams."""
    encrypted = False
    for window, last in _windows(uploaded_file, SCAN_OVERLAP_BYTES):
        for name in _pdf_names(window, last):
            if name in ACTIVE_PDF_NAMES:
                raise ValidationError(ACTIVE_PDF, code="active_content")
            encrypted = encrypted or name == "Encrypt"
    uploaded_file.seek(0)
    data = uploaded_file.read(settings.EVIDENCE_MAX_UPLOAD_BYTES)
    try:
        for unpacked in pdf_objects.object_streams(data, encrypted=encrypted):
            if any(name in ACTIVE_PDF_NAMES for name in _pdf_names(unpacked)):
                raise ValidationError(ACTIVE_PDF, code="active_content")
    except pdf_objects.Unreadable as unreadable:
        raise ValidationError(str(unreadable), code="active_content") from unreadable


def _detect_text(uploaded_file) -> _Kind:
    not_accepted = ValidationError(f"The selected file's content is not {ACCEPTED}.", code="unknown")
    decoder = codecs.getincrementaldecoder("utf-8")("strict")
    keep = max(len(marker) for marker in ACTIVE_TEXT_MARKERS) - 1
    carry = ""
    first = True
    try:
        for chunk, last in _windows(uploaded_file, 0):
            if b"\x00" in chunk:
                raise not_accepted
            lowered = decoder.decode(chunk, final=last).lower()
            if first and lowered.lstrip("\ufeff \t\r\n").startswith("#!"):
                raise ValidationError(ACTIVE_CONTENT, code="active_content")
            first = False
            window = carry + lowered
            if any(marker in window for marker in ACTIVE_TEXT_MARKERS):
                raise ValidationError(ACTIVE_CONTENT, code="active_content")
            carry = window[-keep:]
    except UnicodeDecodeError as exc:
        raise not_accepted from exc
    return TEXT
