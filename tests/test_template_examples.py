"""Every import's template comes with an example row; sent back unchanged, the example is refused by name and
nothing is imported, so it never becomes a case, an event of a child's chronology, an audit or a session."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from audits.models import CouncilAudit
from casemapping.models import Event
from interviews.models import Session
from reviews.models import Case

from .spreadsheets import refused_in_page

IMPORTS = {
    # name: (client, template route, import route, the route's extra argument, what must stay empty)
    "cases": ("organiser_client", "casemapping:case_template", "casemapping:case_import", None, Case),
    "chronology": ("peer_client", "casemapping:event_template", "casemapping:event_import", "case", Event),
    "audits": ("lead_client", "audits:audit_template", "audits:audit_import", None, CouncilAudit),
    "timetable": ("organiser_client", "interviews:import_template", "interviews:import", None, Session),
}


@pytest.mark.parametrize("file_format", ["csv", "xlsx"])
@pytest.mark.parametrize("name", IMPORTS)
def test_a_template_sent_back_unchanged_is_refused_and_imports_nothing(request, review, name, file_format):
    client_name, template_route, import_route, extra, model = IMPORTS[name]
    client = request.getfixturevalue(client_name)
    args = [review.pk] + ([request.getfixturevalue(extra).pk] if extra else [])
    before = model.objects.count()
    template = client.get(reverse(template_route, args=args), {"format": file_format})
    assert template.status_code == 200

    response = client.post(
        reverse(import_route, args=args), {"file": SimpleUploadedFile(f"{name}.{file_format}", template.content)}
    )

    assert response.status_code == 200
    assert refused_in_page(response) == (
        f"Row 2 of {name}.{file_format} is the template's example, not a record of yours: replace it with your own "
        "rows, or delete it. Nothing has been imported."
    )
    assert model.objects.count() == before


def test_the_example_is_known_by_its_words_after_a_spreadsheet_rewrote_its_date_and_time(review, case, peer_client):
    template = peer_client.get(reverse("casemapping:event_template", args=[review.pk, case.pk])).content
    resaved = template.replace(b"2025-03-14", b"14/03/2025").replace(b"09:30", b"9:30")

    response = peer_client.post(
        reverse("casemapping:event_import", args=[review.pk, case.pk]),
        {"file": SimpleUploadedFile("chronology.csv", resaved)},
    )

    assert "is the template's example" in refused_in_page(response)
    assert not Event.objects.exists()


def test_a_case_like_the_example_but_with_its_own_reference_is_not_taken_for_the_example(review, organiser_client):
    template = organiser_client.get(reverse("casemapping:case_template", args=[review.pk])).content

    response = organiser_client.post(
        reverse("casemapping:case_import", args=[review.pk]),
        {"file": SimpleUploadedFile("cases.csv", template.replace(b"C-01", b"C-77"))},
    )

    assert "is the template's example" not in response.content.decode()
