"""Focus groups and the codebook in a search of the review: both are the peer team's working material, so only
the peer side finds them."""

from django.urls import reverse

from reviews import permissions
from reviews.models import Review, ReviewMembership
from reviews.search import RESULTS_PER_SOURCE, Result

from .models import Code, FocusGroup


def search(review: Review, membership: ReviewMembership, query: str) -> list[Result]:
    if not permissions.can_see_peer_material(membership):
        return []
    groups = FocusGroup.objects.filter(review=review, title__icontains=query).order_by("held_on", "title")
    codes = Code.objects.filter(review=review, name__icontains=query).select_related("parent").order_by("name")
    return [
        Result("Focus group", group.title, reverse("focusgroups:group", args=[review.pk, group.pk]), "")
        for group in groups[:RESULTS_PER_SOURCE]
    ] + [Result("Code", str(code), code.get_absolute_url(), "Focus-group code") for code in codes[:RESULTS_PER_SOURCE]]
