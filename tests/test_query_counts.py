"""Every page a reviewer opens costs the same number of queries whatever the review holds.

One walk over every review-scoped page (found by the URL walker, so a new page is covered without being listed):
seed_scale's machinery builds a review of one of everything and one of 50 cases (each with 50 chronology events),
50 audits, 50 questionnaire responses and 50 findings, and every page is opened on both by their lead. A page
whose query count differs between the two has a query per row somewhere. The programme dashboard is counted with
the reviews of one council and again after another council's reviews are added.
"""

import random

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.models import CouncilAudit
from casemapping.models import Event
from focusgroups.models import Questionnaire
from reviews import scale
from reviews.models import Case

from .test_url_walker import fill, review_objects, review_scoped_routes

ROWS = 50
SIZES = scale.Sizes(cases=ROWS, events_per_case=ROWS, audits=ROWS, responses=ROWS, findings=ROWS, partners=6)
ONE = scale.Sizes(cases=1, events_per_case=1, audits=1, responses=2, findings=1, partners=3)
# Beyond this a page is doing too much before it draws anything.
MOST_QUERIES = 25


def count_queries(client, url: str) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    return response.status_code, len(captured.captured_queries)


def objects_in(review, lead) -> dict:
    """The walker's objects, with the case, audit and questionnaire swapped for seed_scale's, which hold the rows."""
    values = review_objects(review, lead)
    case = Case.objects.filter(review=review, reference__startswith="SC-").order_by("pk").first()
    questionnaire = Questionnaire.objects.filter(review=review, responses__isnull=False).order_by("pk").first()
    section = questionnaire.sections.order_by("order").first()
    values.update(
        case_id=case.pk,
        event_id=Event.objects.filter(case=case).order_by("sequence").first().pk,
        audit_id=CouncilAudit.objects.filter(review=review, case__reference__startswith="SC-").first().pk,
        questionnaire_id=questionnaire.pk,
        section_id=section.pk,
        question_id=section.questions.order_by("order").first().pk,
    )
    return values


@pytest.fixture
def national(db, monkeypatch):
    monkeypatch.setattr(scale, "SMALL", ONE)
    scale.build(
        scale.Scale(councils=1, reviews_per_council=2, sizes=SIZES, seed=7),
        password="query-count-password-1",
        totp_secret="GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ",
        report=lambda line: None,
    )
    return scale.large_review(), scale.small_review()


def test_every_review_page_costs_the_same_queries_at_one_row_and_at_fifty(
    national, client, django_user_model, settings
):
    large, small = national
    lead = django_user_model.objects.get(username=scale.LEAD_USERNAME)
    client.force_login(lead)
    on_large, on_small = objects_in(large, lead), objects_in(small, lead)
    growing, opened = [], []
    for route in review_scoped_routes():
        for values in (on_small, on_large):  # once first: a page may set up what it needs on its first view
            client.get(fill(route, values))
        status_small, small_count = count_queries(client, fill(route, on_small))
        status_large, large_count = count_queries(client, fill(route, on_large))
        if status_small != 200 or status_large != 200:
            continue  # a form's POST-only address, or a page this role may not open
        opened.append(route)
        if large_count != small_count:
            growing.append(f"{route}: {small_count} queries at one row, {large_count} at {ROWS}")

    # As the site runs: figures derived from the review are kept until it changes, so a page seen again is counted.
    settings.DERIVED_FIGURES_SECONDS = 900
    heavy = []
    for route in opened:
        client.get(fill(route, on_large))
        _, count = count_queries(client, fill(route, on_large))
        if count > MOST_QUERIES:
            heavy.append(f"{route}: {count} queries")

    assert len(opened) >= 60, f"only {len(opened)} pages opened for the lead"
    assert not growing, "Query counts that grow with the rows:\n" + "\n".join(growing)
    assert not heavy, f"Pages over {MOST_QUERIES} queries seen again:\n" + "\n".join(heavy)


def test_the_programme_dashboard_costs_the_same_queries_for_more_reviews(national, client, django_user_model, settings):
    manager = django_user_model.objects.get(username=scale.PROGRAMME_USERNAME)
    client.force_login(manager)
    urls = [reverse("reviews:programme"), reverse("reviews:programme_csv")]
    for url in urls:
        client.get(url)  # once first, so nothing is counted that a process does only once
    before = [count_queries(client, url) for url in urls]
    scale._reviews([2, 3], 2, ONE, random.Random(1))
    after = [count_queries(client, url) for url in urls]
    settings.DERIVED_FIGURES_SECONDS = 900
    for url in urls:
        client.get(url)
    seen_again = [count_queries(client, url)[1] for url in urls]

    assert [status for status, _ in before] == [200] * len(urls)
    assert before == after
    assert max(seen_again) <= MOST_QUERIES
