"""The access log: complete by one rule, append-only in the database, and readable by the people it concerns."""

import csv
import datetime
import io
import re

import pytest
from django.db import DatabaseError, connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from reviews import review_exports
from reviews.access import NOT_LOGGED
from reviews.access_views import MAX_LISTED
from reviews.models import AccessLog, ReviewExport

from ..factories import CaseFactory, ReviewFactory
from ..test_url_walker import fill, objects, review_scoped_routes, walk  # noqa: F401 (objects is a fixture)

pytestmark = pytest.mark.django_db


# One rule, so no page can be forgotten


def test_no_page_under_a_review_and_no_admin_page_is_left_out_of_the_log():
    left_out = {route: getattr(pattern.callback, NOT_LOGGED, None) for route, pattern in walk()}
    left_out = {route: reason for route, reason in left_out.items() if reason is not None}

    assert left_out, "the glossary and the accessibility statement say why they are not logged"
    assert all(isinstance(reason, str) and len(reason) > 10 for reason in left_out.values())
    assert not [route for route in left_out if route.startswith("reviews/<int:review_id>/")]
    assert not [route for route in left_out if route.startswith("admin/")]


SECRET_PARAMETERS = {"token", "code", "uidb64"}


def test_no_address_that_carries_a_secret_is_ever_logged():
    """A ballot card's code, a questionnaire's link and an invitation's token are secrets: logging the path
    beside a signed-in person would link a vote or an anonymous answer to them."""
    carrying = {route: pattern for route, pattern in walk() if SECRET_PARAMETERS & set(pattern.pattern.converters)}

    assert {"vote/ballot/<str:code>/", "q/<str:token>/"} <= set(carrying)
    assert [route for route, pattern in carrying.items() if not getattr(pattern.callback, NOT_LOGGED, None)] == []


def test_a_signed_in_person_answering_a_questionnaire_or_voting_leaves_no_entry(lead_client):
    lead_client.get("/q/some-questionnaire-token/")
    lead_client.get("/vote/ballot/ABCDEFGH/")

    assert not AccessLog.objects.exists()


def test_every_page_a_member_reads_under_a_review_is_logged_once_with_its_review_and_address(
    objects,  # noqa: F811
    review,
    lead,
    lead_client,
):
    opened = 0
    for route in review_scoped_routes():
        url = fill(route, objects)
        before = AccessLog.objects.count()
        response = lead_client.get(url)
        if response.status_code != 200:
            assert AccessLog.objects.count() == before, f"{url} answered {response.status_code} and was logged"
            continue
        opened += 1
        assert AccessLog.objects.count() == before + 1, url
        entry = AccessLog.objects.latest("pk")
        assert (entry.user, entry.review_id, entry.path, entry.address) == (lead, review.pk, url, "127.0.0.1"), url
        assert entry.view_name == response.resolver_match.view_name, url

    assert opened > 100


def test_the_object_an_address_names_is_recorded_with_the_words_of_the_page(review, case, lead_client):
    lead_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))

    entry = AccessLog.objects.get()
    assert (entry.object_kind, entry.object_id, entry.action) == ("case", case.pk, AccessLog.Action.VIEW)
    assert entry.target == f"Case {case.reference}"


def test_a_download_is_logged_as_a_download(review, lead_client):
    response = lead_client.get(reverse("interviews:calendar", args=[review.pk]))

    assert response.status_code == 200
    assert AccessLog.objects.get().action == AccessLog.Action.DOWNLOAD


def test_writes_refusals_and_strangers_are_not_logged(review, case, lead_client, observer_client, outsider_client):
    lead_client.post(reverse("casemapping:case_detail", args=[review.pk, case.pk]))
    observer_client.post(reverse("casemapping:case_edit", args=[review.pk, case.pk]), {"reference": "X"})
    outsider_client.get(reverse("casemapping:case_detail", args=[review.pk, case.pk]))

    assert not AccessLog.objects.exists()


def test_an_admin_reading_a_case_in_the_admin_is_logged(case, admin_client, admin_user):
    response = admin_client.get(reverse("admin:reviews_case_change", args=[case.pk]))

    assert response.status_code == 200
    entry = AccessLog.objects.get()
    assert (entry.user, entry.object_kind, entry.object_id) == (admin_user, "reviews_case", case.pk)
    assert entry.review is None


