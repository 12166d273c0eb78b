"""A review's access log as CSV: asked for as filtered on the log's page, written by a worker however long the log,
offered on the page and in a notification, downloaded by whoever may read the log, then deleted."""

import csv
import datetime
import io

import pytest
from django.urls import reverse
from django.utils import timezone

from reviews import review_exports
from reviews.access_csv import CSV_PIECE, csv_pieces
from reviews.models import AccessLog, Notification, ReviewExport

from .test_review_exports import wait_until_written

pytestmark = pytest.mark.django_db


def _log(user, review, target, **fields):
    return AccessLog.objects.create(user=user, review=review, action=AccessLog.Action.VIEW, target=target, **fields)


def ask(client, review, data=None):
    """Ask for the CSV as the page's button does: the filters shown are sent again."""
    return client.post(reverse("access_log_export", args=[review.pk]), data or {})


def written(client, review, data=None) -> tuple[ReviewExport, list[list[str]]]:
    """Ask, let the worker's task write it, and download it: the export and the CSV's rows."""
    response = ask(client, review, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    export = ReviewExport.objects.filter(kind=ReviewExport.Kind.ACCESS_LOG).latest("pk")
    review_exports.write(export.pk)
    export.refresh_from_db()
    assert (export.status, export.error) == ("done", "")
    download = client.get(reverse("reviews:export_download", args=[review.pk, export.pk]))
    assert download.status_code == 200
    return export, list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))


def test_the_lead_asks_for_the_log_as_filtered_and_downloads_it_from_the_page(review, lead, peer, lead_client):
    _log(peer, review, "Case NM-004")
    _log(peer, review, "Case NM-005")
    page_url = reverse("access_log", args=[review.pk])
    page = lead_client.get(page_url, {"words": "nm-004"}).content.decode()
    assert 'action="' + reverse("access_log_export", args=[review.pk]) + '"' in page
    assert '<input type="hidden" name="words" value="nm-004">' in page and "Prepare a CSV of these entries" in page

    response = ask(lead_client, review, {"words": "nm-004"})

    assert response.status_code == 302
    assert response["Location"] == f"{page_url}?words=nm-004#csv-files"
    export = ReviewExport.objects.get()
    assert (export.kind, export.status, export.requested_by, export.filters) == (
        "access-log", "queued", lead, {"words": "nm-004"},
    )  # fmt: skip
    waiting = lead_client.get(response["Location"]).content.decode()
    assert "The CSV is being prepared" in waiting and "Waiting for a worker" in waiting
    assert "Entries matching “nm-004”" in waiting and "Refresh this page" in waiting

    review_exports.write(export.pk)

    export.refresh_from_db()
    assert (export.status, export.counts) == ("done", {"entries": 1})
    page = lead_client.get(page_url).content.decode()
    download = reverse("reviews:export_download", args=[review.pk, export.pk])
    assert "Ready to download" in page and download in page and "Entries matching “nm-004”: 1 entry" in page
    response = lead_client.get(download)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    stamp = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="access-log-review-{review.pk}-{stamp}.csv"'
    assert response["Cache-Control"] == "private, no-store"
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[0][:5] == ["When", "Person", "Username", "Action", "What"]
    assert [row[4] for row in rows[1:]] == ["Case NM-004"]
    assert AccessLog.objects.filter(user=lead, path=download, action=AccessLog.Action.DOWNLOAD).exists()
    told = Notification.objects.get(recipient=lead)
    assert told.title == "The access log's CSV is ready to download" and told.link == f"{page_url}#csv-files"


def test_every_entry_is_written_however_many_and_formulas_are_defused(review, peer, lead_client):
    peer.first_name, peer.last_name = "Priya", "Nandakumar"
    peer.save()
    AccessLog.objects.bulk_create(
        AccessLog(user=peer, review=review, action=AccessLog.Action.DOWNLOAD, target=f"Case NM-{n:04d} chronology" * 3)
        for n in range(1500)
    )
    _log(peer, review, '=HYPERLINK("http://evil.example")')

    export, rows = written(lead_client, review)

    assert len(rows) == 1 + 1501 and export.counts == {"entries": 1501}
    assert rows[1][4] == '\'=HYPERLINK("http://evil.example")'  # the newest first, as a formula never runs
    downloads = [row for row in rows if row[3] == "Downloaded"]
    assert len(downloads) == 1500 and {(row[1], row[2]) for row in downloads} == {("Priya Nandakumar", peer.username)}
    assert {row[9] for row in rows[1:]} == {review.title}


