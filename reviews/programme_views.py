"""The programme dashboard, its exports, and the programme view of one review: counts and progress only."""

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import derived, exports, permissions, programme, stages
from .charts import findings_by_theme_chart
from .models import Finding, Review
from .params import int_param

T = TypeVar("T")

PAGE_SIZE = 25


def _require_programme(request: HttpRequest) -> None:
    if not permissions.can_view_programme(request.user):
        raise Http404("No such page.")


def _filtered_rows(filters: programme.ProgrammeFilterForm) -> list[programme.Row]:
    reviews = programme.reviews_queryset().order_by("-onsite_start", "title")
    if filters.is_valid():
        reviews = filters.apply(reviews)
    rows = programme.build_rows(list(reviews), timezone.localdate())
    return filters.sorted(rows)


def _kept(filters: programme.ProgrammeFilterForm, page: int | None, what: str, make: Callable[[], T]) -> T:
    """What `make()` gives for these filters and sort (as read: a parameter the form does not know, or cannot read,
    makes no new copy) and page, kept until any review changes (a change to one may move it into or out of the
    filters; reviews/derived.py) and for today only (milestones and overdue actions count from today). The same for
    every programme manager, so kept once for all of them."""
    every_review = Review.objects.order_by("pk").values_list("pk", flat=True)  # read only when figures are kept
    shown = hashlib.sha256(f"{filters.querystring()}|{page}".encode()).hexdigest()
    return derived.cached(f"programme-{what}-2-{timezone.localdate().isoformat()}-{shown}", every_review, make)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every review of the programme: stages, milestones, plan and findings as counts, filtered and sorted."""
    _require_programme(request)
    filters = programme.ProgrammeFilterForm(request.GET or None)
    page = int_param(request, "page")  # anything else is the first page
    context = {"filters": filters, "results": _kept(filters, page, "page", lambda: _results_html(filters, page))}
    return render(request, "reviews/programme.html", context)


def _results_html(filters: programme.ProgrammeFilterForm, page: int | None) -> str:
    rows = _filtered_rows(filters)
    chart, chart_table = programme.progress_chart(rows)
    context = {
        "page": Paginator(rows, PAGE_SIZE).get_page(page),
        "query": filters.querystring(),
        "chart": chart,
        "chart_table": chart_table,
        "late_total": sum(len(row.late) for row in rows),
        "red_total": sum(row.plan_red for row in rows),
    }
    return render_to_string("reviews/_programme_results.html", context)


@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's reviews, as filtered and sorted there, as CSV or Excel."""
    _require_programme(request)

    filters = programme.ProgrammeFilterForm(request.GET or None)

    def made() -> bytes | str:
        table = programme.export_rows(_filtered_rows(filters))
        return exports.to_csv(table) if fmt == "csv" else exports.to_xlsx(table, title="Programme")

    stamp = timezone.localdate().isoformat()
    content_type = exports.CSV_CONTENT_TYPE if fmt == "csv" else exports.XLSX_CONTENT_TYPE
    response = HttpResponse(_kept(filters, None, fmt, made), content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="programme-{stamp}.{fmt}"'
    return response


def open_to_programme(view):
    """Marks a review-scoped view that programme managers may open as well as members (see the middleware)."""
    view.open_to_programme = True
    return view


@open_to_programme
@require_GET
def review_programme(request: HttpRequest, review_id: int) -> HttpResponse:
    """One review as the programme sees it: stages, milestones, the plan by priority and published findings."""
    review = get_object_or_404(programme.reviews_queryset().select_related("framework"), pk=review_id)
    if not permissions.can_view_programme_of(request.user, review):
        raise Http404("No such page.")
    row = programme.build_rows([review], timezone.localdate())[0]
    theme_rows = Finding.objects.filter(review=review, status=Finding.Status.PUBLISHED).counts_by_theme(
        review.framework
    )
    context = {
        "review": review,
        "row": row,
        "stage_rows": list(zip(stages.all_stages(), row.progress, strict=True)),
        "theme_rows": theme_rows,
        "chart": findings_by_theme_chart(theme_rows, chart_id="programme-findings"),
        # Back to the programme for its managers; anyone else here is a member, back to the review.
        "is_programme_manager": permissions.can_view_programme(request.user),
    }
    return render(request, "reviews/programme_review.html", context)
