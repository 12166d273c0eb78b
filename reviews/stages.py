"""The stage registry.

Each stage app registers a `Stage` in its AppConfig.ready(). The review overview,
the dashboards and the baseline report iterate the registry, so a stage adds
itself everywhere by registering.
"""

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Any

from . import signals_status

if TYPE_CHECKING:
    from .models import Review, ReviewMembership

GENERAL = "general"


@dataclass(frozen=True)
class Progress:
    done: int = 0
    total: int = 0
    overdue: int = 0
    summary: str = ""
    started: bool = False  # some work under way though no unit is done yet (a questionnaire open or answered)

    @property
    def signal(self) -> signals_status.Signal:
        """Not started, in progress or completed, by `signals_status.stage_status`."""
        return signals_status.stage_status(self.done, self.total, self.started)

    @property
    def status(self) -> str:
        return self.signal.label

    @property
    def tag_class(self) -> str:
        return self.signal.tag_class


NOT_STARTED = Progress(summary="Not started")


@dataclass(frozen=True)
class ReportSection:
    template_name: str
    context: dict = field(default_factory=dict)


EMPTY_SECTION_TEMPLATE = "reports/sections/not_started.html"


@dataclass(frozen=True)
class PlanCount:
    """One priority of an improvement plan, its actions counted by RAG rating now (`signals_status.action_rag`)."""

    priority: str
    red: int = 0
    amber: int = 0
    green: int = 0
    overdue: int = 0

    @property
    def total(self) -> int:
        return self.red + self.amber + self.green


@dataclass(frozen=True)
class Stage:
    slug: str
    title: str
    order: int
    app_label: str
    entry_url_name: str
    description: str
    progress: Callable[["Review"], Progress]
    report_section: Callable[["Review"], ReportSection]
    # The stage's name in the navigation across stages; its title when empty.
    short_title: str = ""
    # Whether a member may open the stage; None when every member of the review may.
    visible_to: Callable[["ReviewMembership"], bool] | None = None
    # What in this stage matches a search of the review, as this member may see it: called with the review, the
    # membership and the query (already trimmed and bounded), returning reviews.search.Result rows.
    search: Callable[["Review", "ReviewMembership", str], list[Any]] | None = None
    # A chapter of its own in the baseline report, after the executive summary: its context holds the
    # chapter's `title` and `anchor` (its id in the report). None, or a call returning None, adds no chapter.
    chapter: Callable[["Review"], ReportSection | None] | None = None
    # The stage's lines in the baseline report's executive summary: called with the review and the context its
    # report_section returned (so figures are not worked out twice). None, or a call returning None, adds none.
    summary: Callable[["Review", dict], ReportSection | None] | None = None
    # seed_demo calls demo(reviews=[...], users={username: user}); the first review is the rich one.
    demo: Callable[..., None] | None = None
    # Progress of many reviews at once in a fixed number of queries, for lists and dashboards.
    progress_many: Callable[[list["Review"]], dict[int, Progress]] | None = None
    # What each partner agency did in this stage, for the overview's engagement table
    # (the types live in reviews/engagement.py). None when the stage has nothing per partner.
    engagement: Callable[["Review"], list[Any]] | None = None
    # Measures this stage can compare between a review and an earlier review of the same council
    # (the types live in reviews/comparison.py). None when the stage has nothing to compare.
    comparison: Callable[["Review", "Review"], list[Any]] | None = None
    # How many distinct sources make a finding of this review triangulated, when the stage sets it (the
    # conference's setting). The first stage that sets it decides; otherwise signals_status's default.
    triangulation_minimum: Callable[["Review"], int] | None = None
    # The review milestones this stage knows to have happened, for many reviews in a fixed number of queries:
    # {review id: {milestone key: the date it happened, or None when unknown}}, keys from reviews.programme.
    milestones_met: Callable[[list["Review"]], dict[int, dict[str, date | None]]] | None = None
    # The improvement plan's actions counted by their RAG rating now, per priority, for many reviews in a fixed
    # number of queries: {review id: [PlanCount, ...]} in the plan's order.
    plan_counts: Callable[[list["Review"], date], dict[int, list["PlanCount"]]] | None = None
    # The account id of the review's safeguarding lead, when this stage records one (the questionnaires'):
    # they read the review's access log beside its leads. The first stage that names one decides.
    safeguarding_lead: Callable[["Review"], int | None] | None = None
    # Delete or empty this stage's case-level records, notes and free text of a review being purged
    # (reviews/retention.py), with their change history and files: {what: how many}. Aggregates are kept.
    purge: Callable[["Review"], dict[str, int]] | None = None
    # seed_scale calls scale(reviews, sizes, rng) to add this stage's records to many fictional reviews with bulk
    # inserts (sizes is a reviews.scale.Sizes, rng a random.Random): {what: how many}.
    scale: Callable[[list["Review"], Any, Any], dict[str, int]] | None = None
    # Whether an account is the safeguarding lead of any review (one query), for who must sign in with two factors.
    is_safeguarding_lead: Callable[[Any], bool] | None = None

    @property
    def nav_title(self) -> str:
        return self.short_title or self.title

    @property
    def namespace(self) -> str:
        """The URL namespace of the stage's pages."""
        return self.entry_url_name.split(":")[0]


