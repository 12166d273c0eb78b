"""Stages may add chapters of their own to the baseline report, after the executive summary."""

import pytest

from reviews import stages
from reviews.baseline import baseline_context, report_chapters


def make_stage(slug: str, order: int, chapter) -> stages.Stage:
    return stages.Stage(
        slug=slug,
        title=f"Stage {slug}",
        order=order,
        app_label=slug,
        entry_url_name="reviews:overview",
        description="A stage for the chapter tests.",
        progress=stages.not_started,
        report_section=stages.empty_section,
        chapter=chapter,
    )


@pytest.fixture
def chapter_stages():
    with_chapter = make_stage(
        "with-chapter",
        98,
        lambda review: stages.ReportSection(
            stages.EMPTY_SECTION_TEMPLATE, {"title": f"A chapter on {review.council.name}", "anchor": "a-chapter"}
        ),
    )
    declining = make_stage("declining", 97, lambda review: None)
    for stage in (with_chapter, declining):
        stages.register(stage)
    yield
    for slug in ("with-chapter", "declining"):
        stages.unregister(slug)


def test_a_stage_chapter_is_rendered_with_its_title_and_anchor_and_a_stage_may_decline(review, chapter_stages):
    chapters = report_chapters(review)

    titles = [(chapter["title"], chapter["anchor"]) for chapter in chapters]
    assert titles == [
        ("Progress since the last inspection", "last-inspection"),
        (f"A chapter on {review.council.name}", "a-chapter"),
    ]
    assert chapters[1]["html"] == "<p>This stage has no records in the workspace yet.</p>\n"


def test_the_baseline_context_carries_the_chapters(review):
    assert [chapter["anchor"] for chapter in baseline_context(review)["chapters"]] == ["last-inspection"]
