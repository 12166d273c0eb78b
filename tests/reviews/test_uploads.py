"""The upload rules: the type comes from the content, the name must agree, and a refused file leaves nothing behind."""

import hashlib
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile

from reviews import services
from reviews.models import DocumentVersion, EvidenceDocument
from reviews.uploads import DetectedFile, validate_upload

from . import files


def stored_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return sorted(path for path in root.rglob("*") if path.is_file())


def refusal(uploaded) -> str:
    with pytest.raises(ValidationError) as caught:
        validate_upload(uploaded)
    return caught.value.messages[0]


@pytest.mark.parametrize(
    ("name", "make", "content_type"),
    [
        ("threshold.pdf", files.pdf, "application/pdf"),
        ("policy.docx", files.docx, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
        ("policy.doc", files.doc, "application/msword"),
        ("data.xlsx", files.xlsx, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        ("data.xls", files.xls, "application/vnd.ms-excel"),
        ("briefing.pptx", files.pptx, "application/vnd.openxmlformats-officedocument.presentationml.presentation"),
        ("briefing.ppt", files.ppt, "application/vnd.ms-powerpoint"),
        ("plan.odt", files.odt, "application/vnd.oasis.opendocument.text"),
        ("data.ods", files.ods, "application/vnd.oasis.opendocument.spreadsheet"),
        ("briefing.odp", files.odp, "application/vnd.oasis.opendocument.presentation"),
        ("caseloads.csv", files.csv, "text/csv"),
        ("notes.txt", files.txt, "text/plain"),
        ("chart.png", files.png, "image/png"),
        ("photo.jpg", files.jpeg, "image/jpeg"),
        ("photo.JPEG", files.jpeg, "image/jpeg"),
    ],
)
def test_each_allowed_type_is_recognised_from_its_content(name, make, content_type):
    detected = validate_upload(files.named(name, make()))

    assert detected.content_type == content_type
    assert detected.extension == "." + name.rsplit(".", 1)[1].lower()


def test_the_demo_pdf_and_spreadsheet_pass_the_upload_check():
    assert validate_upload(files.named("demo.pdf", files.pdf())) == DetectedFile(
        content_type="application/pdf", extension=".pdf", label="a PDF document"
    )
    assert validate_upload(files.named("demo.xlsx", files.xlsx())).content_type == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )


@pytest.mark.parametrize(
    ("name", "make", "message"),
    [
        ("report.pdf", files.exe, "The selected file is a program, not a PDF, Word, Excel"),
        ("report.pdf", files.elf, "The selected file is a program, not a PDF, Word, Excel"),
        ("report.pdf", files.html, "The selected file contains a web page, markup or a script"),
        ("report.txt", files.html, "The selected file contains a web page, markup or a script"),
        ("report.csv", files.html, "The selected file contains a web page, markup or a script"),
        (
            "chart.png",
            files.pdf,
            "The selected file is named chart.png but its content is a PDF document; choose the right file",
        ),
        ("notes.pdf", files.txt, "The selected file is named notes.pdf but its content is plain text"),
        ("policy.docx", files.plain_zip, "The selected file is a zip archive, not a Word, Excel, PowerPoint"),
        ("policy.docx", files.xlsx, "The selected file is named policy.docx but its content is an Excel workbook"),
        ("policy.doc", lambda: files.ole2("Contents"), "an Office 97-2003 container but not a Word, Excel"),
        ("archive.zip", files.plain_zip, "files ending .zip are not accepted"),
        ("programme", files.exe, "files ending with no extension are not accepted"),
        ("data.csv", lambda: b"a,b\n\xff\xfe,1\n", "The selected file's content is not a PDF, Word, Excel"),
        ("data.txt", lambda: b"text\x00with a nul", "The selected file's content is not a PDF, Word, Excel"),
        ("script.txt", lambda: b"#!/bin/sh\nrm -rf /\n", "The selected file contains a web page, markup or a script"),
        ("image.txt", lambda: b'<svg xmlns="http://www.w3.org/2000/svg"/>', "contains a web page, markup"),
    ],
)
def test_a_disguised_file_is_refused_with_what_it_really_is(name, make, message):
    assert message in refusal(files.named(name, make()))


def test_an_empty_file_is_refused():
    assert refusal(files.named("empty.pdf", b"")) == "The selected file is empty."


def test_a_file_over_the_configured_limit_is_refused(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024

    message = refusal(files.named("big.txt", b"x" * 1025))

    assert message == "The selected file must be smaller than 1.0\xa0KB (it is 1.0\xa0KB)."


def test_a_file_at_the_limit_is_accepted(settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024

    assert validate_upload(files.named("exact.txt", b"x" * 1024)).content_type == "text/plain"


def test_the_default_limit_is_25_megabytes():
    from django.conf import settings

    assert settings.EVIDENCE_MAX_UPLOAD_BYTES == 25 * 1024 * 1024


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("../threshold.pdf", "The selected file's name must be a plain file name, without folders or drive letters."),
        (
            "policies/threshold.pdf",
            "The selected file's name must be a plain file name, without folders or drive letters.",
        ),
        (
            "..\\..\\threshold.pdf",
            "The selected file's name must be a plain file name, without folders or drive letters.",
        ),
        ("C:\\threshold.pdf", "The selected file's name must be a plain file name, without folders or drive letters."),
        ("thres\x00hold.pdf", "The selected file's name must not contain control characters."),
        ("thres\nhold.pdf", "The selected file's name must not contain control characters."),
        ("threshold\u202efdp.exe", "The selected file's name must not contain control characters."),
        ("..", "The selected file's name must be a plain file name, without folders or drive letters."),
        ("   ", "The selected file has no name."),
        ("a" * 197 + ".pdf", "The selected file's name must be 200 characters or fewer (it has 201)."),
    ],
)
def test_a_name_with_path_parts_or_control_characters_is_refused(name, message):
    assert refusal(files.named(name, files.pdf())) == message


def test_a_file_without_a_name_is_refused():
    assert refusal(ContentFile(files.pdf())) == "The selected file has no name."


def test_a_damaged_zip_is_refused():
    assert refusal(files.named("policy.docx", b"PK\x03\x04" + bytes(60))) == (
        "The selected file looks like a zip archive but is damaged."
    )


def test_a_damaged_office_97_file_is_refused():
    assert refusal(files.named("policy.doc", files.doc()[:600])) == (
        "The selected file looks like an Office 97-2003 file but is damaged."
    )


def test_validation_leaves_the_file_ready_to_read_from_the_start():
    uploaded = files.named("threshold.pdf", files.pdf())

    validate_upload(uploaded)

    assert uploaded.read(5) == b"%PDF-"


# Storing


def test_a_stored_document_has_a_random_name_its_hash_and_first_version(review, contributor, settings):
    content = files.pdf()
    theme = review.framework.themes.order_by("order").first()
    area = review.framework.scope_areas.order_by("order").first()

    document = services.store_document(
        review=review,
        user=contributor,
        uploaded_file=files.upload("Threshold document.pdf", content),
        title="Threshold document",
        description="Agreed by the partnership in 2025.",
        kind=EvidenceDocument.Kind.POLICY,
        themes=[theme],
        scope_areas=[area],
    )

    version = document.versions.get()
    assert (document.title, document.kind, document.version_count, document.created_by) == (
        "Threshold document",
        "policy",
        1,
        contributor,
    )
    assert list(document.themes.all()) == [theme]
    assert list(document.scope_areas.all()) == [area]
    assert (version.number, version.original_name, version.content_type, version.size, version.uploaded_by) == (
        1,
        "Threshold document.pdf",
        "application/pdf",
        len(content),
        contributor,
    )
    assert version.sha256 == hashlib.sha256(content).hexdigest()
    assert version.file.name.startswith("documents/")
    assert version.file.name.endswith(".pdf")
    assert "Threshold" not in version.file.name
    assert len(Path(version.file.name).stem) == 32
    assert [path.read_bytes() for path in stored_files(settings)] == [content]


def test_a_replacement_keeps_the_earlier_versions_and_numbers_them(review, contributor, sponsor):
    document = services.store_document(
        review=review, user=contributor, uploaded_file=files.upload("v1.pdf", files.pdf()), title="Audit report"
    )

    services.store_document(
        review=review,
        user=sponsor,
        uploaded_file=files.upload("v2.xlsx", files.xlsx()),
        title="ignored",
        document=document,
    )
    services.store_document(
        review=review, user=contributor, uploaded_file=files.upload("v3.csv", files.csv()), title="", document=document
    )

    document.refresh_from_db()
    versions = list(document.versions.order_by("number").values_list("number", "original_name", "uploaded_by"))
    assert versions == [(1, "v1.pdf", contributor.pk), (2, "v2.xlsx", sponsor.pk), (3, "v3.csv", contributor.pk)]
    assert (document.title, document.version_count) == ("Audit report", 3)
    assert all(version.file.storage.exists(version.file.name) for version in document.versions.all())


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("report.pdf", files.exe),
        ("report.pdf", files.html),
        ("report.txt", files.html),
        ("chart.png", files.pdf),
        ("policy.docx", files.plain_zip),
        ("empty.pdf", lambda: b""),
    ],
)
def test_a_refused_file_stores_nothing(review, contributor, settings, name, make):
    with pytest.raises(ValidationError):
        services.store_document(
            review=review, user=contributor, uploaded_file=files.upload(name, make()), title="Refused"
        )

    assert EvidenceDocument.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize("name", ["../threshold.pdf", "a/b.pdf", "C:\\threshold.pdf", "thres\x07hold.pdf"])