_registry: dict[str, Stage] = {}


def register(stage: Stage) -> None:
    existing = _registry.get(stage.slug)
    if existing is not None and existing != stage:
        raise ValueError(f"A different stage is already registered as {stage.slug!r}.")
    _registry[stage.slug] = stage


def unregister(slug: str) -> None:
    _registry.pop(slug, None)


def all_stages() -> list[Stage]:
    return sorted(_registry.values(), key=lambda stage: stage.order)


def visible_stages(membership: "ReviewMembership") -> list[Stage]:
    """The stages this member may open, in order."""
    return [stage for stage in all_stages() if stage.visible_to is None or stage.visible_to(membership)]


def get(slug: str) -> Stage | None:
    return _registry.get(slug)


def title_for(slug: str) -> str:
    stage = _registry.get(slug)
    return stage.title if stage else "General"


def slug_for_app(app_label: str) -> str | None:
    for stage in _registry.values():
        if stage.app_label == app_label:
            return stage.slug
    return None


def choices() -> list[tuple[str, str]]:
    return [(GENERAL, "General")] + [(stage.slug, stage.title) for stage in all_stages()]


def progress_for(stage: Stage, reviews: list["Review"]) -> dict[int, Progress]:
    """Each review's progress in this stage; lists and dashboards call this, never progress() in a loop."""
    if stage.progress_many is not None:
        found = stage.progress_many(reviews)
    else:
        found = {review.pk: stage.progress(review) for review in reviews}
    # A closed review has nothing overdue (`signals_status.counts_overdue`); the stage's own pages still count.
    for review in reviews:
        if found[review.pk].overdue and not signals_status.counts_overdue(review.status == "closed"):
            found[review.pk] = replace(found[review.pk], overdue=0)
    return found


def triangulation_minimum(review: "Review") -> int:
    """The sources a finding of this review needs to count as triangulated (see `signals_status.evidence_strength`)."""
    for stage in all_stages():
        if stage.triangulation_minimum is not None:
            return stage.triangulation_minimum(review)
    return signals_status.TRIANGULATION_MINIMUM


def safeguarding_lead_id(review: "Review") -> int | None:
    """The review's safeguarding lead's account id, as a stage records it; None when none does."""
    for stage in all_stages():
        if stage.safeguarding_lead is not None:
            found = stage.safeguarding_lead(review)
            if found is not None:
                return found
    return None


def is_safeguarding_lead(user: Any) -> bool:
    """Whether this account is any review's safeguarding lead, as a stage records it."""
    return any(stage.is_safeguarding_lead(user) for stage in all_stages() if stage.is_safeguarding_lead is not None)


def progress_of(stage: Stage, review: "Review") -> Progress:
    """One review's progress in this stage as the overview and dashboards show it (see `progress_for`)."""
    return progress_for(stage, [review])[review.pk]


def milestones_met(reviews: list["Review"]) -> dict[int, dict[str, date | None]]:
    """What every stage knows to have happened, merged: {review id: {milestone key: date or None}}."""
    met: dict[int, dict[str, date | None]] = {review.pk: {} for review in reviews}
    for stage in all_stages():
        if stage.milestones_met is not None:
            for review_id, found in stage.milestones_met(reviews).items():
                met.setdefault(review_id, {}).update(found)
    return met


def plan_counts(reviews: list["Review"], today: date) -> dict[int, list[PlanCount]]:
    """Each review's improvement plan by priority and RAG rating, from the stage that holds plans (none: empty)."""
    for stage in all_stages():
        if stage.plan_counts is not None:
            return stage.plan_counts(reviews, today)
    return {}


def not_started(review: "Review") -> Progress:
    return NOT_STARTED


def empty_section(review: "Review") -> ReportSection:
    return ReportSection(EMPTY_SECTION_TEMPLATE)
