"""The programme across reviews: each review's stages, milestones, improvement plan and findings as counts.

What a programme manager sees of a review is aggregates and progress only: no case, no name of a child, no
note, no peer-only finding. Every figure comes from the stage registry (`stages.progress_for`,
`stages.milestones_met`, `stages.plan_counts`) and every status from `signals_status`, in a fixed number of
queries however many reviews the programme holds.
"""

from dataclasses import dataclass, field
from datetime import date

from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Count, Q
from django.db.models.functions import ExtractYear
from django.utils.safestring import SafeString

from . import charts, derived, search, signals_status, stages
from .form_errors import NamedErrors, choose_from_list
from .models import Council, Finding, Review, ReviewMembership, Role
from .params import filters_querystring


@dataclass(frozen=True)
class MilestoneKind:
    key: str
    label: str
    date_field: str


MILESTONES = [
    MilestoneKind("scoping", "Scoping meeting", "scoping_date"),
    MilestoneKind("onsite", "On-site week", "onsite_start"),
    MilestoneKind("conference", "Conference", "conference_date"),
    MilestoneKind("letter", "Letter", "letter_due"),
    MilestoneKind("check_3", "First impact check (3 months)", "followup_3_months"),
    MilestoneKind("check_12", "Second impact check (12 months)", "followup_12_months"),
]
STATUS_ORDER = list(Review.Status.values)


@dataclass(frozen=True)
class Milestone:
    kind: MilestoneKind
    due: date | None
    done: bool
    done_on: date | None
    signal: signals_status.Signal

    @property
    def late(self) -> bool:
        return self.signal == signals_status.MILESTONE_LATE


def _past(review: Review, status: str) -> bool:
    return STATUS_ORDER.index(review.status) > STATUS_ORDER.index(status)


def _met_by_status(review: Review, today: date) -> dict[str, date | None]:
    """What the review's own status shows to have happened: scoping once it has moved on from scoping; the
    on-site week once it has moved on from on site, or is on site and the week has ended."""
    met: dict[str, date | None] = {}
    if _past(review, Review.Status.SCOPING):
        met["scoping"] = None
    ended = review.status == Review.Status.ON_SITE and review.onsite_end and review.onsite_end < today
    if _past(review, Review.Status.ON_SITE) or ended:
        met["onsite"] = None
    return met


def milestones(review: Review, met: dict[str, date | None], today: date) -> list[Milestone]:
    closed = review.status == Review.Status.CLOSED
    found = {**_met_by_status(review, today), **met}
    rows = []
    for kind in MILESTONES:
        due = getattr(review, kind.date_field)
        done = kind.key in found
        rows.append(
            Milestone(
                kind, due, done, found.get(kind.key), signals_status.milestone_status(due, done, today, closed=closed)
            )
        )
    return rows


@dataclass
class Row:
    """One review on the programme dashboard."""

    review: Review
    progress: list[stages.Progress]
    milestones: list[Milestone]
    plan: list[stages.PlanCount]
    findings: int
    leads: list[str] = field(default_factory=list)

    @property
    def stages_completed(self) -> int:
        return sum(1 for item in self.progress if item.signal == signals_status.STAGE_COMPLETED)

    @property
    def stages_started(self) -> int:
        return sum(1 for item in self.progress if item.signal == signals_status.STAGE_IN_PROGRESS)

    @property
    def late(self) -> list[Milestone]:
        return [milestone for milestone in self.milestones if milestone.late]

    @property
    def next_milestone(self) -> Milestone | None:
        """The first late milestone, else the first one still due."""
        waiting = [m for m in self.milestones if m.late] or [
            m for m in self.milestones if m.signal == signals_status.MILESTONE_DUE
        ]
        return waiting[0] if waiting else None

    def plan_total(self, rating: str) -> int:
        return sum(getattr(count, rating) for count in self.plan)

    @property
    def plan_red(self) -> int:
        return self.plan_total("red")

    @property
    def plan_amber(self) -> int:
        return self.plan_total("amber")

    @property
    def plan_green(self) -> int:
        return self.plan_total("green")

    @property
    def plan_overdue(self) -> int:
        """Overdue actions; a closed review has none (`signals_status.counts_overdue`)."""
        if not signals_status.counts_overdue(self.review.status == Review.Status.CLOSED):
            return 0
        return self.plan_total("overdue")


