"""Active content is looked for in the whole upload, in chunks that overlap, not only in its first bytes."""

import io
import random
import zipfile

import pytest
from django.core.exceptions import ValidationError

from reviews.uploads import ACTIVE_CONTENT, ACTIVE_OFFICE, ACTIVE_PDF, SCAN_CHUNK_BYTES, validate_upload

from . import files


def refusal(name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(files.named(name, content))
    return caught.value.messages[0]


def pdf_with(body: bytes, at: int) -> bytes:
    """A real PDF with `body` placed so that it starts at byte `at`, after a comment line as padding."""
    head = b"%PDF-1.7\n%"
    padding = b"x" * (at - len(head) - 1) + b"\n"
    return head + padding + body + b"\n" + files.pdf()[len(b"%PDF-1.7\n") :]


def test_a_pdf_with_a_script_after_20_kb_of_padding_is_refused():
    content = pdf_with(b"<< /S /JavaScript /JS (app.alert(1)) >>", at=20 * 1024)

    assert refusal("plan.pdf", content) == ACTIVE_PDF


@pytest.mark.parametrize("marker", [b"/JavaScript", b"/Launch", b"/EmbeddedFile", b"/RichMedia"])
@pytest.mark.parametrize("split", [1, 4, 8])
def test_a_pdf_marker_across_a_chunk_boundary_is_found(marker, split):
    content = pdf_with(b"<< /S " + marker + b" >>", at=SCAN_CHUNK_BYTES - len(b"<< /S ") - split)

    assert refusal("plan.pdf", content) == ACTIVE_PDF


def test_a_pdf_marker_written_with_escapes_is_found():
    content = pdf_with(b"<< /S /J#61va#53cript /JS (app.alert(1)) >>", at=3 * SCAN_CHUNK_BYTES - 7)

    assert refusal("plan.pdf", content) == ACTIVE_PDF


def test_a_pdf_name_that_only_begins_like_a_marker_is_accepted():
    content = pdf_with(b"<< /JavaScriptFree true /Launched 1 >>", at=SCAN_CHUNK_BYTES - 10)

    assert validate_upload(files.named("plan.pdf", content)).content_type == "application/pdf"


def test_markup_far_into_a_text_file_is_refused():
    content = b"Team,Caseload\n" + b"Front door,18\n" * 5000 + b"<script>alert(1)</script>\n"

    assert refusal("caseloads.csv", content) == ACTIVE_CONTENT


def test_markup_across_a_chunk_boundary_of_a_text_file_is_found():
    content = b"a" * (SCAN_CHUNK_BYTES - 3) + b"<ScRiPt>alert(1)</script>"

    assert refusal("notes.txt", content) == ACTIVE_CONTENT


def test_a_text_file_with_a_character_across_a_chunk_boundary_is_accepted():
    content = b"a" * (SCAN_CHUNK_BYTES - 1) + "’ that is all".encode()

    assert validate_upload(files.named("notes.txt", content)).content_type == "text/plain"


def test_a_clean_20_mb_pdf_passes():
    stream = random.Random(20).randbytes(20 * 1024 * 1024)
    content = pdf_with(b"1 0 obj << /Length %d >> stream\n" % len(stream) + stream + b"\nendstream endobj", at=64)

    detected = validate_upload(files.named("scan.pdf", content))

    assert len(content) > 20 * 1024 * 1024
    assert detected.content_type == "application/pdf"


def test_a_clean_20_mb_csv_passes():
    content = b"Team,Caseload\n" + b"Front door,18\n" * (20 * 1024 * 1024 // 14)

    assert validate_upload(files.named("caseloads.csv", content)).content_type == "text/csv"


def test_an_office_file_with_macros_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", '<?xml version="1.0"?><document/>')
        archive.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0macros")

    assert refusal("policy.docx", buffer.getvalue()) == ACTIVE_OFFICE
