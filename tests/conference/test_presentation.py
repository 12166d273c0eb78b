"""The feedback presentation: a PowerPoint deck and a PDF of the same slides, read back with python-pptx and pypdf."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.urls import reverse
from pptx import Presentation
from pptx.oxml.ns import qn
from pypdf import PdfReader

from conference.presentation import LINES_PER_SLIDE, Block, clean, paginate
from conference.services import cast_member_vote, close_round
from reviews.models import Finding, FocusArea, Report, Theme
from reviews.tasks import render_report

from ..factories import FindingFactory, ReportFactory
from .factories import CandidateFactory, PriorityFactory, RoundFactory

WIDE = (12192000, 6858000)  # 13.333 by 7.5 inches


def render(review) -> Report:
    report = ReportFactory(review=review, kind=Report.Kind.PRESENTATION)
    render_report(report_id=report.pk)
    report.refresh_from_db()
    assert (report.status, report.error) == (Report.Status.DONE, "")
    return report


def deck(report: Report):
    with report.pptx.open("rb") as handle:
        return Presentation(io.BytesIO(handle.read()))


def pdf(report: Report) -> PdfReader:
    with report.file.open("rb") as handle:
        return PdfReader(io.BytesIO(handle.read()))


def titles(prs) -> list[str]:
    return [slide.shapes.title.text_frame.text for slide in prs.slides]


def slides_named(prs, title: str) -> list:
    """The slide of that title and the slides that continue it."""
    names = (title, f"{title} (continued)")
    return [slide for slide in prs.slides if slide.shapes.title.text_frame.text in names]


def paragraphs_of(prs, title: str) -> list[str]:
    return [text for slide in slides_named(prs, title) for text in body_paragraphs(slide)]


def body_paragraphs(slide) -> list[str]:
    return [
        paragraph.text
        for shape in slide.placeholders
        if shape.placeholder_format.idx != 0
        for paragraph in shape.text_frame.paragraphs
    ]


def all_paragraphs(prs) -> list[str]:
    return [text for slide in prs.slides for text in body_paragraphs(slide)]


def pdf_text(reader: PdfReader) -> str:
    text = " ".join(page.extract_text() for page in reader.pages)
    # Once a font's map holds a character beyond the Basic Multilingual Plane (an emoji), pypdf reads that font's
    # text as two-byte units; poppler's pdftotext reads the same file cleanly. Drop the padding pypdf leaves.
    return " ".join(text.replace("\x00", "").split())


def theme(review, name: str) -> Theme:
    return review.framework.themes.get(name=name)


def agreed(review, name: str, summary: str, kind=Finding.Kind.STRENGTH) -> Finding:
    return FindingFactory(
        review=review, theme=theme(review, name), summary=summary, kind=kind, status=Finding.Status.AGREED
    )


@pytest.fixture
def conference_review(review, lead):
    review.conference_date = datetime.date(2027, 3, 3)
    review.letter_due = datetime.date(2027, 3, 24)
    review.save()
    agreed(review, "Working together", "Strategy discussions happen within a day of referral")
    agreed(review, "Working together", "Return interviews are not always offered", Finding.Kind.AREA)
    FindingFactory(
        review=review,
        theme=theme(review, "Working together"),
        summary="A draft the team has not agreed",
        status=Finding.Status.DRAFT,
    )
    agreed(review, "Vision, strategy and leadership", "Leaders know their front door well")
    PriorityFactory(review=review, title="Make threshold decisions consistent", order=1, votes=31)
    PriorityFactory(review=review, title="Hear the child's voice in every plan", order=2, votes=17)
    return review


def test_the_lead_requests_the_presentation_and_gets_slides_and_a_pdf_of_the_same_slides(
    conference_review, lead_client, django_capture_on_commit_callbacks
):
    review = conference_review

    with django_capture_on_commit_callbacks() as callbacks:
        response = lead_client.post(reverse("reviews:report_request", args=[review.pk]), {"kind": "presentation"})
    report = Report.objects.get(review=review, kind=Report.Kind.PRESENTATION)
    render_report(report_id=report.pk)  # what the worker does with the task enqueued after commit
    report.refresh_from_db()
    prs = deck(report)
    reader = pdf(report)
    slide_titles = titles(prs)
    paragraphs = all_paragraphs(prs)

    assert (response.status_code, len(callbacks)) == (302, 1)
    assert (report.status, report.formats()) == (Report.Status.DONE, ["pdf", "pptx"])
    assert (prs.slide_width, prs.slide_height) == WIDE
    assert [title for title in slide_titles if not title.endswith("(continued)")] == [
        f"Feedback to {review.council.name}",
        "Scope of the review",
        "What the team did",
        "Effective practice, service delivery and the voice of the child",
        "Outcomes, impact and performance",
        "Working together",
        "Capacity and managing resources",
        "Vision, strategy and leadership",
        "The priorities you voted for",
        "Next steps",
    ]
    assert body_paragraphs(prs.slides[0]) == [
        review.title,
        "Feedback and prioritisation conference, 3 March 2027",
    ]
    assert slide_titles.index("What the team did") == 1 + len(slides_named(prs, "Scope of the review"))
    assert paragraphs_of(prs, "Working together") == [
        "Strengths",
        "Strategy discussions happen within a day of referral",
        "Areas for consideration",
        "Return interviews are not always offered",
    ]
    assert paragraphs_of(prs, "Outcomes, impact and performance") == ["No findings were agreed under this theme."]
    assert "A draft the team has not agreed" not in paragraphs
    assert paragraphs_of(prs, "The priorities you voted for") == [
        "In rank order, with the votes each received",
        "Make threshold decisions consistent (31 points)",
        "Hear the child's voice in every plan (17 points)",
    ]
    assert "The peer team's feedback letter follows by 24 March 2027." in paragraphs
    assert len(reader.pages) == len(prs.slides) == report.page_count
    text = pdf_text(reader)
    for title in slide_titles:
        assert title in text
    assert "Strategy discussions happen within a day of referral" in text
    assert "A draft the team has not agreed" not in text
    assert reader.metadata.title == f"Feedback to {review.council.name}: {review.title}"
    assert reader.trailer["/Root"]["/Lang"] == "en-GB"


def test_every_slide_has_its_title_and_text_in_real_placeholders_and_a_16_by_9_layout(conference_review):
    prs = deck(render(conference_review))

    for slide in prs.slides:
        placeholders = {shape.placeholder_format.idx: shape for shape in slide.placeholders}
        assert slide.shapes.title.shape_id == placeholders[0].shape_id
        assert slide.shapes.title.text_frame.text
        assert set(placeholders) == {0, 1}
        assert [shape for shape in slide.shapes if not shape.is_placeholder] == []
        for shape in placeholders.values():
            assert shape.left + shape.width <= prs.slide_width
            assert shape.top + shape.height <= prs.slide_height
    assert prs.core_properties.language == "en-GB"
    assert prs.core_properties.title == f"Feedback to {conference_review.council.name}: {conference_review.title}"


def test_the_scope_slides_name_the_frameworks_scope_focus_areas_and_specific_circumstances(conference_review):
    framework = conference_review.framework

    prs = deck(render(conference_review))

    scope = paragraphs_of(prs, "Scope of the review")
    expected_scope = list(framework.scope_areas.order_by("order").values_list("title", flat=True))
    focus = list(
        framework.focus_areas.filter(kind=FocusArea.Kind.FOCUS).order_by("order").values_list("title", flat=True)
    )
    circumstances = list(
        framework.focus_areas.filter(kind=FocusArea.Kind.CIRCUMSTANCE).order_by("order").values_list("title", flat=True)
    )
    assert [text for text in scope if not text.startswith(("Scope areas", "Focus areas", "Specific"))] == (
        expected_scope + focus + circumstances
    )
    assert (len(expected_scope), len(focus), len(circumstances)) == (7, 3, 7)


def test_what_the_team_did_gives_each_stages_figures_from_the_stage_registry(conference_review):
    prs = deck(render(conference_review))

    activity = paragraphs_of(prs, "What the team did")
    assert "Case mapping: 0 cases in the sample, 0 mapped, 0 workshops held" in activity
    assert "Audit validation and case review: 0 cases assigned, 0 regraded, 0 moderated" in activity
    assert "On-site visits and officer interviews: No sessions yet" in activity
    assert not any(line.startswith("Feedback and prioritisation conference") for line in activity)
    assert len(activity) == 5


def test_a_review_with_no_agreed_findings_and_no_vote_gets_slides_that_say_so(review):
    FindingFactory(review=review, summary="Still a draft", status=Finding.Status.DRAFT)
    RoundFactory(review=review)  # open, so no results yet

    report = render(review)
    prs = deck(report)

    slides = dict(zip(titles(prs), [body_paragraphs(slide) for slide in prs.slides], strict=True))
    assert slides["What we found"] == [
        "No findings have been agreed yet, so there are no strengths or areas for consideration to present."
    ]
    assert slides["The priorities you voted for"] == [
        "No prioritisation vote has closed yet, so there are no results to show."
    ]
    assert "The peer team's feedback letter follows the conference." in slides["Next steps"]
    assert body_paragraphs(prs.slides[0])[1] == "Feedback and prioritisation conference (date to be confirmed)"
    text = pdf_text(pdf(report))
    assert "No findings have been agreed yet" in text
    assert "No prioritisation vote has closed yet" in text
    assert "Still a draft" not in text


def test_a_closed_round_not_yet_adopted_shows_its_results_in_rank_order_with_ties(review, lead, peer):
    round_ = RoundFactory(review=review, number=2)
    first = CandidateFactory(round=round_, title="Early help for every family", order=1)
    second = CandidateFactory(round=round_, title="Supervision that helps", order=2)
    third = CandidateFactory(round=round_, title="One threshold document", order=3)
    for voter, points in ((lead, [2, 4, 4]), (peer, [1, 4, 4])):
        values = {candidate.pk: value for candidate, value in zip((first, second, third), points, strict=True)}
        cast_member_vote(round_=round_, user=voter, values=values)
    close_round(round_=round_)

    prs = deck(render(review))

    slide = next(slide for slide in prs.slides if slide.shapes.title.text_frame.text == "The priorities you voted for")
    assert body_paragraphs(slide) == [
        "Round 2 in rank order, with the votes each received",
        "Supervision that helps (8 points, tied)",
        "One threshold document (8 points, tied)",
        "Early help for every family (3 points)",
    ]
    numbering = [
        paragraph._p.pPr.find(qn("a:buAutoNum")).get("startAt")
        for paragraph in slide.placeholders[1].text_frame.paragraphs[1:]
    ]
    assert numbering == ["1", "1", "1"]


def test_sixty_findings_under_one_theme_continue_over_slides_with_nothing_cut(review):
    summaries = [
        f"Finding {number:02d}: practitioners across agencies describe the threshold document consistently"
        for number in range(1, 61)
    ]
    for summary in summaries:
        agreed(review, "Working together", summary)

    report = render(review)
    prs = deck(report)
    reader = pdf(report)

    theme_slides = [slide for slide in prs.slides if slide.shapes.title.text_frame.text.startswith("Working together")]
    shown = [text for slide in theme_slides for text in body_paragraphs(slide) if text.startswith("Finding ")]
    assert shown == summaries
    assert len(theme_slides) >= 6
    assert [slide.shapes.title.text_frame.text for slide in theme_slides] == ["Working together"] + [
        "Working together (continued)"
    ] * (len(theme_slides) - 1)
    assert body_paragraphs(theme_slides[1])[0] == "Strengths (continued)"
    assert len(reader.pages) == len(prs.slides)  # no slide ran over onto a second page
    assert all(summary in pdf_text(reader) for summary in summaries)


def test_long_findings_in_capitals_and_in_wide_scripts_still_fit_their_slides(review):
    capitals = "THE FRONT DOOR APPLIES THRESHOLDS CONSISTENTLY ACROSS POLICE, HEALTH AND SCHOOLS. " * 3
    chinese = "儿童的声音在每一个计划中都被听到" * 10
    summaries = [capitals.strip()[:300]] * 6 + [chinese[:150]] * 6
    for summary in summaries:
        agreed(review, "Working together", summary)

    report = render(review)
    prs = deck(report)

    assert paragraphs_of(prs, "Working together").count(capitals.strip()[:300]) == 6
    assert len(pdf(report).pages) == len(prs.slides)


def test_a_theme_with_a_long_name_gets_a_smaller_title_and_its_body_moves_down_to_make_room(review):
    name = "Early help, edge of care and the voice of the child in every agency's work: " * 2 + "the long theme"
    Theme.objects.create(framework=review.framework, order=9, name=name.strip())
    for number in range(1, 13):
        agreed(review, name.strip(), f"Finding {number:02d}: families are offered early help before they reach crisis")

    report = render(review)
    prs = deck(report)

    slides = slides_named(prs, name.strip())
    for slide in slides:
        title, body = slide.shapes.title, slide.placeholders[1]
        assert title.text_frame.paragraphs[0].runs[0].font.size.pt == 28
        assert body.top >= title.top + title.height
        assert body.top + body.height <= prs.slide_height
    shown = [text for text in paragraphs_of(prs, name.strip()) if text.startswith("Finding ")]
    assert [text[8:10] for text in shown] == [f"{number:02d}" for number in range(1, 13)]
    assert len(pdf(report).pages) == len(prs.slides)


def test_hostile_finding_text_is_shown_as_written_in_the_slides_and_the_pdf(review):
    markup = "<script>alert('x')</script> & <b>bold</b> {{ review.title }}"
    long_word = "Safeguarding" * 24
    arabic = "يتم تقييم احتياجات الأطفال في الوقت المناسب"
    hebrew = "הילדים נשמעים בכל תוכנית"
    emoji = "Children's voices heard 👧🏽👦 in every plan ✅"
    for summary in (markup, long_word, arabic, hebrew, emoji):
        agreed(review, "Working together", summary)
    agreed(review, "Working together", "Control\x0bcharacters\x01 are dropped", Finding.Kind.AREA)

    report = render(review)
    prs = deck(report)
    reader = pdf(report)

    paragraphs = [
        paragraph
        for slide in slides_named(prs, "Working together")
        for paragraph in slide.placeholders[1].text_frame.paragraphs
    ]
    texts = [paragraph.text for paragraph in paragraphs]
    assert texts == [
        "Strengths",
        markup,
        long_word,
        arabic,
        hebrew,
        emoji,
        "Areas for consideration",
        "Control characters are dropped",
    ]
    assert [paragraph.text for paragraph in paragraphs if paragraph._p.pPr.get("rtl") == "1"] == [arabic, hebrew]
    assert len(reader.pages) == len(prs.slides)
    text = pdf_text(reader)
    assert "<script>alert('x')</script> & <b>bold</b> {{ review.title }}" in text
    assert "Children's voices heard" in text
    assert "Control characters are dropped" in text


def test_host_side_and_observers_cannot_request_the_presentation(review, sponsor_client, observer_client):
    url = reverse("reviews:report_request", args=[review.pk])

    statuses = [client.post(url, {"kind": "presentation"}).status_code for client in (sponsor_client, observer_client)]

    assert statuses == [403, 403]
    assert Report.objects.count() == 0


def test_the_reports_page_offers_the_presentation_to_those_who_may_request_reports(review, lead_client, peer_client):
    pages = [
        client.get(reverse("reviews:reports", args=[review.pk])).content.decode()
        for client in (lead_client, peer_client)
    ]

    for page in pages:
        assert 'value="presentation"' in page
        assert "Request a new feedback presentation" in page


def test_the_presentation_downloads_as_powerpoint_from_its_page(conference_review, lead_client):
    report = render(conference_review)

    page = lead_client.get(reverse("reviews:report_detail", args=[conference_review.pk, report.pk])).content.decode()
    response = lead_client.get(
        reverse("reviews:report_download_format", args=[conference_review.pk, report.pk, "pptx"])
    )

    assert "Download PowerPoint slides" in page
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.presentationml.presentation"
    assert titles(Presentation(io.BytesIO(b"".join(response.streaming_content))))[0] == (
        f"Feedback to {conference_review.council.name}"
    )


# Filling slides


def test_a_long_list_continues_with_its_numbering_and_its_heading_marked_continued():
    items = [f"Priority number {n}" for n in range(1, 31)]

    slides = paginate("Priorities", [Block("Ranked", tuple(items), start=1)])

    assert [slide.title for slide in slides] == ["Priorities"] + ["Priorities (continued)"] * (len(slides) - 1)
    assert [block.heading for slide in slides for block in slide.blocks] == ["Ranked"] + ["Ranked (continued)"] * (
        len(slides) - 1
    )
    starts = [slide.blocks[0].start for slide in slides]
    counts = [len(slide.blocks[0].items) for slide in slides]
    assert starts == [1 + sum(counts[:index]) for index in range(len(slides))]
    assert [item for slide in slides for item in slide.blocks[0].items] == items
    assert all(slide.lines <= LINES_PER_SLIDE for slide in slides)


def test_a_second_list_that_does_not_fit_starts_on_a_new_slide_rather_than_leaving_its_heading_alone():
    slides = paginate("Theme", [Block("Strengths", ("x" * 60,) * 8), Block("Areas", ("y" * 60,) * 2)])

    assert [[block.heading for block in slide.blocks] for slide in slides] == [["Strengths"], ["Areas"]]
    assert all(slide.lines <= LINES_PER_SLIDE for slide in slides)


def test_wide_characters_take_more_room_than_latin_letters():
    latin = paginate("T", [Block("", ("a" * 60,) * 20)])
    wide = paginate("T", [Block("", ("漢" * 60,) * 20)])

    assert len(wide) > len(latin)
    assert all(slide.lines <= LINES_PER_SLIDE for slide in latin + wide)


def test_cleaning_drops_control_characters_and_folds_spaces_but_keeps_every_script():
    assert clean("a\x00b\x0b c\n\nd\ufffe") == "a b c d"
    assert clean("  يتم   تقييم 👧🏽 ") == "يتم تقييم 👧🏽"


@pytest.mark.django_db
def test_the_demo_review_at_the_conference_has_its_finished_slides_shared_with_the_council(settings):
    settings.DEBUG = True  # the demo's default password needs debug, as in the quick start
    call_command("seed_demo", stdout=io.StringIO())
    call_command("seed_demo", stdout=io.StringIO())

    reports = list(Report.objects.filter(kind=Report.Kind.PRESENTATION).select_related("review"))

    assert len(reports) == 1
    report = reports[0]
    assert (report.status, report.error, report.formats(), report.shared_with_host) == (
        "done",
        "",
        ["pdf", "pptx"],
        True,
    )
    prs = deck(report)
    assert titles(prs)[0] == f"Feedback to {report.review.council.name}"
    assert len(pdf(report).pages) == len(prs.slides)
