"""The programme dashboard, its exports, and the programme view of one review: counts and progress only."""

from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from . import exports, permissions, programme, stages
from .charts import findings_by_theme_chart
from .models import Finding

PAGE_SIZE = 25


def _require_programme(request: HttpRequest) -> None:
    if not permissions.can_view_programme(request.user):
        raise Http404("No such page.")


def _filtered_rows(request: HttpRequest) -> tuple[programme.ProgrammeFilterForm, list[programme.Row]]:
    filters = programme.ProgrammeFilterForm(request.GET or None)
    reviews = programme.reviews_queryset().order_by("-onsite_start", "title")
    if filters.is_valid():
        reviews = filters.apply(reviews)
    rows = programme.build_rows(list(reviews), timezone.localdate())
    return filters, filters.sorted(rows)


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    """Every review of the programme: stages, milestones, plan and findings as counts, filtered and sorted."""
    _require_programme(request)
    filters, rows = _filtered_rows(request)
    chart, chart_table = programme.progress_chart(rows)
    context = {
        "filters": filters,
        "page": Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page")),
        "query": filters.querystring(),
        "chart": chart,
        "chart_table": chart_table,
        "late_total": sum(len(row.late) for row in rows),
        "red_total": sum(row.plan_red for row in rows),
    }
    return render(request, "reviews/programme.html", context)


@require_GET
def dashboard_export(request: HttpRequest, fmt: str) -> HttpResponse:
    """The dashboard's reviews, as filtered and sorted there, as CSV or Excel."""
    _require_programme(request)
    _, rows = _filtered_rows(request)
    table = programme.export_rows(rows)
    stamp = timezone.localdate().isoformat()
    if fmt == "csv":
        response = HttpResponse(exports.to_csv(table), content_type=exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(exports.to_xlsx(table, title="Programme"), content_type=exports.XLSX_CONTENT_TYPE)
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
