import io

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from focusgroups import distribution, services, stage
from focusgroups.library import ensure_library
from focusgroups.models import (
    Answer,
    Code,
    Coding,
    FocusGroup,
    Question,
    Questionnaire,
    Response,
    SafeguardingAlert,
    Section,
    Segment,
)
from reviews import stages
from reviews.baseline import baseline_context
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import Review

from ..factories import ReviewFactory
from .conftest import add_responses, make_code, make_group, make_questionnaire, make_segment


def test_the_stage_is_registered_with_its_hooks():
    registered = stages.get("focus-groups")

    assert registered.progress is stage.progress
    assert registered.progress_many is stage.progress_many
    assert registered.report_section is stage.report_section
    assert registered.demo is not None


def test_a_review_without_questionnaires_or_groups_has_not_started(review):
    assert stage.progress(review).summary == "No questionnaires or focus groups yet"
    assert stage.progress(review).status == "Not started"


def test_progress_counts_questionnaires_open_responses_against_expected_and_groups_coded(review, peer):
    questionnaire = make_questionnaire(review)
    make_questionnaire(review, title="Closed one").responses.all()
    Questionnaire.objects.filter(title="Closed one").update(opens_on=None)
    police = make_segment(review, "Police", expected=30)
    make_segment(review, "Health", expected=20)
    unexpected = make_segment(review, "Volunteers")  # no expected figure: its responses are not measured
    add_responses(questionnaire, values=[4, 5, 3])
    add_responses(questionnaire, segment=police, values=[4, 2])
    add_responses(questionnaire, segment=unexpected, values=[5])
    coded = make_group(review, title="Coded")
    make_group(review, title="Not coded")
    services.code_passage(group=coded, code=make_code(review), start=0, end=5, coder=peer, version=1)

    progress = stage.progress(review)

    assert progress.summary == (
        "1 of 2 questionnaires open, 0 closed, 6 responses (of the 50 expected from agencies and teams: "
        "2 answered “Staff health check”); "
        "2 focus groups held, 1 coded"
    )
    # Units: each questionnaire done once closed (neither is: one open with 3 responses, one not opened yet) and
    # each focus group once coded. Responses alone no longer count a questionnaire done.
    assert (progress.done, progress.total, progress.status) == (1, 4, "In progress")


def test_progress_for_many_reviews_runs_the_same_queries_for_one_and_for_ten(db):
    reviews = [ReviewFactory() for _ in range(10)]
    for review in reviews:
        add_responses(make_questionnaire(review), values=[4])
        make_group(review)

    with CaptureQueriesContext(connection) as one:
        stage.progress_many(reviews[:1])
    with CaptureQueriesContext(connection) as ten:
        result = stage.progress_many(reviews)

    assert len(one) == len(ten) == 3
    assert set(result) == {review.pk for review in reviews}


def test_the_report_section_shows_responses_themes_and_codes_with_no_small_group(review, peer):
    staff = make_questionnaire(review)
    tiny = make_questionnaire(review, title="Tiny")
    partners = make_questionnaire(review, title="Partners")
    add_responses(staff, values=[5, 4, 4, 2, 1, 5])
    add_responses(tiny, values=[5, 4])
    add_responses(partners, values=[5, 5, 5, 5, 5])
    group = make_group(review)
    services.code_passage(group=group, code=make_code(review, "Caseloads"), start=0, end=5, coder=peer, version=1)

    html = next(s["html"] for s in baseline_context(review)["sections"] if s["stage"].slug == "focus-groups")

    assert '<th scope="row">Staff health check</th><td>Staff</td><td>6</td>' in html
    # A whole questionnaire's number of responses is never suppressed, nor is one questionnaire's count hidden
    # because another is small: suppression belongs within one table of one questionnaire's results.
    assert '<th scope="row">Tiny</th><td>Staff</td><td>2</td>' in html
    assert '<th scope="row">Partners</th><td>Staff</td><td>5</td>' in html
    assert "<svg" in html and "Positive answers by theme" in html
    assert '<th scope="row">Caseloads</th><td>1</td>' in html


def test_a_lead_copies_a_library_questionnaire_into_the_review(review, lead_client):
    library = ensure_library()

    response = lead_client.post(
        f"/reviews/{review.pk}/focus-groups/questionnaires/copy/", {"questionnaire": library[0].pk}
    )

    copy = Questionnaire.objects.get(review=review)
    assert response.status_code == 302
    assert (copy.title, copy.source, copy.opens_on) == ("Staff health check", library[0], None)
    assert copy.token and len(copy.token) >= 32
    assert Question.objects.filter(section__questionnaire=copy).count() == 10
    assert not Question.objects.filter(section__questionnaire=copy, theme__isnull=True).exclude(kind="single").exists()


def test_a_review_questionnaire_cannot_be_copied_as_if_from_the_library(review, other_review, lead_client):
    elsewhere = make_questionnaire(other_review)

    lead_client.post(f"/reviews/{review.pk}/focus-groups/questionnaires/copy/", {"questionnaire": elsewhere.pk})

    assert not Questionnaire.objects.filter(review=review).exists()


def test_childrens_versions_share_core_questions(db):
    ensure_library()

    younger = set(
        Question.objects.filter(section__questionnaire__age_band="8-11")
        .exclude(core_key="")
        .values_list("core_key", flat=True)
    )
    older = set(
        Question.objects.filter(section__questionnaire__age_band="11-17")
        .exclude(core_key="")
        .values_list("core_key", flat=True)
    )

    assert younger == older == {"feel-safe", "listened-to", "know-worker", "how-often", "make-better"}


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True


def counts() -> dict[str, int]:
    models = [Questionnaire, Section, Question, Segment, Response, Answer, SafeguardingAlert, FocusGroup, Code, Coding]
    return {model.__name__: model.objects.count() for model in models}


@pytest.mark.django_db
def test_seed_demo_adds_responses_and_three_coded_focus_groups_once(demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == first
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)
    assert Response.objects.filter(questionnaire__review=northmoor).count() == 280
    assert northmoor.focus_groups.count() == 3
    assert not northmoor.focus_groups.filter(codings__isnull=True).exists()
    assert first["Coding"] == 8
    assert first["SafeguardingAlert"] >= 2
    assert Questionnaire.objects.filter(review__isnull=True).count() == 5
    assert all(q.is_open() for q in northmoor.questionnaires.all())
    # Staff and partners each answer their own questionnaire, by segment, and no segment passes its number.
    rates = distribution.review_rates(northmoor, 5)
    assert [questionnaire.audience for questionnaire, _ in rates] == ["partners", "staff"]
    assert [[rate.name for rate in of.rows[:-1] if rate.responses] for _, of in rates] == [
        ["Health", "Police", "Schools"],
        ["Children's social care: front door", "Children's social care: safeguarding teams"],
    ]
    assert not [rate.name for _, of in rates for rate in [*of.rows, of.total] if rate.more_than_expected]


@pytest.mark.parametrize(
    "url",
    [
        "/admin/focusgroups/questionnaire/",
        "/admin/focusgroups/questionnaire/add/",
        "/admin/focusgroups/section/",
        "/admin/focusgroups/segment/",
        "/admin/focusgroups/questionnairesettings/",
        "/admin/focusgroups/code/",
        "/admin/focusgroups/focusgroup/",
        "/admin/focusgroups/safeguardingalert/",
    ],
)
def test_the_admin_configures_the_library(url, admin_client, review):
    ensure_library()

    response = admin_client.get(url)

    assert response.status_code == 200
