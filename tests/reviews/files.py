"""Real files of every accepted type, and disguised ones, made in memory for the upload tests."""

import io
import struct
import zipfile

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from reviews.demo import demo_pdf, demo_xlsx


def pdf() -> bytes:
    return demo_pdf("Threshold document", ["Levels of need in Testshire", "Agreed by the partnership"])


def xlsx() -> bytes:
    return demo_xlsx([["Measure", "Value"], ["Referrals", 1204], ["Re-referrals", 0.21]])


def ooxml(folder: str, main_part: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("_rels/.rels", '<?xml version="1.0"?><Relationships/>')
        archive.writestr(f"{folder}/{main_part}", '<?xml version="1.0"?><document/>')
    return buffer.getvalue()


def docx() -> bytes:
    return ooxml("word", "document.xml")


def pptx() -> bytes:
    return ooxml("ppt", "presentation.xml")


def opendocument(mimetype: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), mimetype, compress_type=zipfile.ZIP_STORED)
        archive.writestr("content.xml", '<?xml version="1.0"?><office:document-content/>')
        archive.writestr("META-INF/manifest.xml", '<?xml version="1.0"?><manifest:manifest/>')
    return buffer.getvalue()


def odt() -> bytes:
    return opendocument("application/vnd.oasis.opendocument.text")


def ods() -> bytes:
    return opendocument("application/vnd.oasis.opendocument.spreadsheet")


def odp() -> bytes:
    return opendocument("application/vnd.oasis.opendocument.presentation")


def ole2(stream_name: str) -> bytes:
    """A minimal OLE2 compound file (512-byte sectors): a header, one FAT sector, one directory sector."""
    free, end_of_chain, fat_sector = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD
    header = bytearray(512)
    header[0:8] = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
    struct.pack_into("<HHHHH", header, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", header, 40, 0, 1, 1, 0, 4096, end_of_chain, 0, end_of_chain, 0)
    struct.pack_into("<109I", header, 76, 0, *([free] * 108))
    fat = struct.pack("<128I", fat_sector, end_of_chain, *([free] * 126))

    def entry(name: str, kind: int) -> bytes:
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        raw = bytearray(128)
        raw[: len(encoded)] = encoded
        struct.pack_into("<HBB", raw, 64, len(encoded), kind, 1)
        struct.pack_into("<III", raw, 68, free, free, 1 if kind == 5 else free)
        return bytes(raw)

    directory = entry("Root Entry", 5) + entry(stream_name, 2) + bytes(128) * 2
    return bytes(header) + fat + directory


def doc() -> bytes:
    return ole2("WordDocument")


def xls() -> bytes:
    return ole2("Workbook")


def ppt() -> bytes:
    return ole2("PowerPoint Document")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="PNG")
    return buffer.getvalue()


def jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (4, 4), "teal").save(buffer, format="JPEG")
    return buffer.getvalue()


def csv() -> bytes:
    return b"Team,Caseload\nFront door,18\nChildren in need,21\n"


def txt() -> bytes:
    return "Notes from the scoping meeting.\nThe council’s own summary.\n".encode()


def html() -> bytes:
    return b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>"


def exe() -> bytes:
    return b"MZ\x90\x00\x03\x00\x00\x00" + bytes(200)


def elf() -> bytes:
    return b"\x7fELF\x02\x01\x01" + bytes(200)


def plain_zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "not an office file")
    return buffer.getvalue()


def named(name: str, content: bytes) -> ContentFile:
    """A file object whose name is kept exactly as given (Django's upload classes strip path parts)."""
    return ContentFile(content, name=name)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)
