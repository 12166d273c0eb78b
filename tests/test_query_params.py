"""No query string gives a 500: every page is walked with hostile values for every parameter the views read.

The parameter names are read from the views' source (request.GET and the reviews.params helpers) and
from the filter forms bound to request.GET, so a new parameter is walked without being listed here.
"""

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django import forms
from django.contrib.auth.models import Permission
from django.test import Client

from interviews.models import LineOfEnquiry

from .test_url_walker import REVIEW_PREFIX, fill, review_objects, walk

PROJECT = Path(__file__).resolve().parent.parent
APPS = ["reviews", "selfassessment", "casemapping", "audits", "focusgroups", "interviews", "conference"]
READS = re.compile(r"""(?:GET\.get(?:list)?\(\s*|GET\[\s*|_param\(\s*request,\s*)["'](\w+)["']""")
HOSTILE = [
    "99999999999999999999",
    "-99999999999999999999",
    "abc",
    "-1",
    "0",
    "1.5",
    "²",
    "<script>alert(1)</script>",
    "\x00",
    "",
]


def parameter_names() -> set[str]:
    names = set()
    for app in APPS:
        for path in (PROJECT / app).rglob("*.py"):
            names |= set(READS.findall(path.read_text()))
    for app in APPS:
        module = __import__(f"{app}.forms", fromlist=["forms"])
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, forms.Form) and value.__name__.endswith("FilterForm"):
                names |= set(value.base_fields)
    return names


def walked_routes() -> list[str]:
    """Every page a member opens with GET: the review-scoped ones and those that name nothing."""
    return sorted(
        {
            route
            for route, _ in walk()
            if route.startswith(REVIEW_PREFIX) or ("<" not in route and not route.startswith("admin/"))
        }
    )


@pytest.fixture
def objects(review, lead):
    return review_objects(review, lead)


def test_the_walk_reads_the_parameters_the_views_use():
    names = parameter_names()

    assert {"page", "theme", "status", "partner", "format", "team", "q", "threshold_level", "agency"} <= names


@pytest.mark.parametrize("value", HOSTILE, ids=repr)
def test_no_page_gives_a_500_for_a_hostile_query_string(value, objects, lead):
    lead.user_permissions.add(Permission.objects.get(codename="view_programme"))
    client = Client(raise_request_exception=False)
    client.force_login(lead)
    query = urlencode(dict.fromkeys(sorted(parameter_names()), value))

    failures = []
    for route in walked_routes():
        url = f"{fill(route, objects)}?{query}"
        if client.get(url).status_code >= 500:
            failures.append(url)

    assert failures == []


def test_a_theme_no_id_can_have_is_ignored_on_the_lines_of_enquiry(review, lead_client):
    first, second = review.framework.themes.order_by("order")[:2]
    triage = LineOfEnquiry.objects.create(review=review, theme=first, text="How are referrals triaged?")
    voice = LineOfEnquiry.objects.create(review=review, theme=second, text="How is the child's voice heard?")
    url = f"/reviews/{review.pk}/interviews/lines/"

    huge = lead_client.get(url, {"theme": "99999999999999999999"})
    superscript = lead_client.get(url, {"theme": "²"})
    chosen = lead_client.get(url, {"theme": str(first.pk)})

    assert (huge.status_code, superscript.status_code, chosen.status_code) == (200, 200, 200)
    assert list(huge.context["page"]) == list(superscript.context["page"]) == [triage, voice]
    assert list(chosen.context["page"]) == [triage]
    assert (huge.context["query"], chosen.context["query"]) == ("", f"theme={first.pk}")
