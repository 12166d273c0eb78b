import datetime
import io

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from casemapping.models import Event, LearningPoint, Workshop, WorkshopAgency
from casemapping.stage import progress
from reviews.baseline import baseline_context
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import Report, Review
from reviews.services import build_report_pdf

D = datetime.date


def test_progress_counts_the_sample_the_mapped_cases_and_the_workshops(review, case, workshop):
    from ..factories import CaseFactory

    CaseFactory(review=review, reference="C-002")

    result = progress(review)

    assert (result.done, result.total, result.summary) == (1, 2, "2 cases in the sample, 1 mapped, 1 workshop held")


def test_the_baseline_report_gives_a_line_per_case_and_leaves_chronologies_to_the_pack(
    review, case, workshop, add_event
):
    add_event(case, D(2025, 2, 5), "strategy-discussion")
    add_event(case, D(2025, 3, 5), "initial-cp-conference")
    report = Report.objects.create(review=review, kind=Report.Kind.BASELINE, version=1)

    context = baseline_context(review)
    pdf = build_report_pdf(report)

    section = next(item for item in context["sections"] if item["stage"].slug == "case-mapping")
    assert "app-timeline" not in section["html"] and "Chronology of case" not in section["html"]
    assert '<th scope="row">C-001</th>' in section["html"]
    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Compliance per rule" in text
    assert "Initial child protection conference" in text  # the timescale this case missed, on its line
    assert "Case C-001: multi-agency timeline" not in text


def test_the_case_mapping_pack_has_a_page_per_mapped_case_with_its_timeline(review, case, workshop, add_event):
    add_event(case, D(2025, 2, 5), "strategy-discussion")
    add_event(case, D(2025, 3, 5), "initial-cp-conference")
    report = Report.objects.create(review=review, kind=Report.Kind.CASE_MAPPING_PACK, version=1)

    pdf = build_report_pdf(report)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Case mapping pack" in text
    assert "Chronology of case C-001" in text
    assert "missed timescale (from its deadline)" in text  # the timeline's own legend, drawn as SVG
    assert "Initial child protection conference" in text


def test_the_pack_draws_a_missed_timescale_whose_responsible_agency_has_no_event_in_its_starters_lane(
    review, case, workshop, add_event, police
):
    # Only the police recorded events, so the agency the rule makes responsible has no lane of its own.
    add_event(case, D(2025, 2, 5), "strategy-discussion", agency=police)
    add_event(case, D(2025, 3, 5), "initial-cp-conference", agency=police)
    report = Report.objects.create(review=review, kind=Report.Kind.CASE_MAPPING_PACK, version=1)

    pdf = build_report_pdf(report)

    text = " ".join(" ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages).split())
    assert "Chronology of case C-001" in text
    assert "Testshire Police" in text


def test_a_pack_with_no_mapped_case_says_so(review, case):
    report = Report.objects.create(review=review, kind=Report.Kind.CASE_MAPPING_PACK, version=1)

    text = " ".join(
        " ".join(page.extract_text() for page in PdfReader(io.BytesIO(build_report_pdf(report))).pages).split()
    )

    assert "No case of this review has been mapped at a workshop yet" in text


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True


@pytest.mark.django_db
def test_seed_demo_maps_six_cases_and_running_it_twice_changes_nothing(demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
    models = [Event, Workshop, WorkshopAgency, LearningPoint]
    first = {model.__name__: model.objects.count() for model in models}

    call_command("seed_demo", stdout=io.StringIO())

    assert {model.__name__: model.objects.count() for model in models} == first
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)
    result = progress(northmoor)
    # Six cases mapped; audit validation's demo adds six more audited cases to the sample.
    assert (result.done, result.total) == (6, 12)
    levels = set(
        northmoor.cases.filter(workshops__status=Workshop.Status.HELD).values_list("threshold_level__order", flat=True)
    )
    assert levels == {2, 3, 4}
    # The earlier Northmoor review adds four cases of six events each.
    # A follow-up workshop is planned for the on-site week with three agencies invited.
    assert first == {"Event": 57 + 24, "Workshop": 3, "WorkshopAgency": 13, "LearningPoint": 2}


@pytest.mark.django_db
def test_some_demo_cases_miss_timescales(demo_settings):
    from casemapping.services import review_timeliness

    call_command("seed_demo", stdout=io.StringIO())
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)

    _, summaries = review_timeliness(northmoor)

    missed = {summary.rule.name: [case.reference for case in summary.missed] for summary in summaries if summary.missed}
    assert missed == {
        "Decision on a referral": ["NM-C02"],
        "Initial child protection conference": ["NM-C01"],
        "First core group": ["NM-C01"],
        "First review conference": ["NM-C05"],
        "Later looked-after visits": ["NM-C04"],
        "Return interview after a missing episode": ["NM-C02"],
        "Allegation referred to the designated officer": ["NM-C06"],
    }


def test_timeline_ticks_mark_months_or_years():
    from casemapping.timeline import _ticks

    assert _ticks(D(2025, 1, 15), D(2025, 4, 2)) == [D(2025, 2, 1), D(2025, 3, 1), D(2025, 4, 1)]
    assert _ticks(D(2020, 5, 1), D(2023, 2, 1)) == [D(2021, 1, 1), D(2022, 1, 1), D(2023, 1, 1)]
