"""Active content is looked for in the whole upload, in chunks that overlap, not only in its first bytes."""

import base64
import io
import random
import struct
import zipfile
import zlib

import pytest
import weasyprint
from django.core.exceptions import ValidationError

from reviews.pdf_objects import MAX_UNPACKED_BYTES, NOT_CHECKABLE, PROTECTED
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


# Names packed in object streams (PDF 1.5 and later), where a reader finds them and the bytes as they are do not

SCRIPT_ACTION = b"<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>"


def packed_pdf(objects: bytes, *, filters: bytes = b"/FlateDecode", pack=zlib.compress, extra: bytes = b"") -> bytes:
    """A PDF whose catalog opens an action kept in a compressed object stream, as a modern PDF keeps most of its
    dictionaries."""
    packed = pack(b"4 0 " + objects)
    return (
        b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R /OpenAction 4 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n"
        b"5 0 obj << /Type /ObjStm /N 1 /First 4 /Filter " + filters + b" /Length %d" % len(packed) + extra + b" >>"
        b"\nstream\n" + packed + b"\nendstream\nendobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )


def test_a_pdf_made_by_a_renderer_with_its_objects_packed_and_a_link_passes():
    made = weasyprint.HTML(string='<h1>Threshold</h1><p><a href="https://example.org">Levels of need</a></p>')
    content = made.write_pdf()

    assert b"/ObjStm" in content  # packed, as word processors' PDFs are
    assert validate_upload(files.named("threshold.pdf", content)).content_type == "application/pdf"


def test_a_script_packed_in_a_compressed_object_stream_is_refused():
    content = packed_pdf(SCRIPT_ACTION)

    assert b"JavaScript" not in content
    assert refusal("plan.pdf", content) == ACTIVE_PDF


@pytest.mark.parametrize(
    ("filters", "pack"),
    [
        (b"[/ASCIIHexDecode /FlateDecode]", lambda raw: zlib.compress(raw).hex().encode() + b">"),
        (b"/ASCII85Decode", lambda raw: base64.a85encode(raw) + b"~>"),
        (b"/Fl", zlib.compress),
    ],
)
def test_a_script_packed_under_other_filters_is_refused(filters, pack):
    assert refusal("plan.pdf", packed_pdf(SCRIPT_ACTION, filters=filters, pack=pack)) == ACTIVE_PDF


def test_a_script_in_an_object_stream_that_hides_its_type_is_refused():
    content = packed_pdf(SCRIPT_ACTION).replace(b"/Type /ObjStm ", b"/Type /Obj#53tm ").replace(b"ObjStm", b"")

    assert refusal("plan.pdf", content) == ACTIVE_PDF


@pytest.mark.parametrize("marker", [b"/XFA", b"/SubmitForm", b"/GoToR", b"/Launch"])
def test_forms_that_send_data_away_and_links_into_other_files_are_refused_packed_or_not(marker):
    action = b"<< /S " + marker + b" /F (\\\\\\\\server\\\\share\\\\x.pdf) >>"

    assert refusal("plan.pdf", packed_pdf(action)) == ACTIVE_PDF
    assert refusal("plan.pdf", pdf_with(action, at=100)) == ACTIVE_PDF


def test_a_harmless_object_stream_passes():
    content = packed_pdf(b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] >>")

    assert validate_upload(files.named("plan.pdf", content)).content_type == "application/pdf"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (packed_pdf(SCRIPT_ACTION, filters=b"/LZWDecode"), NOT_CHECKABLE),
        (packed_pdf(SCRIPT_ACTION, extra=b" /DecodeParms << /Predictor 12 /Columns 5 >>"), NOT_CHECKABLE),
        (packed_pdf(b"<< /Type /Page >>", pack=lambda raw: b"not compressed at all " + raw), NOT_CHECKABLE),
        (packed_pdf(b"<< /Type /Page >>", pack=lambda raw: zlib.compress(raw)[:-6]), NOT_CHECKABLE),
        (packed_pdf(b"<< /Type /Page >>", filters=b"/ASCII85Decode", pack=base64.a85encode), NOT_CHECKABLE),
        (packed_pdf(SCRIPT_ACTION).replace(b"trailer << ", b"trailer << /Encrypt 9 0 R "), PROTECTED),
    ],
    ids=["unknown filter", "predictor", "damaged", "cut short", "no end marker", "protected"],
)
def test_an_object_stream_that_cannot_be_checked_is_refused_with_the_reason(content, message):
    assert refusal("plan.pdf", content) == message


def test_a_decompression_bomb_in_an_object_stream_is_refused_without_unpacking_it_all():
    packer = zlib.compressobj(9)
    zeros = bytes(1024 * 1024)
    bomb = b"".join(packer.compress(zeros) for _ in range(MAX_UNPACKED_BYTES // len(zeros) + 8)) + packer.flush()

    content = packed_pdf(b"", pack=lambda raw: bomb)

    assert len(content) < 1024 * 1024
    assert refusal("plan.pdf", content) == NOT_CHECKABLE


def test_a_protected_pdf_without_object_streams_is_read_as_it_is():
    content = pdf_with(b"<< /Filter /Standard /V 2 /R 3 >>", at=100).replace(
        b"trailer\n<<", b"trailer\n<< /Encrypt 9 0 R"
    )

    assert validate_upload(files.named("plan.pdf", content)).content_type == "application/pdf"


def test_a_script_after_the_word_endstream_inside_packed_data_is_not_hidden_by_it():
    """A deflate stream may begin with a stored block, the bytes as they are, holding the word "endstream"; the
    check reads the stream up to that word, so what follows it (a script, compressed) would go unseen. A stream
    that stops before its end is refused, never taken as the whole."""
    visible = b"4 0 << /Type /Page >> endstream "
    stored = b"\x00" + struct.pack("<HH", len(visible), len(visible) ^ 0xFFFF) + visible  # not the last block
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    hidden = packer.compress(SCRIPT_ACTION) + packer.flush()
    packed = b"\x78\x01" + stored + hidden + struct.pack(">I", zlib.adler32(visible + SCRIPT_ACTION))
    assert zlib.decompress(packed) == visible + SCRIPT_ACTION  # a valid stream, as a reader inflates it

    content = packed_pdf(b"", pack=lambda raw: packed)

    assert b"JavaScript" not in content
    assert refusal("plan.pdf", content) == NOT_CHECKABLE
