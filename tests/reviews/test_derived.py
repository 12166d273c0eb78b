"""Figures derived from a review are worked out once and kept (reviews/derived.py): a second view of the overview
costs fewer queries, and any change through the site (a member's form, an anonymous answer, Django admin) is seen
on the next view."""

import html
import warnings

import pytest
from django.core.cache.backends.base import CacheKeyWarning
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from focusgroups.models import Question, QuestionnaireSettings
from reviews import derived, stages
from reviews.models import Case, Role
from selfassessment.models import DocumentRequest

from ..factories import CaseFactory, MembershipFactory, ReviewFactory
from ..focusgroups.conftest import make_questionnaire, question


@pytest.fixture(autouse=True)
def keep_figures(settings):
    settings.DERIVED_FIGURES_SECONDS = 900


def mapping_total(client, review) -> int:
    rows = client.get(reverse("reviews:overview", args=[review.pk])).context["stage_rows"]
    return next(row["progress"].total for row in rows if row["stage"].slug == "case-mapping")


def test_the_overview_keeps_its_figures_and_a_second_view_costs_fewer_queries(review, lead_client):
    url = reverse("reviews:overview", args=[review.pk])
    with CaptureQueriesContext(connection) as first:
        lead_client.get(url)
    with CaptureQueriesContext(connection) as second:
        lead_client.get(url)
    assert len(second) < len(first)


def test_a_case_added_through_the_site_is_counted_on_the_next_view(review, lead_client):
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    CaseFactory(review=review)  # straight into the database: the kept figure stands until the site changes it
    assert mapping_total(lead_client, review) == 1

    response = lead_client.post(
        reverse("casemapping:case_create", args=[review.pk]),
        {"reference": "C-99", "age_band": "5-9", "legal_status": "cin"},
    )

    assert response.status_code == 302 and Case.objects.filter(review=review).count() == 3
    assert mapping_total(lead_client, review) == 3


def test_a_refused_form_still_leaves_the_figures_right(review, lead_client):
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    lead_client.post(reverse("casemapping:case_create", args=[review.pk]), {"reference": "", "age_band": "5-9"})
    assert mapping_total(lead_client, review) == 1


def test_an_anonymous_answer_is_in_the_results_on_the_next_view(review, lead_client):
    questionnaire = make_questionnaire(review, title="Staff survey", audience="staff")
    scale = question(questionnaire, Question.Kind.AGREE)
    url = questionnaire.get_absolute_url()

    def answered() -> int:
        tables = lead_client.get(url).context["results"]
        return sum(row["cells"][-1] for table, _ in tables for row in table.rows if not table.suppressed)

    before = answered()
    Client().post(f"/q/{questionnaire.token}/", {f"q{scale.pk}": "4"})

    assert lead_client.get(url).context["response_count"] == 1
    tables = lead_client.get(url).context["results"]
    assert tables[0][0].question == scale
    assert answered() >= before


def test_the_results_html_shows_an_anonymous_answer_on_the_next_view(review, lead_client):
    QuestionnaireSettings.objects.update_or_create(review=review, defaults={"minimum_group": 2})
    questionnaire = make_questionnaire(review, title="Staff survey", audience="staff")
    scale = question(questionnaire, Question.Kind.AGREE)
    url = questionnaire.get_absolute_url()

    def respondents_cells() -> str:
        page = lead_client.get(url).content.decode()
        return page.split(">Respondents</th>", 1)[1].split("</tr>", 1)[0]

    for value in ("4", "5"):
        Client().post(f"/q/{questionnaire.token}/", {f"q{scale.pk}": value})
    assert ">2</td>" in respondents_cells()
    Client().post(f"/q/{questionnaire.token}/", {f"q{scale.pk}": "3"})

    assert ">3</td>" in respondents_cells()


def test_a_change_to_another_review_leaves_this_reviews_figures_kept(review, other_review, lead_client):
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    derived.changed(other_review.pk)
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    derived.changed(review.pk)
    assert mapping_total(lead_client, review) == 2


def test_a_change_in_django_admin_works_every_reviews_figures_out_again(review, lead_client, admin_user):
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    CaseFactory(review=review)
    admin = Client()
    admin.force_login(admin_user)

    admin.post(reverse("admin:reviews_council_add"), {"name": "", "ons_code": "bad"})  # refused, but a change tried

    assert mapping_total(lead_client, review) == 2


def test_the_comparison_is_worked_out_again_when_the_earlier_review_changes(review, lead_client, lead):
    earlier = ReviewFactory(council=review.council, framework=review.framework, grade_scale=review.grade_scale)
    review.previous_review = earlier
    review.save()
    url = reverse("reviews:comparison", args=[review.pk])
    first = lead_client.get(url).context["comparison"]
    derived.changed(earlier.pk)
    with CaptureQueriesContext(connection) as again:
        second = lead_client.get(url).context["comparison"]
    with CaptureQueriesContext(connection) as kept:
        lead_client.get(url)
    assert [item.stage.slug for item in first.stages] == [item.stage.slug for item in second.stages]
    assert len(kept) < len(again)


