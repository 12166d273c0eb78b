"""The document register, upload, replacement and download pages, and who may use them."""

import hashlib
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import services
from reviews.models import AccessLog, DocumentVersion, EvidenceDocument, Framework, ScopeArea, Theme

from ..factories import UserFactory
from . import files

PDF = files.pdf()


def stored_files(settings) -> list[Path]:
    root = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    return sorted(path for path in root.rglob("*") if path.is_file())


def make_document(review, user, title="Threshold document", name="threshold.pdf", content=PDF, **kwargs):
    return services.store_document(
        review=review, user=user, uploaded_file=files.upload(name, content), title=title, **kwargs
    )


def upload_url(review) -> str:
    return reverse("reviews:document_upload", args=[review.pk])


def register_url(review) -> str:
    return reverse("reviews:documents", args=[review.pk])


def download_url(version) -> str:
    return reverse("reviews:document_download", args=[version.document.review_id, version.document_id, version.pk])


def replace_url(document) -> str:
    return reverse("reviews:document_replace", args=[document.review_id, document.pk])


def form_data(name="threshold.pdf", content=PDF, **overrides) -> dict:
    return {"title": "Threshold document", "description": "", "kind": "policy", "file": files.upload(name, content)} | (
        overrides
    )


# The register


@pytest.mark.parametrize(
    "client_name",
    ["lead_client", "challenge_client", "peer_client", "auditor_client", "sponsor_client", "organiser_client",
     "contributor_client", "observer_client"],
)  # fmt: skip
def test_every_member_sees_the_document_register(request, review, lead, client_name):
    make_document(review, lead)
    client = request.getfixturevalue(client_name)

    response = client.get(register_url(review))

    assert response.status_code == 200
    assert [document.title for document in response.context["page"]] == ["Threshold document"]


def test_the_register_shows_title_type_version_size_uploader_and_date(review, contributor, lead, lead_client):
    contributor.first_name, contributor.last_name = "Priya", "Okafor"
    contributor.save()
    document = make_document(review, lead, kind=EvidenceDocument.Kind.POLICY)
    make_document(review, contributor, content=files.csv(), name="v2.csv", document=document)
    version = document.versions.get(number=2)

    response = lead_client.get(register_url(review))

    html = response.content.decode()
    assert "Threshold document" in html
    assert "Policy, procedure or strategy" in html
    assert f'<td class="govuk-table__cell govuk-table__cell--numeric">{len(files.csv())}\xa0bytes</td>' in html
    assert "Priya Okafor" in html
    assert version.uploaded_at.strftime("%-d %b %Y") in html
    assert '<td class="govuk-table__cell govuk-table__cell--numeric">2</td>' in html


def test_the_register_shows_only_this_reviews_documents(review, other_review, lead, lead_client):
    make_document(review, lead, title="Ours")
    make_document(other_review, lead, title="Theirs")

    response = lead_client.get(register_url(review))

    assert [document.title for document in response.context["page"]] == ["Ours"]


def test_the_register_filters_by_theme_scope_area_type_and_title(review, lead, lead_client):
    theme, other_theme = review.framework.themes.order_by("order")[:2]
    area, other_area = review.framework.scope_areas.order_by("order")[:2]
    make_document(review, lead, title="Threshold document", kind="policy", themes=[theme], scope_areas=[area])
    make_document(review, lead, title="Audit report", kind="audit", themes=[other_theme], scope_areas=[other_area])
    make_document(review, lead, title="Workforce data", kind="data", themes=[theme, other_theme])

    def titles(**query) -> list[str]:
        return [document.title for document in lead_client.get(register_url(review), query).context["page"]]

    assert titles() == ["Audit report", "Threshold document", "Workforce data"]
    assert titles(theme=theme.pk) == ["Threshold document", "Workforce data"]
    assert titles(scope_area=other_area.pk) == ["Audit report"]
    assert titles(kind="data") == ["Workforce data"]
    assert titles(q="THRESHOLD") == ["Threshold document"]
    assert titles(theme=theme.pk, kind="policy", q="document") == ["Threshold document"]


def test_a_filter_with_a_theme_of_another_framework_shows_every_document(review, lead, lead_client):
    other = Framework.objects.create(name="Other framework", version="1")
    foreign = Theme.objects.create(framework=other, order=1, name="Foreign theme")
    make_document(review, lead)

    response = lead_client.get(register_url(review), {"theme": foreign.pk})

    assert response.status_code == 200
    assert response.context["filters"].errors["theme"] == ["Select the theme from the choices given"]
    assert [document.title for document in response.context["page"]] == ["Threshold document"]


