"""What a review covers: the one place that says which scope areas, focus areas and specific
circumstances are in a review's scope.

A review works through its framework's scope areas, focus areas and specific circumstances,
less those it leaves out (``Review.excluded_scope_areas`` and ``excluded_focus_areas``), plus
the scope items and lines of enquiry of the council's own (``ScopeArea.review`` and
``FocusArea.review`` set to the review). Leaving out is stored rather than taking in, so a
review created anywhere (admin, an import, a test) has its framework's whole scope until
someone narrows it. Every page, form and report asks here; none reads a framework's lists.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, ProtectedError, Q, QuerySet, RestrictedError

from .models import FocusArea, Review, ScopeArea


def _of_review(model, review: Review) -> QuerySet:
    return model.objects.filter(Q(review__isnull=True) | Q(review=review), framework_id=review.framework_id)


def scope_areas(review: Review, *, with_excluded: bool = False) -> QuerySet[ScopeArea]:
    """The scope areas in the review's scope, the framework's first, in their order.

    With `with_excluded`, those the review leaves out too (for filtering records that carry one from before).
    """
    areas = _of_review(ScopeArea, review)
    if not with_excluded:
        areas = areas.exclude(pk__in=review.excluded_scope_areas.values("pk"))
    return areas.order_by("order", "pk")


def focus_areas(review: Review, kind: str | None = None, *, with_excluded: bool = False) -> QuerySet[FocusArea]:
    """The focus areas and specific circumstances in scope, or only one kind of them (`with_excluded` as above)."""
    areas = _of_review(FocusArea, review)
    if not with_excluded:
        areas = areas.exclude(pk__in=review.excluded_focus_areas.values("pk"))
    if kind:
        areas = areas.filter(kind=kind)
    return areas.order_by("kind", "order", "pk")


def circumstances(review: Review) -> QuerySet[FocusArea]:
    return focus_areas(review, FocusArea.Kind.CIRCUMSTANCE)


def framework_scope_areas(review: Review) -> QuerySet[ScopeArea]:
    """Every shared scope area of the review's framework, in scope or not: the choices when tailoring."""
    return ScopeArea.objects.filter(framework_id=review.framework_id, review__isnull=True).order_by("order")


def framework_focus_areas(review: Review) -> QuerySet[FocusArea]:
    return FocusArea.objects.filter(framework_id=review.framework_id, review__isnull=True).order_by("kind", "order")


def belongs_to(review: Review, item: ScopeArea | FocusArea) -> bool:
    """True when a scope area or focus area is the review's framework's or the review's own."""
    return item.framework_id == review.framework_id and item.review_id in (None, review.pk)


def in_scope(review: Review, item: ScopeArea | FocusArea) -> bool:
    """True when the item belongs to the review and the review has not left it out."""
    if not belongs_to(review, item):
        return False
    excluded = review.excluded_scope_areas if isinstance(item, ScopeArea) else review.excluded_focus_areas
    return not excluded.filter(pk=item.pk).exists()


@transaction.atomic
def set_scope(
    review: Review,
    *,
    scope_areas_in: list[ScopeArea],
    focus_areas_in: list[FocusArea],
    local_scope_items: list[str] = (),
    local_lines_of_enquiry: list[str] = (),
) -> None:
    """Record which of the framework's items are in scope and add the council's own items.

    Local items are added by title; a title the review already has is left as it is, so saving
    the same list twice adds nothing. Local items are removed one by one (``remove_local``).
    """
    keep_scope = {area.pk for area in scope_areas_in}
    keep_focus = {area.pk for area in focus_areas_in}
    review.excluded_scope_areas.set([a for a in framework_scope_areas(review) if a.pk not in keep_scope])
    review.excluded_focus_areas.set([a for a in framework_focus_areas(review) if a.pk not in keep_focus])
    for title in local_scope_items:
        if not review.local_scope_areas.filter(title=title).exists():
            ScopeArea.objects.create(
                framework_id=review.framework_id, review=review, order=_next_order(ScopeArea, review), title=title
            )
    for title in local_lines_of_enquiry:
        if not review.local_focus_areas.filter(title=title).exists():
            FocusArea.objects.create(
                framework_id=review.framework_id,
                review=review,
                kind=FocusArea.Kind.FOCUS,
                order=_next_order(FocusArea, review, kind=FocusArea.Kind.FOCUS),
                title=title,
            )


def _next_order(model, review: Review, **filters) -> int:
    """Local items are numbered after the framework's own, so their numbers never clash on a page."""
    highest = _of_review(model, review).filter(**filters).aggregate(top=Max("order"))["top"] or 0
    return highest + 1


def clashing_title(review: Review, model, title: str) -> bool:
    """True when the framework or the review already has an item of that title (compared without case)."""
    return _of_review(model, review).filter(title__iexact=title.strip()).exists()


def remove_local(item: ScopeArea | FocusArea) -> str | None:
    """Remove one of the council's own items; the reason it cannot be removed, or None when it was.

    Whatever points at the item (a finding, a document, a self-assessment entry, a case) keeps it.
    """
    in_use = f"“{item.title}” is in use by findings, documents, entries or cases of this review: change those first."
    tagged = item.documents if isinstance(item, ScopeArea) else item.cases
    if tagged.exists():
        return in_use
    try:
        with transaction.atomic():
            item.delete()
    except (ProtectedError, RestrictedError):
        return in_use
    return None


def focus_areas_allowed(review: Review, areas, instance=None) -> list[FocusArea]:
    """The focus areas and circumstances ticked on a record's form (a finding, a learning point, a line of
    enquiry): each must be in the review's scope, except one the record already carries (the review may have
    left it out since). Otherwise a ValidationError names those that are not."""
    areas = list(areas or [])
    kept = set(instance.focus_areas.values_list("pk", flat=True)) if instance is not None and instance.pk else set()
    outside = [area for area in areas if area.pk not in kept and not in_scope(review, area)]
    if outside:
        names = ", ".join(f"“{area.title}”" for area in outside)
        verb = "is" if len(outside) == 1 else "are"
        raise ValidationError(f"Choose focus areas and circumstances in this review's scope: {names} {verb} not.")
    return areas