def test_the_address_is_the_one_the_trusted_proxy_saw(review, lead_client, settings):
    settings.TRUSTED_PROXY_COUNT = 1

    lead_client.get(reverse("reviews:overview", args=[review.pk]), HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")

    assert AccessLog.objects.get().address == "203.0.113.9"


@pytest.mark.parametrize(
    ("forwarded", "kept"),
    [("203.0.113.9:51234", "203.0.113.9"), ("[2001:db8::1]:443", "2001:db8::1"), ("2001:db8::2", "2001:db8::2")],
)
def test_a_port_the_proxy_appended_is_dropped(review, lead_client, settings, forwarded, kept):
    settings.TRUSTED_PROXY_COUNT = 1

    lead_client.get(reverse("reviews:overview", args=[review.pk]), HTTP_X_FORWARDED_FOR=forwarded)

    assert AccessLog.objects.get().address == kept


@pytest.mark.parametrize("forwarded", ["not-an-address", "999.1.1.1", "<script>", "1.2.3.4:http"])
def test_an_address_that_is_not_one_is_logged_as_unknown_and_the_page_still_answers(
    review, lead_client, settings, forwarded
):
    settings.TRUSTED_PROXY_COUNT = 1

    response = lead_client.get(reverse("reviews:overview", args=[review.pk]), HTTP_X_FORWARDED_FOR=forwarded)

    assert response.status_code == 200
    assert AccessLog.objects.get().address is None


# Append-only


def test_the_database_refuses_to_change_or_delete_an_entry(review, lead, postgresql):
    """The trigger is PostgreSQL's (migration 0017): the quick start on SQLite has none."""
    entry = AccessLog.objects.record(user=lead, review=review, action=AccessLog.Action.VIEW, target="Case A1")

    for attempt in (
        lambda: AccessLog.objects.filter(pk=entry.pk).update(target="Nothing to see"),
        lambda: AccessLog.objects.filter(pk=entry.pk).delete(),
        lambda: AccessLog.objects.filter(pk=entry.pk).update(review=None, target="Nothing"),
    ):
        with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
            attempt()

    entry.refresh_from_db()
    assert (entry.target, entry.review) == ("Case A1", review)


def test_deleting_a_review_keeps_its_entries_without_the_review(lead):
    doomed = ReviewFactory()
    AccessLog.objects.record(user=lead, review=doomed, action=AccessLog.Action.VIEW, target="Case A1")

    doomed.delete()

    assert AccessLog.objects.get().review is None


def test_no_role_may_change_or_delete_entries_in_the_admin(review, lead, admin_client):
    entry = AccessLog.objects.record(user=lead, review=review, action=AccessLog.Action.VIEW, target="Case A1")

    assert admin_client.get(reverse("admin:reviews_accesslog_delete", args=[entry.pk])).status_code in {302, 403}
    assert admin_client.post(reverse("admin:reviews_accesslog_change", args=[entry.pk]), {}).status_code == 403
    assert AccessLog.objects.filter(pk=entry.pk, target="Case A1").exists()


# Reading it


def _log(user, review, target):
    return AccessLog.objects.create(user=user, review=review, action=AccessLog.Action.VIEW, target=target, path="/x/")


def _log_at(user, review, target, at):
    """Backdated as it is written: the trigger allows no later change."""
    return AccessLog.objects.create(user=user, review=review, action=AccessLog.Action.VIEW, target=target, at=at)


def test_the_lead_reads_who_saw_what_in_their_review_only(review, other_review, lead, peer, lead_client):
    _log(peer, review, "Case NM-004")
    _log(peer, other_review, "Case ELSEWHERE-1")

    page = lead_client.get(reverse("access_log", args=[review.pk])).content.decode()

    assert "Case NM-004" in page
    assert "ELSEWHERE" not in page


def test_only_the_reviews_leads_may_read_its_log(review, peer_client, challenge_client, observer_client):
    url = reverse("access_log", args=[review.pk])

    assert peer_client.get(url).status_code == 403
    assert observer_client.get(url).status_code == 403
    assert challenge_client.get(url).status_code == 200


def test_the_reviews_safeguarding_lead_reads_its_log_too_and_finds_it_in_the_navigation(
    review, peer, peer_client, sponsor_client
):
    from focusgroups.models import QuestionnaireSettings

    url = reverse("access_log", args=[review.pk])
    assert peer_client.get(url).status_code == 403
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=peer)

    overview = peer_client.get(reverse("reviews:overview", args=[review.pk])).content.decode()

    assert peer_client.get(url).status_code == 200
    assert f'href="{url}"' in overview
    assert sponsor_client.get(url).status_code == 403