def test_each_filter_narrows_the_csv_as_it_narrows_the_page(review, lead, peer, sponsor, lead_client):
    now = timezone.now()
    _log(peer, review, "Case NM-004", at=now - datetime.timedelta(days=10))
    _log(peer, review, "Case NM-005", at=now)
    _log(sponsor, review, "Case NM-004", at=now)
    today = timezone.localdate().isoformat()

    _, by_person = written(lead_client, review, {"person": peer.pk})
    _, by_date = written(lead_client, review, {"start": today, "end": today, "words": "NM-004"})
    _, by_action = written(lead_client, review, {"action": AccessLog.Action.EXPORT})

    assert sorted(row[4] for row in by_person[1:]) == ["Case NM-004", "Case NM-005"]
    assert [(row[2], row[4]) for row in by_date[1:]] == [(sponsor.username, "Case NM-004")]
    assert by_action[1:] == []
    page = lead_client.get(reverse("access_log", args=[review.pk])).content.decode()
    assert f"Entries read by {peer.get_full_name() or peer.username}: 2 entries" in page
    assert f"Entries matching “NM-004”, from {timezone.localdate():%-d %B %Y}, to" in page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"start": "27/3/26"}, "Enter the first day to show as a real date"),
        ({"end": "9999-12-31"}, "Enter a date from 2000 to 2100."),
        ({"start": "2027-03-09", "end": "2027-03-08"}, "The last date must be the same as or after the first date."),
        ({"person": "999999"}, "a person"),
        ({"person": "not-a-number"}, "a person"),
        ({"action": "delete"}, "an action"),
        ({"words": "x" * 101}, "Enter at most 100 characters in What was read."),
    ],
)
def test_a_filter_that_cannot_be_read_asks_for_nothing_and_says_what_is_wrong(review, peer, lead_client, data, message):
    _log(peer, review, "Case NM-004")

    response = ask(lead_client, review, data)

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert message in response.content.decode() and "<title>Error: " in response.content.decode()
    assert not ReviewExport.objects.exists()


def test_a_person_of_another_review_cannot_be_a_filter(review, outsider, lead_client):
    response = ask(lead_client, review, {"person": outsider.pk})

    assert response.status_code == 400 and not ReviewExport.objects.exists()


def test_asking_twice_while_one_is_waiting_adds_none_but_other_filters_or_people_do(
    review, lead, challenge_manager, lead_client, challenge_client
):
    ask(lead_client, review)
    again = ask(lead_client, review)
    ask(lead_client, review, {"words": "case"})
    ask(challenge_client, review)

    assert again.status_code == 302
    assert "A CSV of these entries is already being prepared" in lead_client.get(again["Location"]).content.decode()
    assert sorted((export.requested_by.username, str(export.filters)) for export in ReviewExport.objects.all()) == [
        (challenge_manager.username, "{}"), (lead.username, "{'words': 'case'}"), (lead.username, "{}"),
    ]  # fmt: skip


def test_only_those_who_read_the_log_ask_for_it_or_download_it(
    review, lead, peer_client, observer_client, challenge_client, lead_client
):
    export, _ = written(lead_client, review)
    download = reverse("reviews:export_download", args=[review.pk, export.pk])
    delete = reverse("reviews:export_delete", args=[review.pk, export.pk])

    for client in (peer_client, observer_client):
        assert ask(client, review).status_code == 403
        assert client.get(download).status_code == 403
        assert client.post(delete).status_code == 403
    assert lead_client.get(reverse("access_log_export", args=[review.pk])).status_code == 405
    # The review's challenge manager reads its log, so the CSV is theirs to download too; not a whole-review export.
    assert challenge_client.get(download).status_code == 200
    assert ReviewExport.objects.filter(kind=ReviewExport.Kind.ACCESS_LOG).count() == 1


