import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews.demo import demo_pdf
from selfassessment.models import DocumentRequest, DocumentRequestTemplate

from .factories import DocumentFactory, DocumentRequestFactory


def url(name, review, *args):
    return reverse(f"selfassessment:{name}", args=[review.pk, *args])


def date_fields(name: str, day: datetime.date) -> dict[str, str]:
    return {name: day.strftime("%d/%m/%Y")}


def test_the_default_framework_has_the_standard_information_health_check(review):
    titles = list(
        DocumentRequestTemplate.objects.filter(framework=review.framework)
        .order_by("order")
        .values_list("title", flat=True)
    )

    assert titles[:3] == [
        "The threshold document",
        "LSCB annual report and business plan",
        "Quality assurance framework and recent audit reports",
    ]
    assert len(titles) == 8


def test_the_lead_sends_the_standard_requests_once(review, lead_client, lead):
    due = datetime.date(2030, 2, 1)

    lead_client.post(url("request_start", review), date_fields("due_date", due))
    lead_client.post(url("request_start", review), date_fields("due_date", due))

    requests = review.document_requests.all()
    assert requests.count() == 8
    assert {(item.status, item.due_date, item.requested_by) for item in requests} == {("requested", due, lead)}


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Enter the due date for every request."),
        ({"due_date": "31/02/2030"}, "Enter the due date for every request as a real date, for example 27/3/2027."),
        ({"due_date": "next week"}, "Enter the due date for every request as a real date, for example 27/3/2027."),
    ],
)
def test_standard_requests_need_a_real_due_date(review, lead_client, fields, message):
    response = lead_client.post(url("request_start", review), fields)

    assert response.status_code == 200
    assert review.document_requests.count() == 0
    assert response.context["form"].errors["due_date"] == [message]
    assert message in response.content.decode()


def test_the_lead_adds_a_request_with_an_assignee_from_the_council(review, lead_client, contributor):
    response = lead_client.post(
        url("request_create", review),
        {
            "title": "Missing children protocol",
            **date_fields("due_date", datetime.date(2030, 3, 1)),
            "assignee": contributor.pk,
        },
    )

    item = DocumentRequest.objects.get()
    assert response.status_code == 302
    assert (item.title, item.assignee, item.status) == ("Missing children protocol", contributor, "requested")


def test_a_request_cannot_be_assigned_to_the_peer_side_or_a_stranger(review, lead_client, peer, outsider):
    for user in (peer, outsider):
        response = lead_client.post(
            url("request_create", review),
            {"title": "Workforce data", **date_fields("due_date", datetime.date(2030, 3, 1)), "assignee": user.pk},
        )

        assert response.context["form"].errors["assignee"] == ["Choose a member of the council's team."]
    assert DocumentRequest.objects.count() == 0


def test_a_duplicate_request_title_is_refused(review, lead_client):
    DocumentRequestFactory(review=review, title="Workforce data")

    response = lead_client.post(
        url("request_create", review), {"title": "workforce data", **date_fields("due_date", datetime.date(2030, 3, 1))}
    )

    assert response.context["form"].errors["title"] == ["This review already asks for a document with this title."]


def test_the_database_refuses_a_returned_request_without_a_reason(review):
    with pytest.raises(IntegrityError), transaction.atomic():
        DocumentRequestFactory(review=review, status=DocumentRequest.Status.RETURNED, return_reason="")


def test_the_full_round_requested_uploaded_returned_uploaded_accepted(review, contributor_client, lead_client, lead):
    item = DocumentRequestFactory(review=review)
    first = DocumentFactory(review=review)
    second = DocumentFactory(review=review)

    contributor_client.post(url("request_attach", review, item.pk), {"documents": [first.pk]})
    item.refresh_from_db()
    after_upload = item.status
    lead_client.post(
        url("request_decide", review, item.pk), {"decision": "return", "reason": "This is the 2019 version"}
    )
    item.refresh_from_db()
    after_return = (item.status, item.return_reason)
    contributor_client.post(url("request_attach", review, item.pk), {"documents": [second.pk]})
    lead_client.post(url("request_decide", review, item.pk), {"decision": "accept"})
    item.refresh_from_db()

    assert after_upload == "uploaded"
    assert after_return == ("returned", "This is the 2019 version")
    assert (item.status, item.decided_by, item.return_reason) == ("accepted", lead, "")
    assert set(item.documents.all()) == {first, second}


def test_a_request_with_no_document_cannot_be_accepted(review, lead_client):
    item = DocumentRequestFactory(review=review)

    response = lead_client.post(url("request_decide", review, item.pk), {"decision": "accept"}, follow=True)

    item.refresh_from_db()
    assert item.status == "requested"
    assert "Only a request with an uploaded document can be accepted." in response.content.decode()


def test_attaching_nothing_is_refused(review, contributor_client):
    item = DocumentRequestFactory(review=review)

    response = contributor_client.post(url("request_attach", review, item.pk), {}, follow=True)

    item.refresh_from_db()
    assert item.status == "requested"
    assert "Choose at least one document for this request, or upload one." in response.content.decode()


def test_a_document_of_another_review_cannot_answer_a_request(review, other_review, contributor_client):
    item = DocumentRequestFactory(review=review)
    foreign = DocumentFactory(review=other_review)

    response = contributor_client.post(url("request_attach", review, item.pk), {"documents": [foreign.pk]}, follow=True)

    item.refresh_from_db()
    assert item.status == "requested"
    assert item.documents.count() == 0
    assert "Choose documents that exist." in response.content.decode()