def test_the_register_is_paginated_by_25(review, lead, lead_client):
    for number in range(26):
        make_document(review, lead, title=f"Document {number:02}")

    first = lead_client.get(register_url(review))
    second = lead_client.get(register_url(review), {"page": 2})

    assert len(first.context["page"]) == 25
    assert [document.title for document in second.context["page"]] == ["Document 25"]


def test_the_register_runs_the_same_number_of_queries_for_1_and_50_documents(review, lead, lead_client):
    def count_queries() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = lead_client.get(register_url(review))
        assert response.status_code == 200
        return len(queries)

    document = make_document(review, lead, title="Document 00")
    make_document(review, lead, document=document, title="")
    one = count_queries()
    for number in range(1, 50):
        make_document(review, lead, title=f"Document {number:02}")

    fifty = count_queries()

    assert one == fifty


# Upload


@pytest.mark.parametrize(
    "client_name",
    ["lead_client", "challenge_client", "peer_client", "auditor_client", "sponsor_client", "organiser_client",
     "contributor_client"],
)  # fmt: skip
def test_host_roles_and_peer_writers_may_upload(request, review, client_name):
    client = request.getfixturevalue(client_name)

    response = client.post(upload_url(review), form_data())

    document = EvidenceDocument.objects.get()
    assert response.status_code == 302
    assert response.url == document.get_absolute_url()
    assert document.versions.get().sha256 == hashlib.sha256(PDF).hexdigest()


def test_the_contributor_uploads_a_document_with_its_themes_and_scope_areas(review, contributor, contributor_client):
    theme = review.framework.themes.order_by("order").first()
    area = review.framework.scope_areas.order_by("order").last()

    response = contributor_client.post(
        upload_url(review),
        form_data(
            title="Quality assurance framework",
            description="How the council audits its own practice.",
            kind="audit",
            themes=[theme.pk],
            scope_areas=[area.pk],
            name="QA framework 2025.xlsx",
            content=files.xlsx(),
        ),
        follow=True,
    )

    document = EvidenceDocument.objects.get()
    version = document.versions.get()
    assert (document.review, document.title, document.kind, document.created_by) == (
        review,
        "Quality assurance framework",
        "audit",
        contributor,
    )
    assert list(document.themes.all()) == [theme]
    assert list(document.scope_areas.all()) == [area]
    assert (version.original_name, version.uploaded_by, version.content_type) == (
        "QA framework 2025.xlsx",
        contributor,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    assert "Document “Quality assurance framework” uploaded." in response.content.decode()


def test_the_upload_page_opens_with_a_multipart_form(review, contributor_client):
    response = contributor_client.get(upload_url(review))

    html = response.content.decode()
    assert response.status_code == 200
    assert 'enctype="multipart/form-data"' in html
    assert 'type="file"' in html


def test_the_observer_gets_403_on_upload_and_nothing_is_stored(review, observer_client, settings):
    got = observer_client.get(upload_url(review))
    posted = observer_client.post(upload_url(review), form_data())

    assert (got.status_code, posted.status_code) == (403, 403)
    assert EvidenceDocument.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        (form_data("report.pdf", files.exe()), "file", "The selected file is a program, not a PDF, Word, Excel"),
        (form_data("report.pdf", files.html()), "file", "The selected file contains a web page, markup or a script"),
        (form_data("notes.txt", files.html()), "file", "The selected file contains a web page, markup or a script"),
        (form_data("chart.png", PDF), "file", "The selected file is named chart.png but its content is a PDF document"),
        (form_data("policy.docx", files.plain_zip()), "file", "The selected file is a zip archive, not a Word"),
        (form_data("empty.pdf", b""), "file", "The selected file is empty."),
        ({"title": "Threshold", "kind": "policy"}, "file", "Choose a file to upload."),
        (form_data(title=""), "title", "Enter a title for the document."),
        (form_data(kind="secret"), "kind", "Choose a type of document from the list."),
        (form_data(themes=["not-a-number"]), "themes", "Choose themes that exist."),
        (form_data(themes=[999999]), "themes", "Choose themes that exist."),
        (form_data(scope_areas=[999999]), "scope_areas", "Choose scope areas that exist."),
    ],
)
def test_bad_uploads_are_refused_with_a_message_in_the_error_summary_and_nothing_stored(
    review, contributor_client, settings, data, field, message
):
    response = contributor_client.post(upload_url(review), data)

    html = response.content.decode()
    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors[field])
    assert 'class="govuk-error-summary"' in html
    assert f'href="#id_{field}' in html
    assert EvidenceDocument.objects.count() == 0
    assert DocumentVersion.objects.count() == 0
    assert stored_files(settings) == []


