"""Private files in an S3-compatible object store: uploads, reports and downloads through a real S3 API server on
loopback, server-side encryption, a missing object, a store that does not answer, and moving files across."""

import datetime
import hashlib
import io
import time
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.core.management import CommandError, call_command
from django.db import DataError, connection, transaction
from django.urls import reverse
from django.utils import timezone

from peerreview import storage_settings
from reviews import services, storage, tasks
from reviews.backup import storage_names
from reviews.health import run_checks
from reviews.models import AccessLog, DocumentVersion, EvidenceDocument, FileToDelete, Report, ReviewExport
from reviews.tasks import render_report

from ..factories import FindingFactory
from ..s3server import S3Server, environment, unreachable_environment, use_storage
from . import files

PDF = files.pdf()


def form_data(name="threshold.pdf", content=PDF) -> dict:
    return {"title": "Threshold document", "description": "", "kind": "policy", "file": files.upload(name, content)}


def download_url(version) -> str:
    return reverse("reviews:document_download", args=[version.document.review_id, version.document_id, version.pk])


def body(response) -> bytes:
    return b"".join(response.streaming_content)


# The settings an operator gives


def test_without_a_bucket_the_files_stay_on_the_local_file_system(tmp_path):
    config = storage_settings.private_storage({"PRIVATE_MEDIA_ROOT": str(tmp_path)}, Path("."))
    assert config == {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path), "base_url": None},
    }


def test_a_bucket_moves_them_to_object_storage_private_and_encrypted():
    config = storage_settings.private_storage({"S3_BUCKET": "reviews", "S3_PREFIX": "/site-a/"}, Path("."))
    options = config["OPTIONS"]
    assert config["BACKEND"] == "storages.backends.s3.S3Storage"
    assert (options["bucket_name"], options["location"]) == ("reviews", "site-a")
    assert options["object_parameters"] == {"ServerSideEncryption": "AES256"}
    assert options["default_acl"] is None and options["file_overwrite"] is False


def test_a_managed_key_is_asked_for_by_its_id():
    env = {"S3_BUCKET": "reviews", "S3_SERVER_SIDE_ENCRYPTION": "aws:kms", "S3_KMS_KEY_ID": "alias/reviews"}
    options = storage_settings.private_storage(env, Path("."))["OPTIONS"]
    assert options["object_parameters"] == {"ServerSideEncryption": "aws:kms", "SSEKMSKeyId": "alias/reviews"}


def test_an_unknown_kind_of_encryption_is_refused_by_name():
    with pytest.raises(ImproperlyConfigured, match="S3_SERVER_SIDE_ENCRYPTION is 'rot13'"):
        storage_settings.private_storage({"S3_BUCKET": "reviews", "S3_SERVER_SIDE_ENCRYPTION": "rot13"}, Path("."))


# Uploads and downloads on the object store


def test_an_upload_goes_to_the_bucket_encrypted_and_comes_back_through_the_download_view(
    s3_bucket, review, lead, lead_client
):
    response = lead_client.post(reverse("reviews:document_upload", args=[review.pk]), form_data())
    assert response.status_code == 302

    version = DocumentVersion.objects.get(document__review=review)
    assert s3_bucket.keys() == [version.file.name]
    assert version.file.name.startswith("documents/")
    assert s3_bucket.read(version.file.name) == PDF
    assert s3_bucket.head(version.file.name)["ServerSideEncryption"] == "AES256"
    grants = s3_bucket.client.get_object_acl(Bucket=s3_bucket.name, Key=version.file.name)["Grants"]
    assert [grant["Grantee"]["Type"] for grant in grants] == ["CanonicalUser"]  # the owner only: nothing public

    download = lead_client.get(download_url(version))
    assert download.status_code == 200
    assert download["Content-Disposition"] == 'attachment; filename="threshold.pdf"'
    assert download["Cache-Control"] == "private, no-store"
    assert body(download) == PDF
    assert AccessLog.objects.filter(review=review, action="download").count() == 1


def test_an_outsider_cannot_download_a_file_kept_in_the_bucket(s3_bucket, review, lead, outsider_client):
    document = services.store_document(
        review=review, user=lead, uploaded_file=files.upload("threshold.pdf", PDF), title="Threshold"
    )
    version = document.versions.get()
    assert outsider_client.get(download_url(version)).status_code == 404