def _figures(reviews: list[Review], today: date) -> dict[int, tuple]:
    """Each review's progress in every stage, the milestones it met and its plan's counts, in a fixed number of
    queries."""
    by_stage = [stages.progress_for(stage, reviews) for stage in stages.all_stages()]
    met = stages.milestones_met(reviews)
    plans = stages.plan_counts(reviews, today)
    published = dict(
        Finding.objects.filter(review__in=reviews, status=Finding.Status.PUBLISHED)
        .values("review")
        .annotate(n=Count("pk"))
        .values_list("review", "n")
    )
    return {
        review.pk: (
            [progress[review.pk] for progress in by_stage],
            met.get(review.pk, {}),
            plans.get(review.pk, []),
            published.get(review.pk, 0),
        )
        for review in reviews
    }


def _lead_names(reviews: list[Review]) -> dict[int, list[str]]:
    """Each review's leads by name (their full name, else their username), by surname: one query, no objects."""
    names: dict[int, list[str]] = {}
    leads = (
        ReviewMembership.objects.filter(role=Role.LEAD, review__in=reviews)
        .order_by("user__last_name", "user__first_name", "user__username")
        .values_list("review_id", "user__first_name", "user__last_name", "user__username")
    )
    for review_id, first, last, username in leads:
        names.setdefault(review_id, []).append(f"{first} {last}".strip() or username)
    return names


def build_rows(reviews: list[Review], today: date) -> list[Row]:
    """Rows for these reviews (fetched with `reviews_queryset`), in a fixed number of queries. Each review's figures
    are kept until its records change (reviews/derived.py), so a dashboard of the whole programme works out only
    the reviews that changed since it was last seen."""
    # The name carries the figures' shape (its number moves when `_figures` returns something else), so a figure
    # kept by the code before a release is never read by the code after it.
    name = f"programme-row-2-{today.isoformat()}"
    figures = derived.cached_many(name, reviews, lambda some: _figures(some, today))
    leads = _lead_names(reviews)
    return [
        Row(
            review=review,
            progress=figures[review.pk][0],
            milestones=milestones(review, figures[review.pk][1], today),
            plan=figures[review.pk][2],
            findings=figures[review.pk][3],
            leads=leads.get(review.pk, []),
        )
        for review in reviews
    ]


def reviews_queryset():
    return Review.objects.select_related("council")


SORTS = {
    "onsite": ("On-site week, latest first", lambda row: (-(row.review.onsite_start or date.min).toordinal(),)),
    "council": ("Council, A to Z", lambda row: (row.review.council.name.lower(), row.review.title.lower())),
    "status": ("Status, in the order of a review", lambda row: (STATUS_ORDER.index(row.review.status),)),
    "late": ("Most late milestones first", lambda row: (-len(row.late), row.review.title.lower())),
    "red": ("Most red actions first", lambda row: (-row.plan_red, row.review.title.lower())),
}