@pytest.mark.parametrize(
    ("sent", "kept"),
    [
        ("C:\\reports\\threshold.pdf", "threshold.pdf"),
        ("../../threshold.pdf", "threshold.pdf"),
        ("a\x07b.pdf", "ab.pdf"),
    ],
)
def test_a_browser_sent_path_or_control_character_is_dropped_before_the_name_is_kept(
    review, contributor_client, sent, kept
):
    contributor_client.post(upload_url(review), form_data(sent))

    version = DocumentVersion.objects.get()
    assert version.original_name == kept
    assert kept not in version.file.name


def test_a_theme_and_scope_area_of_another_framework_are_refused(review, contributor_client, settings):
    other = Framework.objects.create(name="Other framework", version="1")
    theme = Theme.objects.create(framework=other, order=1, name="Foreign theme")
    area = ScopeArea.objects.create(framework=other, order=1, title="Foreign area")

    response = contributor_client.post(upload_url(review), form_data(themes=[theme.pk], scope_areas=[area.pk]))

    errors = response.context["form"].errors
    assert errors["themes"] == ["Choose themes of this review's framework."]
    assert errors["scope_areas"] == ["Choose scope areas in this review's scope."]
    assert EvidenceDocument.objects.count() == 0
    assert stored_files(settings) == []


def test_a_file_over_the_limit_is_refused_by_the_form_not_by_django(review, contributor_client, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 1024 * 1024
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 1024
    content = b"%PDF-1.4\n" + b"0" * (1024 * 1024)

    response = contributor_client.post(upload_url(review), form_data("big.pdf", content))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == [
        "The selected file must be smaller than 1.0\xa0MB (it is 1.0\xa0MB)."
    ]
    assert stored_files(settings) == []


def test_upload_without_a_csrf_token_is_refused(review, contributor, settings):
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)

    response = client.post(upload_url(review), form_data())

    assert response.status_code == 403
    assert EvidenceDocument.objects.count() == 0
    assert stored_files(settings) == []


# Detail and replacement


def test_the_detail_page_shows_every_version_with_who_when_size_and_hash(review, lead, contributor, observer_client):
    document = make_document(review, lead)
    make_document(review, contributor, name="v2.csv", content=files.csv(), document=document)

    response = observer_client.get(document.get_absolute_url())

    html = response.content.decode()
    versions = list(response.context["versions"])
    assert [(version.number, version.uploaded_by) for version in versions] == [(2, contributor), (1, lead)]
    assert hashlib.sha256(PDF).hexdigest() in html
    assert hashlib.sha256(files.csv()).hexdigest() in html
    assert download_url(versions[1]) in html
    assert response.context["replace_form"] is None


def test_the_detail_page_offers_the_replace_form_to_writers(review, lead, contributor_client):
    document = make_document(review, lead)

    response = contributor_client.get(document.get_absolute_url())

    assert f'action="{replace_url(document)}"' in response.content.decode()


def test_a_document_of_another_review_is_404_through_this_review(review, other_review, lead, lead_client):
    document = make_document(other_review, UserFactory())

    detail = lead_client.get(reverse("reviews:document_detail", args=[review.pk, document.pk]))
    replaced = lead_client.post(
        reverse("reviews:document_replace", args=[review.pk, document.pk]), {"file": files.upload("v2.pdf", PDF)}
    )

    assert (detail.status_code, replaced.status_code) == (404, 404)
    assert document.versions.count() == 1


def test_replacing_a_document_adds_a_version_and_keeps_the_earlier_one(review, lead, contributor, contributor_client):
    document = make_document(review, lead)

    response = contributor_client.post(replace_url(document), {"file": files.upload("threshold-v2.docx", files.docx())})

    document.refresh_from_db()
    assert response.status_code == 302
    assert document.version_count == 2
    assert list(document.versions.order_by("number").values_list("number", "original_name", "uploaded_by")) == [
        (1, "threshold.pdf", lead.pk),
        (2, "threshold-v2.docx", contributor.pk),
    ]


def test_a_bad_replacement_is_refused_on_the_detail_page_and_nothing_stored(review, lead, contributor_client, settings):
    document = make_document(review, lead)
    before = stored_files(settings)

    response = contributor_client.post(replace_url(document), {"file": files.upload("v2.pdf", files.exe())})

    html = response.content.decode()
    document.refresh_from_db()
    assert response.status_code == 200
    assert 'class="govuk-error-summary"' in html
    assert "The selected file is a program" in html
    assert document.version_count == 1
    assert stored_files(settings) == before