def test_an_outsider_gets_404_and_a_csv_of_another_review_is_not_found(
    review, lead, other_review, outsider_client, lead_client
):
    export, _ = written(lead_client, review)

    assert ask(outsider_client, review).status_code == 404
    assert outsider_client.get(reverse("reviews:export_download", args=[review.pk, export.pk])).status_code == 404
    assert outsider_client.get(reverse("reviews:export_download", args=[other_review.pk, export.pk])).status_code == 404
    assert lead_client.get(reverse("reviews:export_download", args=[other_review.pk, export.pk])).status_code == 404
    assert ReviewExport.objects.count() == 1


def test_the_whole_review_export_page_does_not_list_the_logs_csvs(review, lead_client):
    written(lead_client, review)

    page = lead_client.get(reverse("reviews:export", args=[review.pk])).content.decode()

    assert "Exports of this review" not in page and "Download the ZIP" not in page


def test_the_file_is_deleted_on_request_or_after_its_time(review, lead_client):
    export, _ = written(lead_client, review)
    storage, name = export.file.storage, export.file.name
    delete = reverse("reviews:export_delete", args=[review.pk, export.pk])

    response = lead_client.post(delete)

    assert response["Location"] == reverse("access_log", args=[review.pk]) + "#csv-files"
    export.refresh_from_db()
    assert (export.status, export.file.name) == ("deleted", "") and not storage.exists(name)
    assert lead_client.get(reverse("reviews:export_download", args=[review.pk, export.pk])).status_code == 404
    later, _ = written(lead_client, review)
    later_name = later.file.name
    assert review_exports.delete_expired(timezone.now() + datetime.timedelta(days=30)) == 1
    later.refresh_from_db()
    assert later.status == "expired" and not storage.exists(later_name)
    assert "Deleted after its time" in lead_client.get(reverse("access_log", args=[review.pk])).content.decode()


def test_the_csv_is_made_in_large_pieces_as_the_database_hands_over_rows(review, peer):
    AccessLog.objects.bulk_create(
        AccessLog(user=peer, review=review, action=AccessLog.Action.VIEW, target=f"Case NM-{n:04d} chronology" * 3)
        for n in range(1500)
    )
    tally: dict = {}

    pieces = list(csv_pieces(AccessLog.objects.filter(review=review), tally))

    assert pieces[0].startswith("When,Person,") and pieces[0].count("\n") == 1  # before the log is read
    assert 3 <= len(pieces) < 20 and all(len(piece) < 2 * CSV_PIECE for piece in pieces)
    assert tally == {"entries": 1500}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_real_worker_writes_the_csv_asked_for_through_the_page(celery_worker, review, lead, peer, lead_client):
    _log(peer, review, "Case NM-004")

    assert ask(lead_client, review, {"words": "nm-004"}).status_code == 302
    export = wait_until_written(ReviewExport.objects.get(review=review))

    assert (export.status, export.error, export.counts) == ("done", "", {"entries": 1})
    response = lead_client.get(reverse("reviews:export_download", args=[review.pk, export.pk]))
    assert "Case NM-004" in b"".join(response.streaming_content).decode()


def test_a_page_refused_for_its_filters_lists_nothing_and_offers_no_csv(review, peer, lead_client):
    _log(peer, review, "Case NM-004")

    refused = ask(lead_client, review, {"start": "27/3/26"}).content.decode()
    unread = lead_client.get(reverse("access_log", args=[review.pk]), {"start": "27/3/26"}).content.decode()

    assert "Case NM-004" not in refused and "Nothing was asked for. Correct the filters above" in refused
    # Read by GET, with a filter that cannot be read, the whole log is listed (and logged), but no CSV of it offered.
    assert "Case NM-004" in unread
    for page in (refused, unread):
        assert "Prepare a CSV" not in page and "Enter the first day to show as a real date" in page


def test_filters_the_worker_does_not_understand_fail_it_rather_than_write_the_whole_log(review, lead, peer):
    _log(peer, review, "Case NM-004")
    export, _ = review_exports.request_export(
        review, lead, kind=ReviewExport.Kind.ACCESS_LOG, filters={"user": peer.pk}
    )

    review_exports.write(export.pk)

    export.refresh_from_db()
    assert (export.status, export.file.name) == ("failed", "")
    assert "could not be made (ValueError)" in export.error