def test_a_report_is_rendered_into_the_bucket_and_downloaded(s3_bucket, review, lead, lead_client):
    FindingFactory(review=review, raised_by=lead, summary="Return interviews are offered within 72 hours")
    report = Report.objects.create(review=review, kind=Report.Kind.BASELINE, version=1, requested_by=lead)
    render_report(report_id=report.pk)
    report.refresh_from_db()

    assert report.status == Report.Status.DONE
    assert s3_bucket.keys() == sorted([report.file.name, report.docx.name])  # the PDF and its Word copy
    pdf = s3_bucket.read(report.file.name)
    assert hashlib.sha256(pdf).hexdigest() == report.sha256
    assert s3_bucket.head(report.file.name)["ServerSideEncryption"] == "AES256"
    response = lead_client.get(reverse("reviews:report_download", args=[review.pk, report.pk]))
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert body(response) == pdf


def test_a_missing_object_shows_that_the_file_is_unavailable_not_a_server_error(s3_bucket, review, lead, lead_client):
    document = services.store_document(
        review=review, user=lead, uploaded_file=files.upload("threshold.pdf", PDF), title="Threshold"
    )
    version = document.versions.get()
    s3_bucket.client.delete_object(Bucket=s3_bucket.name, Key=version.file.name)

    response = lead_client.get(download_url(version))
    assert response.status_code == 404
    assert "This file is unavailable" in response.content.decode()


def test_a_missing_report_file_on_the_file_system_is_unavailable_too(review, lead, lead_client):
    report = Report.objects.create(review=review, kind=Report.Kind.BASELINE, version=1, requested_by=lead)
    render_report(report_id=report.pk)
    report.refresh_from_db()
    storage.private_storage().delete(report.file.name)

    response = lead_client.get(reverse("reviews:report_download", args=[review.pk, report.pk]))
    assert response.status_code == 404
    assert "This file is unavailable" in response.content.decode()


# A store that does not answer


def test_an_upload_while_the_store_is_down_is_refused_with_a_message_and_nothing_is_saved(
    settings, review, lead, lead_client
):
    use_storage(settings, unreachable_environment())
    response = lead_client.post(reverse("reviews:document_upload", args=[review.pk]), form_data())

    assert response.status_code == 200
    assert "The file store is not answering, so the file could not be saved" in response.content.decode()
    assert not EvidenceDocument.objects.exists()
    assert not DocumentVersion.objects.exists()


def test_a_download_while_the_store_is_down_says_so_with_503(s3_bucket, settings, review, lead, lead_client):
    document = services.store_document(
        review=review, user=lead, uploaded_file=files.upload("threshold.pdf", PDF), title="Threshold"
    )
    use_storage(settings, unreachable_environment(s3_bucket.name))

    response = lead_client.get(download_url(document.versions.get()))
    assert response.status_code == 503
    assert "The file store is not answering" in response.content.decode()


def test_a_report_that_cannot_be_stored_is_failed_with_the_reason_never_done_without_its_file(settings, review, lead):
    use_storage(settings, unreachable_environment())
    report = Report.objects.create(review=review, kind=Report.Kind.BASELINE, version=1, requested_by=lead)
    render_report(report_id=report.pk)  # without a broker: no later try, the reason and a way to try again
    report.refresh_from_db()

    assert report.status == Report.Status.FAILED
    assert "The file store did not answer" in report.error
    assert (report.file.name, report.sha256) == ("", "")


