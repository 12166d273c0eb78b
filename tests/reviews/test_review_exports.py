"""The whole-review export in the workspace: the lead asks for it, a worker writes the ZIP, the lead downloads it
from the export page; it is logged, refused to everyone else, kept for a while and then deleted."""

import datetime
import io
import json
import time
import zipfile

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import retention, review_exports
from reviews.models import AccessLog, DocumentVersion, Notification, ReviewExport

from ..factories import CaseFactory
from .test_transfer import add_files


@pytest.fixture
def small_review(review, lead):
    CaseFactory(review=review, reference="C-01")
    add_files(review, lead)
    return review


@pytest.fixture
def eager(monkeypatch):
    """Celery runs the task where it is sent, as without a broker (the real worker has a test of its own)."""
    from peerreview.celery import app

    monkeypatch.setitem(app.conf, "task_always_eager", True)


def ask(client, review, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("reviews:export", args=[review.pk]))


def wait_until_written(export: ReviewExport, seconds: float = 90) -> ReviewExport:
    """The export once the real worker has finished with it (done or failed), or as it stands after `seconds`."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        export.refresh_from_db()
        if export.status in {"done", "failed"}:
            break
        time.sleep(0.5)
    return export


def zip_json(response) -> dict:
    data = b"".join(response.streaming_content)
    return json.loads(zipfile.ZipFile(io.BytesIO(data)).read("review.json"))


@pytest.mark.django_db
def test_the_lead_asks_for_an_export_and_downloads_it_when_ready(
    small_review, lead, lead_client, django_capture_on_commit_callbacks, eager
):
    url = reverse("reviews:export", args=[small_review.pk])

    response = ask(lead_client, small_review, django_capture_on_commit_callbacks)

    assert response.status_code == 302 and response["Location"] == url
    export = ReviewExport.objects.get()
    assert (export.status, export.error, export.requested_by) == ("done", "", lead)
    assert export.size > 0 and export.counts["reviews.case"] == 1
    assert export.expires_at > timezone.now()
    page = lead_client.get(url).content.decode()
    download = reverse("reviews:export_download", args=[small_review.pk, export.pk])
    assert "Ready to download" in page and download in page
    expires = timezone.localtime(export.expires_at)
    assert f"Will be deleted on {expires.day} {expires:%B %Y} at {expires:%H:%M}" in page
    response = lead_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == f'attachment; filename="review-{small_review.pk}-export.zip"'
    assert response["Cache-Control"] == "private, no-store"
    assert zip_json(response)["source"]["review_id"] == small_review.pk
    made = AccessLog.objects.get(action=AccessLog.Action.EXPORT)
    assert (made.user, made.review, made.path) == (lead, small_review, url)
    assert AccessLog.objects.filter(path=download, user=lead).exists()
    assert Notification.objects.filter(recipient=lead, title__contains="ready to download").exists()


@pytest.mark.django_db
def test_a_second_request_while_one_is_waiting_adds_none(small_review, lead, lead_client):
    review_exports.request_export(small_review, lead)
    response = lead_client.post(reverse("reviews:export", args=[small_review.pk]), follow=True)
    assert ReviewExport.objects.count() == 1
    assert "already being prepared" in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["challenge_client", "peer_client", "organiser_client", "observer_client"])
def test_other_members_get_403_everywhere(request, small_review, lead, client_name, django_capture_on_commit_callbacks):
    client = request.getfixturevalue(client_name)
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)

    assert client.get(reverse("reviews:export", args=[small_review.pk])).status_code == 403
    assert client.post(reverse("reviews:export", args=[small_review.pk])).status_code == 403
    assert client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk])).status_code == 403
    assert ReviewExport.objects.count() == 1


@pytest.mark.django_db
def test_an_outsider_gets_404_and_an_export_of_another_review_is_not_found(
    small_review, lead, other_review, outsider_client, lead_client
):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)

    assert outsider_client.get(reverse("reviews:export", args=[small_review.pk])).status_code == 404
    assert outsider_client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk])).status_code == 404
    # The outsider's own review does not lead to this export, nor does a made-up id.
    other = reverse("reviews:export_download", args=[other_review.pk, export.pk])
    assert outsider_client.get(other).status_code == 404
    assert (
        lead_client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk + 999])).status_code == 404
    )


@pytest.mark.django_db
def test_an_export_that_cannot_be_made_says_why_and_logs_nothing(
    small_review, lead, lead_client, django_capture_on_commit_callbacks, eager
):
    version = DocumentVersion.objects.filter(document__review=small_review).first()
    version.file.storage.delete(version.file.name)

    ask(lead_client, small_review, django_capture_on_commit_callbacks)

    export = ReviewExport.objects.get()
    assert export.status == "failed" and not export.file
    page = lead_client.get(reverse("reviews:export", args=[small_review.pk])).content.decode()
    assert "The review could not be exported." in page and "is missing from storage" in page
    assert lead_client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk])).status_code == 404
    assert not AccessLog.objects.filter(action=AccessLog.Action.EXPORT).exists()
    assert Notification.objects.filter(recipient=lead, title__contains="could not be made").exists()


@pytest.mark.django_db
def test_the_file_is_deleted_after_its_time_and_a_stuck_export_is_failed(small_review, lead, lead_client):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    stuck = ReviewExport.objects.create(
        review=small_review, requested_by=lead, requested_at=timezone.now() - datetime.timedelta(days=2)
    )

    assert review_exports.delete_expired(timezone.now()) == 0  # not yet
    assert storage.exists(name)
    assert review_exports.delete_expired(export.expires_at + datetime.timedelta(minutes=1)) == 1

    export.refresh_from_db()
    stuck.refresh_from_db()
    assert (export.status, export.file.name, stuck.status) == ("expired", "", "failed")
    assert not storage.exists(name)
    assert lead_client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk])).status_code == 404
    assert (
        "Deleted after its time" in lead_client.get(reverse("reviews:export", args=[small_review.pk])).content.decode()
    )


@pytest.mark.django_db
def test_the_lead_deletes_the_file_once_it_is_safe_and_it_cannot_be_downloaded_again(small_review, lead, lead_client):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    delete = reverse("reviews:export_delete", args=[small_review.pk, export.pk])
    offered = lead_client.get(reverse("reviews:export", args=[small_review.pk])).content.decode()

    deleted = lead_client.post(delete, follow=True)
    again = lead_client.post(delete, follow=True)

    export.refresh_from_db()
    assert delete in offered and "Delete the file now" in offered
    assert "The file is deleted from this site. Copies already downloaded are not." in deleted.content.decode()
    assert "Deleted by the lead" in deleted.content.decode()
    assert (export.status, export.file.name, export.size) == ("deleted", "", 0)
    assert not storage.exists(name)
    assert lead_client.get(reverse("reviews:export_download", args=[small_review.pk, export.pk])).status_code == 404
    assert "Only a file that is ready to download can be deleted" in again.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("client_name", ["challenge_client", "peer_client", "organiser_client", "observer_client"])
def test_only_the_lead_deletes_an_export_and_only_by_post(request, small_review, lead, lead_client, client_name):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)
    delete = reverse("reviews:export_delete", args=[small_review.pk, export.pk])

    assert request.getfixturevalue(client_name).post(delete).status_code == 403
    assert lead_client.get(delete).status_code == 405
    export.refresh_from_db()
    assert export.status == "done" and export.file


@pytest.mark.django_db
def test_an_export_of_another_review_cannot_be_deleted_through_this_one(small_review, lead, other_review, lead_client):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)

    response = lead_client.post(reverse("reviews:export_delete", args=[other_review.pk, export.pk]))

    export.refresh_from_db()
    assert response.status_code == 404
    assert export.status == "done" and export.file


@pytest.mark.django_db
def test_a_purge_deletes_the_exports_and_their_files(small_review, lead, django_capture_on_commit_callbacks):
    export, _ = review_exports.request_export(small_review, lead)
    review_exports.write(export.pk)
    export.refresh_from_db()
    storage, name = export.file.storage, export.file.name
    retention.archive(small_review)

    with django_capture_on_commit_callbacks(execute=True):
        record = retention.purge(small_review, reason="Test")

    assert record.counts["exports"] == 1
    assert not ReviewExport.objects.exists() and not storage.exists(name)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_writes_the_export_asked_for_through_the_page(celery_worker, review, lead, lead_client):
    add_files(review, lead)

    response = lead_client.post(reverse("reviews:export", args=[review.pk]))
    assert response.status_code == 302
    export = wait_until_written(ReviewExport.objects.get(review=review))

    assert (export.status, export.error) == ("done", "")
    response = lead_client.get(reverse("reviews:export_download", args=[review.pk, export.pk]))
    assert zip_json(response)["source"]["review_id"] == review.pk


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_without_a_broker_a_thread_of_the_web_process_writes_it(settings, review, lead):
    import threading

    from reviews.rendering import start_export

    settings.REPORT_RENDERING = "thread"
    add_files(review, lead)
    export, _ = review_exports.request_export(review, lead)

    start_export(export_id=export.pk)
    for thread in threading.enumerate():
        if thread.name == f"export-{export.pk}":
            thread.join(timeout=60)

    export.refresh_from_db()
    assert (export.status, export.error) == ("done", "")