def test_a_refused_name_stores_nothing(review, contributor, settings, name):
    with pytest.raises(ValidationError):
        services.store_document(
            review=review, user=contributor, uploaded_file=files.named(name, files.pdf()), title="Refused"
        )

    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


def test_a_file_over_the_limit_stores_nothing(review, contributor, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 100

    with pytest.raises(ValidationError):
        services.store_document(
            review=review, user=contributor, uploaded_file=files.upload("big.pdf", files.pdf()), title="Big"
        )

    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


def test_when_the_database_refuses_the_rows_the_stored_file_is_removed(review, contributor, settings):
    with pytest.raises(ValidationError):
        services.store_document(
            review=review, user=contributor, uploaded_file=files.upload("t.pdf", files.pdf()), title="x" * 201
        )

    assert EvidenceDocument.objects.count() == 0
    assert stored_files(settings) == []


def test_a_replacement_that_fails_in_the_database_keeps_the_old_versions_and_removes_the_new_file(
    review, contributor, settings, monkeypatch
):
    document = services.store_document(
        review=review, user=contributor, uploaded_file=files.upload("v1.pdf", files.pdf()), title="Plan"
    )
    before = stored_files(settings)

    def refuse(*args, **kwargs):
        raise RuntimeError("The database went away.")

    monkeypatch.setattr(DocumentVersion, "save", refuse)
    with pytest.raises(RuntimeError):
        services.store_document(
            review=review,
            user=contributor,
            uploaded_file=files.upload("v2.pdf", files.pdf()),
            title="",
            document=document,
        )

    document.refresh_from_db()
    assert document.version_count == 1
    assert list(document.versions.values_list("number", flat=True)) == [1]
    assert stored_files(settings) == before


def test_a_theme_of_another_framework_is_refused_by_the_service(review, contributor, settings):
    from reviews.models import Framework, Theme

    other = Framework.objects.create(name="Other framework", version="1")
    foreign = Theme.objects.create(framework=other, order=1, name="Foreign theme")

    with pytest.raises(ValidationError) as caught:
        services.store_document(
            review=review,
            user=contributor,
            uploaded_file=files.upload("t.pdf", files.pdf()),
            title="Threshold",
            themes=[foreign],
        )

    assert caught.value.messages == ["Choose themes and scope areas of this review's framework."]
    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


def test_a_document_of_another_review_cannot_be_replaced_through_this_one(review, other_review, contributor):
    document = services.store_document(
        review=other_review, user=contributor, uploaded_file=files.upload("v1.pdf", files.pdf()), title="Plan"
    )

    with pytest.raises(ValidationError) as caught:
        services.store_document(
            review=review,
            user=contributor,
            uploaded_file=files.upload("v2.pdf", files.pdf()),
            title="",
            document=document,
        )

    assert caught.value.messages == ["The document belongs to another review."]
    assert document.versions.count() == 1
