"""The site's URLs and the benchmark's two references (see benchmarks/settings.py): a minimal write view, and a
review's page with nothing on it."""

import functools

from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponse
from django.template import engines
from django.urls import include, path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from focusgroups.models import Questionnaire, Response


@csrf_exempt
@login_not_required
@require_POST
def write_one_row(request):
    """Save one row through the ORM and answer: what any anonymous form costs at the least."""
    questionnaire = Questionnaire.objects.only("pk").get(token=request.GET.get("token", ""))
    Response.objects.create(questionnaire=questionnaire, mode=Response.Mode.ONLINE)
    return HttpResponse("saved", content_type="text/plain")


EMPTY_PAGE = """{% extends "base.html" %}{% block title %}Nothing{% endblock %}
{% block content %}<h1 class="govuk-heading-xl">Nothing</h1>{% endblock %}"""


@require_GET
def empty_review_page(request, review_id: int):
    """A review's page with nothing on it: what every member's page costs before its own work (the session, the
    account and its second step, the membership check, the access log's entry and the site's layout)."""
    return HttpResponse(_empty_page().render({}, request))


@functools.cache
def _empty_page():
    return engines["django"].from_string(EMPTY_PAGE)  # compiled once, as the site's templates are


urlpatterns = [
    path("bench/write/", write_one_row),
    path("bench/reviews/<int:review_id>/nothing/", empty_review_page),
    path("", include("peerreview.urls")),
]