def test_one_person_has_at_most_three_csvs_waiting(review, lead, lead_client):
    for words in ("one", "two", "three"):
        ask(lead_client, review, {"words": words})

    refused = ask(lead_client, review, {"words": "four"})

    assert refused.status_code == 302
    assert refused["Location"] == reverse("access_log", args=[review.pk]) + "?words=four#csv-files"
    page = lead_client.get(refused["Location"]).content.decode()
    assert "You have 3 CSVs of this log being prepared already" in page
    assert ReviewExport.objects.count() == 3
    review_exports.write(ReviewExport.objects.earliest("pk").pk)
    assert ask(lead_client, review, {"words": "four"}).status_code == 302
    assert ReviewExport.objects.count() == 4


def test_a_file_finished_after_its_review_was_purged_is_not_left_in_storage(review, lead, peer, admin_user):
    from django.db import connection

    from reviews import retention

    _log(peer, review, "Case NM-004")
    export, _ = review_exports.request_export(review, lead, kind=ReviewExport.Kind.ACCESS_LOG)
    storage = export.file.storage
    purged = []

    def purge_while_written(execute, sql, params, many, context):
        # The nightly purge, arriving while the worker reads the log: the export's row goes with the review's.
        if not purged and 'FROM "reviews_accesslog"' in sql:
            purged.append(True)
            retention.archive(review, by=admin_user)
            retention.purge(review, reason="Test")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(purge_while_written):
        review_exports.write(export.pk)

    assert purged and not ReviewExport.objects.exists()
    assert storage.listdir("exports")[1] == []


def test_only_those_who_may_ask_for_a_kind_of_file_learn_which_files_there_are(review, peer_client, lead_client):
    missing = reverse("reviews:export_download", args=[review.pk, 999999])

    assert peer_client.get(missing).status_code == 403
    assert lead_client.get(missing).status_code == 404


def test_every_file_still_kept_is_listed_to_download_or_delete_however_many_and_only_the_last_few_gone(
    review, lead, challenge_manager, lead_client
):
    for number in range(9):
        export, _ = review_exports.request_export(
            review, lead, kind=ReviewExport.Kind.ACCESS_LOG, filters={"words": f"case-{number}"}
        )
        review_exports.write(export.pk)
    for number in range(7):
        export, _ = review_exports.request_export(
            review, challenge_manager, kind=ReviewExport.Kind.ACCESS_LOG, filters={"words": f"gone-{number}"}
        )
        review_exports.write(export.pk)
        review_exports.delete_now(export)
    waiting, _ = review_exports.request_export(review, lead, kind=ReviewExport.Kind.ACCESS_LOG)

    page = lead_client.get(reverse("access_log", args=[review.pk])).content.decode()

    kept = ReviewExport.objects.filter(status="done")
    assert kept.count() == 9
    for export in kept:
        assert reverse("reviews:export_delete", args=[review.pk, export.pk]) in page
    assert page.count("Deleted by the lead") == 5 and "Waiting for a worker" in page
    assert page.index("Waiting for a worker") < page.index("case-8") < page.index("case-0")


def test_one_person_keeps_at_most_ten_csvs_on_the_site_until_they_delete_one(review, lead, lead_client):
    for number in range(review_exports.MAX_KEPT_CSVS):
        export, _ = review_exports.request_export(
            review, lead, kind=ReviewExport.Kind.ACCESS_LOG, filters={"words": f"case-{number}"}
        )
        review_exports.write(export.pk)

    refused = ask(lead_client, review, {"words": "one more"})

    page = lead_client.get(refused["Location"]).content.decode()
    assert "You have 10 CSVs of this log on this site already. Delete one you have safe" in page
    assert ReviewExport.objects.count() == 10
    review_exports.delete_now(ReviewExport.objects.earliest("pk"))
    assert ask(lead_client, review, {"words": "one more"}).status_code == 302
    assert ReviewExport.objects.filter(status="queued").count() == 1