@pytest.mark.worker
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_worker_tries_again_when_the_store_is_down_and_finishes_when_it_is_back(
    request, settings, redis_url, review, lead
):
    """The store is down when the worker renders: the report waits, queued, with the reason; the store comes
    back on the same address and the worker's next try stores the report."""
    port = S3Server().port  # a free port, with nothing listening yet
    env = environment(f"http://127.0.0.1:{port}", "reviews-later", S3_TIMEOUT_SECONDS="1")
    use_storage(settings, {**env, "REPORT_STORAGE_RETRY_SECONDS": "3,3,3,3"})
    request.getfixturevalue("celery_worker")
    report, _ = services.request_report(review=review, kind=Report.Kind.BASELINE, user=lead)

    def wait_for(condition, seconds=90):
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            report.refresh_from_db()
            if condition():
                return
            time.sleep(0.3)
        pytest.fail(f"The report stayed {report.status}: {report.error}")

    wait_for(lambda: report.attempts >= 1 and report.status == Report.Status.QUEUED and report.error)
    assert "will be tried again" in report.error
    server = S3Server(port).start()
    try:
        server.create_bucket("reviews-later")
        wait_for(lambda: report.status in {Report.Status.DONE, Report.Status.FAILED})
        assert (report.status, report.error) == (Report.Status.DONE, "")
        assert report.attempts >= 2
        keys = [entry["Key"] for entry in server.client().list_objects_v2(Bucket="reviews-later")["Contents"]]
        assert sorted(keys) == sorted([report.file.name, report.docx.name])
    finally:
        server.stop()


def test_a_file_the_store_did_not_delete_is_kept_by_name_and_deleted_when_it_answers_again(
    s3_bucket, settings, review, lead, lead_client
):
    """The lead deletes an export's file while the store is down: the export says deleted, the file's name is kept,
    and the hourly retry deletes the file once the store answers; a name already gone costs nothing."""
    name = storage.private_storage().save("exports/whole-review.zip", io.BytesIO(b"PK every record of the review"))
    export = ReviewExport.objects.create(
        review=review, requested_by=lead, status=ReviewExport.Status.DONE, file=name, size=29
    )
    use_storage(settings, unreachable_environment(s3_bucket.name))

    response = lead_client.post(reverse("reviews:export_delete", args=[review.pk, export.pk]))

    assert response.status_code == 302
    export.refresh_from_db()
    assert (export.status, export.file.name) == (ReviewExport.Status.DELETED, "")
    assert s3_bucket.keys() == [name]  # still there: the store did not answer
    kept = FileToDelete.objects.get()
    assert (kept.name, kept.attempts) == (name, 1)
    assert kept.last_error  # the kind of failure, such as EndpointConnectionError

    storage.delete_quietly("exports/another-export.zip")  # a second, while the store is still down
    assert tasks.retry_file_deletions() == 2  # still down: the first tried again ends the run, the other waits
    assert sorted(FileToDelete.objects.values_list("name", "attempts")) == [
        ("exports/another-export.zip", 1),
        (name, 2),
    ]

    use_storage(settings, s3_bucket.env)
    assert tasks.retry_file_deletions() == 0
    assert s3_bucket.keys() == []
    assert not FileToDelete.objects.exists()


def test_a_name_kept_for_more_than_a_day_is_logged_at_error_each_hour_until_it_is_gone(db, settings, caplog, tmp_path):
    """The operators' alert on errors is what tells them the store refuses deletions; a name kept for hours is
    not yet a fault (the store may be down for a while) and says so at INFO only."""
    use_storage(settings, unreachable_environment())
    now = timezone.now()
    FileToDelete.objects.create(name="exports/recent.zip", first_tried_at=now - datetime.timedelta(hours=23))

    with caplog.at_level("INFO", logger="reviews.tasks"):
        assert tasks.retry_file_deletions() == 1
    assert [record.levelname for record in caplog.records] == ["INFO"]

    FileToDelete.objects.create(name="documents/old.pdf", first_tried_at=now - datetime.timedelta(days=3, hours=2))
    FileToDelete.objects.create(name="documents/older.pdf", first_tried_at=now - datetime.timedelta(days=4))
    caplog.clear()
    with caplog.at_level("INFO", logger="reviews.tasks"):
        assert tasks.retry_file_deletions() == 3
    errors = [record.getMessage() for record in caplog.records if record.levelname == "ERROR"]
    oldest = (now - datetime.timedelta(days=4)).isoformat(timespec="minutes")
    assert len(errors) == 1
    assert errors[0].startswith(
        f"2 files have waited more than a day to be deleted from the private storage, the first since {oldest}"
    )

    settings.STORAGES = {**settings.STORAGES, "private": storage_settings.private_storage({}, tmp_path)}
    caplog.clear()
    with caplog.at_level("INFO", logger="reviews.tasks"):
        assert tasks.retry_file_deletions() == 0  # the file system answers: every name is deleted, nothing to say
    assert not [record for record in caplog.records if record.levelname == "ERROR"]