def test_the_log_filters_by_person_words_action_and_dates(review, lead, peer, sponsor, lead_client):
    now = timezone.now()
    _log_at(peer, review, "Case NM-004", now - datetime.timedelta(days=10))
    _log_at(peer, review, "Case NM-005", now)
    _log_at(sponsor, review, "Case NM-004", now)
    url = reverse("access_log", args=[review.pk])
    today = timezone.localdate().isoformat()

    by_person = lead_client.get(url, {"person": peer.pk}).context["page"].object_list
    by_words = lead_client.get(url, {"words": "nm-004"}).context["page"].object_list
    by_date = lead_client.get(url, {"start": today, "end": today, "words": "NM-004"}).context["page"].object_list

    assert {entry.target for entry in by_person} == {"Case NM-004", "Case NM-005"}
    assert {(entry.user, entry.target) for entry in by_words} == {(peer, "Case NM-004"), (sponsor, "Case NM-004")}
    assert [(entry.user, entry.target) for entry in by_date] == [(sponsor, "Case NM-004")]


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ({"start": "31/02/2027"}, "Enter the first day to show as a real date, for example 27/3/2027."),
        ({"end": "yesterday"}, "Enter the last day to show as a real date, for example 27/3/2027."),
        ({"start": "2027-03-09", "end": "2027-03-08"}, "The last date must be the same as or after the first date."),
        ({"end": "9999-12-31"}, "Enter a date from 2000 to 2100."),
        ({"start": "0001-01-01"}, "Enter a date from 2000 to 2100."),
        ({"person": "999999"}, "a person"),
        ({"person": "not-a-number"}, "a person"),
        ({"action": "delete"}, "an action"),
        ({"words": "x" * 101}, "Enter at most 100 characters in What was read."),
    ],
)
def test_a_filter_that_cannot_be_applied_says_what_is_wrong_and_shows_the_whole_log(
    review, peer, lead_client, query, message
):
    _log(peer, review, "Case NM-004")

    response = lead_client.get(reverse("access_log", args=[review.pk]), query)

    assert response.status_code == 200
    assert message in response.content.decode()
    assert "Case NM-004" in response.content.decode()


def test_a_date_far_off_fails_nothing_on_either_page_or_download(review, lead_client):
    # Out of range, the pages say so; a download says so too rather than give the log unfiltered.
    far_off = {"end": "9999-12-31", "start": "0001-01-01"}
    for response, status in (
        (lead_client.get(reverse("access_log", args=[review.pk]), far_off), 200),
        (lead_client.post(reverse("access_log_export", args=[review.pk]), far_off), 400),
        (lead_client.get(reverse("access_history"), far_off), 200),
        (lead_client.get(reverse("access_history_csv"), far_off), 400),
    ):
        assert (response.status_code, "Enter a date from 2000 to 2100" in response.content.decode()) == (status, True)


def test_ones_own_history_is_written_as_it_is_read_not_gathered_first(review, lead, lead_client):
    _log(lead, review, "Case NM-004")
    chunks = iter(lead_client.get(reverse("access_history_csv")).streaming_content)

    with CaptureQueriesContext(connection) as header_only:
        header = next(chunks)
    with CaptureQueriesContext(connection) as rows:
        rest = b"".join(chunks)

    assert header.startswith(b"When,Person,")
    assert not any("reviews_accesslog" in query["sql"] for query in header_only.captured_queries)
    assert any("reviews_accesslog" in query["sql"] for query in rows.captured_queries)
    assert rest


def test_a_download_of_ones_history_with_a_filter_that_cannot_be_read_shows_the_message(lead_client):
    response = lead_client.get(reverse("access_history_csv"), {"start": "27/3/26"})

    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "Enter the first day to show as a real date" in response.content.decode()


def test_a_person_reads_their_own_history_across_reviews_and_nobody_elses(
    review, other_review, lead, peer, lead_client
):
    _log(lead, review, "Case NM-004")
    _log(lead, other_review, "Case OTHER-1")
    _log(peer, review, "Case PEER-ONLY")

    page = lead_client.get(reverse("access_history")).content.decode()
    exported = b"".join(lead_client.get(reverse("access_history_csv")).streaming_content).decode()

    assert "Case NM-004" in page and "Case OTHER-1" in page
    assert "PEER-ONLY" not in page and "PEER-ONLY" not in exported
    assert "Case OTHER-1" in exported
    assert not AccessLog.objects.filter(view_name="access_history").exists()


def test_the_log_page_takes_a_constant_number_of_queries(review, peer, sponsor, lead_client):
    url = reverse("access_log", args=[review.pk])
    _log(peer, review, "Case NM-001")
    with CaptureQueriesContext(connection) as one:
        lead_client.get(url)
    for number in range(49):
        _log(sponsor if number % 2 else peer, review, f"Case NM-{number + 2:03}")
    with CaptureQueriesContext(connection) as fifty:
        lead_client.get(url)

    assert len(fifty.captured_queries) == len(one.captured_queries)