def test_returning_needs_a_reason(review, lead_client):
    item = DocumentRequestFactory(review=review)
    item.mark_uploaded(user=None, documents=[DocumentFactory(review=review)])

    response = lead_client.post(url("request_decide", review, item.pk), {"decision": "return"}, follow=True)

    item.refresh_from_db()
    assert item.status == "uploaded"
    assert "Say why the document is being returned." in response.content.decode()


@pytest.mark.parametrize("client_name", ["peer_client", "observer_client"])
def test_the_peer_side_cannot_answer_requests(review, client_name, request):
    item = DocumentRequestFactory(review=review)
    document = DocumentFactory(review=review)

    response = request.getfixturevalue(client_name).post(
        url("request_attach", review, item.pk), {"documents": [document.pk]}
    )

    assert response.status_code == 403


@pytest.mark.parametrize("client_name", ["organiser_client", "peer_client", "observer_client"])
def test_only_the_lead_and_challenge_manager_manage_requests(review, client_name, request):
    client = request.getfixturevalue(client_name)
    item = DocumentRequestFactory(review=review)

    statuses = [
        client.post(url("request_create", review), {"title": "x"}).status_code,
        client.post(url("request_start", review), {}).status_code,
        client.post(url("request_edit", review, item.pk), {"title": "y"}).status_code,
        client.post(url("request_decide", review, item.pk), {"decision": "accept"}).status_code,
    ]

    assert statuses == [403, 403, 403, 403]


def test_a_stale_edit_of_a_request_is_refused(review, lead_client, challenge_client):
    item = DocumentRequestFactory(review=review, title="Original")
    due = date_fields("due_date", datetime.date(2030, 3, 1))
    challenge_client.post(url("request_edit", review, item.pk), {"title": "Challenge's title", **due, "version": 1})

    response = lead_client.post(url("request_edit", review, item.pk), {"title": "Lead's title", **due, "version": 1})

    item.refresh_from_db()
    assert "after you opened it" in response.content.decode()
    assert item.title == "Challenge's title"


def test_overdue_requests_are_flagged_filtered_and_counted(review, lead_client):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    late = DocumentRequestFactory(review=review, title="Late", due_date=yesterday)
    DocumentRequestFactory(review=review, title="Late but accepted", due_date=yesterday, status="accepted")
    DocumentRequestFactory(review=review, title="In time")

    page = lead_client.get(url("requests", review))
    overdue_only = lead_client.get(url("requests", review), {"overdue": "1"})

    assert "1 request overdue" in page.content.decode()
    assert [item.pk for item in overdue_only.context["page"]] == [late.pk]


def test_the_request_list_filters_by_status(review, lead_client):
    DocumentRequestFactory(review=review, title="Waiting")
    accepted = DocumentRequestFactory(review=review, title="Done", status="accepted")

    response = lead_client.get(url("requests", review), {"status": "accepted"})

    assert [item.pk for item in response.context["page"]] == [accepted.pk]


def test_the_request_list_runs_the_same_queries_for_one_and_for_fifty(review, lead_client):
    DocumentRequestFactory(review=review)
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url("requests", review))
    DocumentRequestFactory.create_batch(49, review=review)

    with CaptureQueriesContext(connection) as fifty:
        response = lead_client.get(url("requests", review))

    assert response.context["page"].paginator.count == 50
    assert len(one) == len(fifty)


def test_a_request_of_another_review_is_404(review, other_review, lead_client):
    foreign = DocumentRequestFactory(review=other_review)

    assert lead_client.get(url("request_detail", review, foreign.pk)).status_code == 404
    assert lead_client.post(url("request_decide", review, foreign.pk), {"decision": "accept"}).status_code == 404


def test_a_contributor_answers_a_request_with_a_new_upload(review, contributor_client, contributor):
    item = DocumentRequestFactory(review=review, title="Supervision policy")
    upload = SimpleUploadedFile("supervision.pdf", demo_pdf("Supervision policy", ["Fictional policy."]))

    response = contributor_client.post(url("request_attach", review, item.pk), {"file": upload})

    item.refresh_from_db()
    document = item.documents.get()
    assert response.status_code == 302
    assert item.status == "uploaded"
    assert (document.title, document.review, document.version_count) == ("Supervision policy", review, 1)
    assert document.versions.get().uploaded_by == contributor


def test_a_disguised_upload_answers_nothing_and_stores_nothing(review, contributor_client):
    item = DocumentRequestFactory(review=review)
    upload = SimpleUploadedFile("policy.pdf", b"<html><body>Not a PDF</body></html>")

    response = contributor_client.post(url("request_attach", review, item.pk), {"file": upload}, follow=True)

    item.refresh_from_db()
    assert item.status == "requested"
    assert review.documents.count() == 0
    assert (
        "The selected file contains a web page, markup or a script, which is not accepted" in response.content.decode()
    )


def test_an_accepted_request_takes_no_more_uploads(review, contributor_client):
    item = DocumentRequestFactory(review=review, status=DocumentRequest.Status.ACCEPTED)
    upload = SimpleUploadedFile("late.pdf", demo_pdf("Late", ["Too late."]))

    response = contributor_client.post(url("request_attach", review, item.pk), {"file": upload}, follow=True)

    assert review.documents.count() == 0
    assert "This request has been accepted; it cannot take more documents." in response.content.decode()