def test_a_deletion_refused_while_a_failed_transaction_unwinds_leaves_that_error_to_be_seen(settings, review):
    use_storage(settings, unreachable_environment())

    with pytest.raises(DataError), transaction.atomic(), connection.cursor() as cursor:
        try:
            cursor.execute("SELECT 1 / 0")
        except DataError:
            storage.delete_quietly("documents/written-before-the-failure.pdf")  # must not raise its own error
            raise

    assert not FileToDelete.objects.exists()


def test_the_retry_of_deletions_runs_hourly_from_the_beat():
    from django.conf import settings as configured

    entries = {entry["task"]: entry["schedule"] for entry in configured.CELERY_BEAT_SCHEDULE.values()}
    assert "reviews.tasks.retry_file_deletions" in entries
    assert entries["reviews.tasks.retry_file_deletions"].hour == set(range(24))


def test_readiness_names_the_store_when_it_does_not_answer(settings):
    use_storage(settings, unreachable_environment())
    result = run_checks()["storage"]
    assert result["ok"] is False
    assert "EndpointConnectionError" in result["detail"] or "ConnectTimeout" in result["detail"]


def test_readiness_reports_the_object_store_when_it_answers(s3_bucket):
    assert run_checks()["storage"] == {"ok": True, "detail": "S3Storage", "ms": pytest.approx(0, abs=10_000)}
    assert s3_bucket.keys() == []  # the probe leaves nothing behind


# Moving an existing site's files into the bucket


def test_the_move_copies_every_file_verifies_it_and_can_run_again(s3_bucket, tmp_path):
    old = tmp_path / "old-private-media"
    (old / "documents").mkdir(parents=True)
    (old / "reports").mkdir()
    (old / "documents" / "a.pdf").write_bytes(PDF)
    (old / "reports" / "b.pdf").write_bytes(b"%PDF-1.7 report")

    said = io.StringIO()
    call_command("move_files_to_storage", str(old), "--dry-run", stdout=said)
    assert "Would copy 2 files" in said.getvalue()
    assert s3_bucket.keys() == []

    call_command("move_files_to_storage", str(old))
    assert s3_bucket.keys() == ["documents/a.pdf", "reports/b.pdf"]
    assert s3_bucket.read("documents/a.pdf") == PDF
    assert storage.move_files(old) == {"copied": 0, "already_there": 2, "bytes": 0}
    assert (old / "documents" / "a.pdf").exists()  # nothing is deleted from the folder


def test_the_move_refuses_an_object_already_there_with_other_content(s3_bucket, tmp_path):
    old = tmp_path / "old"
    (old / "documents").mkdir(parents=True)
    (old / "documents" / "a.pdf").write_bytes(PDF)
    s3_bucket.client.put_object(Bucket=s3_bucket.name, Key="documents/a.pdf", Body=b"something else")

    with pytest.raises(CommandError, match="documents/a.pdf is already in the storage with different content"):
        call_command("move_files_to_storage", str(old))
    assert s3_bucket.read("documents/a.pdf") == b"something else"


def test_the_move_refuses_a_folder_that_is_the_storage_itself_or_not_a_folder(settings, tmp_path):
    location = Path(settings.STORAGES["private"]["OPTIONS"]["location"])
    location.mkdir(parents=True, exist_ok=True)
    with pytest.raises(CommandError, match="The private storage is that same folder"):
        call_command("move_files_to_storage", str(location))
    with pytest.raises(CommandError, match="is not a folder"):
        call_command("move_files_to_storage", str(tmp_path / "nowhere"))


def test_the_storage_walk_lists_every_object_of_the_bucket(s3_bucket):
    for key in ("documents/a.pdf", "documents/deep/b.pdf", "reports/c.pdf"):
        s3_bucket.client.put_object(Bucket=s3_bucket.name, Key=key, Body=b"x")
    assert storage_names() == ["documents/a.pdf", "documents/deep/b.pdf", "reports/c.pdf"]