class ProgrammeFilterForm(NamedErrors, forms.Form):
    q = forms.CharField(
        label="Search",
        required=False,
        max_length=search.MAX_QUERY_LENGTH,
        help_text="Words from the review's title or the council's name.",
        error_messages={"max_length": f"Search for at most {search.MAX_QUERY_LENGTH} characters."},
    )
    region = forms.ChoiceField(choices=[("", "All regions")] + Council.Region.choices, required=False)
    status = forms.ChoiceField(choices=[("", "All statuses")] + Review.Status.choices, required=False)
    year = forms.TypedChoiceField(coerce=int, required=False, empty_value=None, label="Year on site")
    lead = forms.TypedChoiceField(coerce=int, required=False, empty_value=None)
    sort = forms.ChoiceField(
        choices=[(key, label) for key, (label, _) in SORTS.items()], required=False, label="Sort by"
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        years = (
            Review.objects.filter(onsite_start__isnull=False)
            .annotate(year=ExtractYear("onsite_start"))
            .order_by("-year")
            .values_list("year", flat=True)
            .distinct()
        )
        self.fields["year"].choices = [("", "All years")] + [(year, str(year)) for year in years]
        leads = (
            get_user_model()
            .objects.filter(review_memberships__role=Role.LEAD)
            .distinct()
            .order_by("last_name", "first_name", "username")
            .values_list("pk", "first_name", "last_name", "username")
        )
        self.fields["lead"].choices = [("", "All leads")] + [
            (pk, f"{first} {last}".strip() or username) for pk, first, last, username in leads
        ]
        choose_from_list(
            self, {"region": "a region", "status": "a status", "year": "a year", "lead": "a lead", "sort": "an order"}
        )

    def clean_q(self) -> str:
        return search.clean_query(self.cleaned_data.get("q"))

    def apply(self, reviews):
        data = self.cleaned_data
        if data.get("region"):
            reviews = reviews.filter(council__region=data["region"])
        if data.get("status"):
            reviews = reviews.filter(status=data["status"])
        if data.get("year"):
            reviews = reviews.filter(onsite_start__year=data["year"])
        if data.get("lead"):
            reviews = reviews.filter(memberships__user_id=data["lead"], memberships__role=Role.LEAD)
        for word in (data.get("q") or "").split():
            reviews = reviews.filter(Q(title__icontains=word) | Q(council__name__icontains=word))
        return reviews

    def querystring(self) -> str:
        return filters_querystring(self)

    def sorted(self, rows: list[Row]) -> list[Row]:
        key = (self.cleaned_data.get("sort") if self.is_bound and self.is_valid() else "") or "onsite"
        rows = sorted(rows, key=lambda row: row.review.title.lower())
        return sorted(rows, key=SORTS[key][1])


def progress_chart(rows: list[Row]) -> tuple[SafeString, list[dict]]:
    """How many reviews have completed, started or not started each stage: the chart and its table."""
    table = []
    for index, stage in enumerate(stages.all_stages()):
        signals = [row.progress[index].signal for row in rows]
        table.append(
            {
                "stage": stage.title,
                "completed": signals.count(signals_status.STAGE_COMPLETED),
                "in_progress": signals.count(signals_status.STAGE_IN_PROGRESS),
                "not_started": signals.count(signals_status.STAGE_NOT_STARTED),
            }
        )
    chart = charts.bar_chart(
        title="Reviews by the progress of each stage (the table after it has the figures)",
        categories=[row["stage"] for row in table],
        series=[
            charts.Series("Completed", "#00703c", [row["completed"] for row in table]),
            charts.Series("In progress", "#1d70b8", [row["in_progress"] for row in table]),
            charts.Series("Not started", "#505a5f", [row["not_started"] for row in table]),
        ],
        chart_id="programme-progress",
    )
    return chart, table


def export_rows(rows: list[Row]) -> list[list[object]]:
    """The dashboard as a table for CSV or Excel: one row per review, dates as dates, counts as numbers."""
    header = ["Review", "Council", "Region", "Status", "Leads", "On site from"]
    header += [f"{stage.title}: status" for stage in stages.all_stages()]
    for kind in MILESTONES:
        header += [f"{kind.label}: date", f"{kind.label}: status"]
    header += ["Actions red", "Actions amber", "Actions green", "Actions overdue", "Findings published"]
    table: list[list[object]] = [header]
    for row in rows:
        review = row.review
        line: list[object] = [
            review.title,
            review.council.name,
            review.council.get_region_display(),
            review.get_status_display(),
            "; ".join(row.leads),
            review.onsite_start,
        ]
        line += [progress.status for progress in row.progress]
        for milestone in row.milestones:
            line += [milestone.due, milestone.signal.label]
        line += [row.plan_red, row.plan_amber, row.plan_green, row.plan_overdue, row.findings]
        table.append(line)
    return table