def test_with_no_time_to_keep_figures_they_are_worked_out_on_every_view(review, lead_client, settings):
    settings.DERIVED_FIGURES_SECONDS = 0
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 1
    CaseFactory(review=review)
    assert mapping_total(lead_client, review) == 2


def test_the_programme_works_out_only_the_reviews_that_changed(review, other_review, lead_client):
    from django.utils import timezone

    from reviews import programme

    def mapped_totals() -> dict[int, int]:
        reviews = list(programme.reviews_queryset().filter(pk__in=[review.pk, other_review.pk]))
        rows = programme.build_rows(reviews, timezone.localdate())
        index = [s.slug for s in stages.all_stages()].index("case-mapping")
        return {row.review.pk: row.progress[index].total for row in rows}

    CaseFactory(review=review)
    CaseFactory(review=other_review)
    assert mapped_totals() == {review.pk: 1, other_review.pk: 1}
    CaseFactory(review=review)
    CaseFactory(review=other_review)
    assert mapped_totals() == {review.pk: 1, other_review.pk: 1}  # kept

    lead_client.post(
        reverse("casemapping:case_create", args=[review.pk]),
        {"reference": "C-98", "age_band": "5-9", "legal_status": "cin"},
    )

    assert mapped_totals() == {review.pk: 3, other_review.pk: 1}  # only the review written to is worked out again
    with CaptureQueriesContext(connection) as kept:
        mapped_totals()
    derived.changed(review.pk)
    with CaptureQueriesContext(connection) as one_changed:
        mapped_totals()
    assert len(kept) < len(one_changed)


def test_the_programme_page_and_its_exports_are_kept_until_a_review_changes(review, other_review, programme_client):
    from reviews.models import Council

    page, csv = reverse("reviews:programme"), reverse("reviews:programme_csv")
    assert "Led by" not in programme_client.get(page).content.decode()
    programme_client.get(csv)
    Council.objects.filter(pk=review.council_id).update(name="Renamed By Hand Council")  # no signal, no request
    assert "Renamed By Hand Council" not in programme_client.get(page).content.decode()
    # Parameters the filters do not know, or a page that is not a number, are the same page: no new copy to keep.
    odd = programme_client.get(page, {"utm_source": "x" * 500, "page": "first"}).content.decode()
    assert "Renamed By Hand Council" not in odd
    assert "Renamed By Hand Council" not in programme_client.get(csv).content.decode()

    # A lead joining anywhere (an invitation accepted names no review in its address) changes their review.
    MembershipFactory(review=other_review, role=Role.LEAD, user__first_name="Imani", user__last_name="Okafor")

    body = programme_client.get(page).content.decode()
    assert "Led by Imani Okafor" in body and "Renamed By Hand Council" in body
    assert "Imani Okafor" in programme_client.get(csv).content.decode()


def test_the_programme_page_is_kept_for_each_filter_and_page_on_its_own(review, other_review, programme_client):
    page = reverse("reviews:programme")
    everything = html.unescape(programme_client.get(page).content.decode())
    searched = html.unescape(programme_client.get(page, {"q": "Otherton"}).content.decode())
    assert review.title in everything and other_review.title in everything
    assert other_review.title in searched and review.title not in searched


def tasks_on_home(client) -> list[str]:
    return [task.kind for task in client.get(reverse("reviews:list")).context["tasks"]]


def test_my_reviews_keeps_its_progress_and_tasks_and_a_second_view_costs_fewer_queries(review, lead_client):
    url = reverse("reviews:list")
    with CaptureQueriesContext(connection) as first:
        lead_client.get(url)
    with CaptureQueriesContext(connection) as second:
        lead_client.get(url)
    assert len(second) < len(first)


def test_a_childs_answer_that_raises_an_alert_is_a_task_on_the_next_view(review, lead, lead_client):
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    safe = question(questionnaire, Question.Kind.AGREE)
    assert "Safeguarding alert to acknowledge" not in tasks_on_home(lead_client)

    Client().post(f"/q/{questionnaire.token}/", {f"q{safe.pk}": "1"})

    assert "Safeguarding alert to acknowledge" in tasks_on_home(lead_client)


def test_a_request_assigned_through_the_site_is_a_task_on_the_next_view(
    review, lead_client, contributor, contributor_client
):
    assert tasks_on_home(contributor_client) == []
    lead_client.post(
        reverse("selfassessment:request_create", args=[review.pk]),
        {"title": "Workforce data", "due_date": "1/3/2030", "assignee": contributor.pk},
    )
    assert DocumentRequest.objects.filter(review=review, assignee=contributor).exists()
    assert tasks_on_home(contributor_client) == ["Document request"]


def test_tasks_across_many_reviews_are_kept_under_a_key_caches_accept(lead, lead_client):
    for number in range(30):
        MembershipFactory(review=ReviewFactory(title=f"Review {number}"), user=lead, role=Role.LEAD)
    with warnings.catch_warnings():
        warnings.simplefilter("error", CacheKeyWarning)  # a key longer than 250 characters
        first = lead_client.get(reverse("reviews:list"))
        again = lead_client.get(reverse("reviews:list"))
    assert first.status_code == again.status_code == 200
    assert len(again.context["rows"]) == 31