def test_the_observer_gets_403_on_replace(review, lead, observer_client, settings):
    document = make_document(review, lead)

    response = observer_client.post(replace_url(document), {"file": files.upload("v2.pdf", PDF)})

    assert response.status_code == 403
    assert document.versions.count() == 1


def test_replace_answers_only_post(review, lead, lead_client):
    document = make_document(review, lead)

    assert lead_client.get(replace_url(document)).status_code == 405


# Download


@pytest.mark.parametrize("client_name", ["sponsor_client", "contributor_client", "observer_client", "peer_client"])
def test_members_download_a_version_as_an_attachment(request, review, lead, client_name):
    document = make_document(review, lead, name="Threshold document (final).pdf")
    client = request.getfixturevalue(client_name)

    response = client.get(download_url(document.versions.get()))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="Threshold document (final).pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Cache-Control"] == "private, no-store"


def test_every_download_is_written_to_the_access_log(review, lead, sponsor, sponsor_client):
    document = make_document(review, lead)
    version = document.versions.get()

    sponsor_client.get(download_url(version))

    log = AccessLog.objects.get()
    assert (log.user, log.review, log.action, log.path) == (sponsor, review, "download", download_url(version))
    assert log.target == f"Document {document.pk} “Threshold document”, version 1 (id {version.pk})"


def test_an_earlier_version_can_still_be_downloaded(review, lead, lead_client):
    document = make_document(review, lead)
    make_document(review, lead, name="v2.csv", content=files.csv(), document=document)

    response = lead_client.get(download_url(document.versions.get(number=1)))

    assert b"".join(response.streaming_content) == PDF


def test_a_version_of_another_document_is_404(review, lead, lead_client):
    first = make_document(review, lead, title="First")
    second = make_document(review, lead, title="Second")

    response = lead_client.get(
        reverse("reviews:document_download", args=[review.pk, first.pk, second.versions.get().pk])
    )

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_a_version_of_another_review_is_404(review, other_review, lead, lead_client):
    ours = make_document(review, lead, title="Ours")
    theirs = make_document(other_review, UserFactory(), title="Theirs")

    through_ours = lead_client.get(
        reverse("reviews:document_download", args=[review.pk, ours.pk, theirs.versions.get().pk])
    )
    through_theirs = lead_client.get(
        reverse("reviews:document_download", args=[review.pk, theirs.pk, theirs.versions.get().pk])
    )

    assert (through_ours.status_code, through_theirs.status_code) == (404, 404)
    assert AccessLog.objects.count() == 0


def test_the_outsider_gets_404_on_download_and_nothing_is_logged(review, lead, outsider_client):
    document = make_document(review, lead)

    response = outsider_client.get(download_url(document.versions.get()))

    assert response.status_code == 404
    assert AccessLog.objects.count() == 0


def test_download_answers_only_get(review, lead, lead_client):
    document = make_document(review, lead)

    assert lead_client.post(download_url(document.versions.get())).status_code == 405


# Navigation and admin


def test_the_review_navigation_has_a_documents_tab(review, contributor_client):
    response = contributor_client.get(register_url(review))

    assert f'href="{register_url(review)}" aria-current="page">Documents</a>' in response.content.decode()


def test_admin_lists_documents_and_shows_versions_read_only(review, lead, admin_client):
    document = make_document(review, lead)

    listing = admin_client.get(reverse("admin:reviews_evidencedocument_changelist"), {"q": "Threshold"})
    change = admin_client.get(reverse("admin:reviews_evidencedocument_change", args=[document.pk]))

    assert listing.status_code == 200
    assert "Threshold document" in listing.content.decode()
    assert change.status_code == 200
    assert hashlib.sha256(PDF).hexdigest() in change.content.decode()
    assert document.versions.get().file.name in change.content.decode()
    assert "/media/documents/" not in change.content.decode()


def test_a_name_outside_ascii_is_sent_encoded_in_the_attachment_header(review, lead, lead_client):
    document = make_document(review, lead, name="Café “plan”.pdf")

    response = lead_client.get(download_url(document.versions.get()))

    assert response["Content-Disposition"] == "attachment; filename*=utf-8''Caf%C3%A9%20%E2%80%9Cplan%E2%80%9D.pdf"


def test_replace_without_a_csrf_token_is_refused(review, lead, contributor):
    document = make_document(review, lead)
    client = Client(enforce_csrf_checks=True)
    client.force_login(contributor)

    response = client.post(replace_url(document), {"file": files.upload("v2.pdf", PDF)})

    assert response.status_code == 403
    assert document.versions.count() == 1