def test_a_case_from_another_review_is_not_in_this_reviews_log(review, other_review, lead, lead_client):
    elsewhere = CaseFactory(review=other_review)

    lead_client.get(reverse("casemapping:case_detail", args=[other_review.pk, elsewhere.pk]))

    assert not AccessLog.objects.exists()


def test_administrators_filter_the_whole_log_by_review_and_kind_in_the_admin(review, other_review, lead, admin_client):
    AccessLog.objects.create(user=lead, review=review, action="view", target="Case NM-004", object_kind="case")
    AccessLog.objects.create(user=lead, review=other_review, action="view", target="Case OTHER-9", object_kind="case")

    url = reverse("admin:reviews_accesslog_changelist")
    page = admin_client.get(url, {"review__id__exact": review.pk, "object_kind": "case"}).content.decode()

    assert "Case NM-004" in page
    assert "OTHER-9" not in page


def test_a_long_log_links_to_the_first_last_and_nearby_pages_only(review, peer, lead_client):
    AccessLog.objects.bulk_create(
        AccessLog(user=peer, review=review, action=AccessLog.Action.VIEW, target=f"Case NM-{n:04d}")
        for n in range(30 * 50)
    )

    page = lead_client.get(reverse("access_log", args=[review.pk]), {"page": 15}).content.decode()

    pagination = page.split('<nav class="govuk-pagination"')[1].split("</nav>")[0]
    numbers = [int(n) for n in re.findall(r'aria-label="Page (\d+)"', pagination)]
    assert numbers == [1, 14, 15, 16, 30]  # 1,500 entries: 30 pages of 50
    assert pagination.count("govuk-pagination__item--ellipses") == 2
    assert 'aria-label="Page 15" aria-current="page"' in pagination
    assert 'href="?page=14" rel="prev"' in pagination and 'href="?page=16" rel="next"' in pagination


def test_a_log_longer_than_its_pages_reach_lists_the_newest_and_finds_older_entries_by_date(review, peer, lead_client):
    """A log grows with every page anyone reads: its pages reach the newest MAX_LISTED entries and count no more, so
    a page costs the same at a million entries; older entries are found by the dates, and the CSV holds them all."""
    start = timezone.now() - datetime.timedelta(days=30)
    AccessLog.objects.bulk_create(
        AccessLog(
            user=peer,
            review=review,
            action=AccessLog.Action.VIEW,
            target=f"Case NM-{n:04d}",
            at=start + datetime.timedelta(minutes=n),
        )
        for n in range(MAX_LISTED + 1)
    )
    url = reverse("access_log", args=[review.pk])

    first = lead_client.get(url).content.decode()
    last = lead_client.get(url, {"page": 10**6}).content.decode()
    end = (start + datetime.timedelta(days=1)).date().isoformat()
    oldest = lead_client.get(url, {"end": end, "page": 10**6}).content.decode()  # the last page of those dates
    lead_client.post(reverse("access_log_export", args=[review.pk]))
    export = ReviewExport.objects.get()
    review_exports.write(export.pk)
    export.refresh_from_db()
    download = lead_client.get(reverse("reviews:export_download", args=[review.pk, export.pk]))
    rows = list(csv.reader(io.StringIO(b"".join(download.streaming_content).decode())))

    assert f"More than {MAX_LISTED:,} entries match: the newest {MAX_LISTED:,} are listed here" in first
    assert f"The newest {MAX_LISTED:,} entries" in first
    last_page = MAX_LISTED // 50
    assert f'aria-label="Page {last_page}"' in first and f'aria-label="Page {last_page + 1}"' not in first
    # The deepest page ends at the limit: the oldest entry (NM-0000) and the next (NM-0001) lie beyond it.
    assert "Case NM-0002" in last and "Case NM-0001" not in last and "Case NM-0000" not in last
    assert "Case NM-0000" in oldest and "More than" not in oldest  # the dates reach it
    assert 'href="#id_start">choose the dates</a>' in first and 'id="id_start"' in first
    assert len(rows) == 1 + MAX_LISTED + 1 + 3  # the header, every entry and the lead's three pages


def test_a_log_of_fewer_entries_than_its_pages_reach_counts_them_all(review, peer, lead_client):
    _log(peer, review, "Case NM-004")

    page = lead_client.get(reverse("access_log", args=[review.pk])).content.decode()

    assert "1 entry, newest first" in page and "More than" not in page
