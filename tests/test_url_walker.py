"""Walks every URL pattern of the project, so a new review-scoped URL is covered without being listed here."""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.urls import URLPattern, URLResolver, get_resolver

from reviews.models import Finding, Report, ReviewExport

from .factories import FindingFactory, ReportFactory

TESTS_DIR = Path(__file__).resolve().parent
REVIEW_PREFIX = "reviews/<int:review_id>/"
PARAMETER = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


def walk(patterns=None, prefix=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            yield from walk(entry.url_patterns, prefix + str(entry.pattern))
        elif isinstance(entry, URLPattern):
            yield prefix + str(entry.pattern), entry


def review_scoped_routes() -> list[str]:
    return sorted({route for route, _ in walk() if route.startswith(REVIEW_PREFIX)})


def fill(route: str, values: dict[str, object]) -> str:
    def replace(match: re.Match) -> str:
        name = match.group("name")
        if name not in values:
            raise AssertionError(
                f"The URL walker has no object for <{name}> in {route!r}: add one to the `objects` fixture."
            )
        return str(values[name])

    return "/" + PARAMETER.sub(replace, route)


def stage_object_makers() -> list:
    """Each test folder may hold a walker.py with `walker_objects(review, lead) -> {kwarg: id}` for its URLs."""
    makers = []
    for module_info in pkgutil.iter_modules([str(TESTS_DIR)]):
        if module_info.ispkg and (TESTS_DIR / module_info.name / "walker.py").exists():
            makers.append(importlib.import_module(f"tests.{module_info.name}.walker").walker_objects)
    return makers


@pytest.fixture
def objects(review, lead):
    """One object of every kind a review-scoped URL names, all inside `review`."""
    return review_objects(review, lead)


def review_objects(review, lead) -> dict:
    """One object of every kind a review-scoped URL names, all inside `review`: {URL parameter: id}."""
    finding = FindingFactory(review=review, raised_by=lead)
    report = ReportFactory(review=review, status=Report.Status.DONE, sha256="0" * 64)
    report.file.save("walker.pdf", ContentFile(b"%PDF-1.4 walker"), save=True)
    export = ReviewExport.objects.create(review=review, requested_by=lead, status=ReviewExport.Status.DONE)
    export.file.save("walker.zip", ContentFile(b"PK walker"), save=True)
    values = {"review_id": review.pk, "finding_id": finding.pk, "report_id": report.pk, "export_id": export.pk}
    for make in stage_object_makers():
        values.update(make(review, lead))
    return values


def test_the_walker_finds_the_review_scoped_urls():
    routes = review_scoped_routes()

    assert "reviews/<int:review_id>/" in routes
    assert "reviews/<int:review_id>/findings/<int:finding_id>/edit/" in routes
    assert "reviews/<int:review_id>/audits/" in routes
    assert len(routes) >= 16


@pytest.mark.parametrize("route", review_scoped_routes())
def test_outsider_gets_404_on_every_review_scoped_url_for_get_and_post(route, objects, outsider_client):
    url = fill(route, objects)

    got = outsider_client.get(url)
    posted = outsider_client.post(url, {"summary": "Outsider's finding", "kind": "strength"})

    assert got.status_code == 404, url
    assert posted.status_code == 404, url


@pytest.mark.parametrize("route", review_scoped_routes())
def test_read_only_observer_gets_403_on_every_write(route, objects, observer_client):
    url = fill(route, objects)
    findings_before = list(Finding.objects.values_list("pk", "version", "status"))
    reports_before = list(Report.objects.values_list("pk", "status", "shared_with_host"))

    response = observer_client.post(url, {"summary": "Observer's finding", "kind": "strength"})

    assert response.status_code in {403, 405}, url
    assert list(Finding.objects.values_list("pk", "version", "status")) == findings_before
    assert list(Report.objects.values_list("pk", "status", "shared_with_host")) == reports_before


def test_observer_posts_are_refused_with_403_not_only_405(objects, observer_client):
    refused = {
        route for route in review_scoped_routes() if observer_client.post(fill(route, objects), {}).status_code == 403
    }

    assert {
        "reviews/<int:review_id>/findings/new/",
        "reviews/<int:review_id>/findings/<int:finding_id>/edit/",
        "reviews/<int:review_id>/reports/request/",
        "reviews/<int:review_id>/reports/<int:report_id>/retry/",
        "reviews/<int:review_id>/reports/<int:report_id>/share/",
    } <= refused


@pytest.mark.parametrize("route", review_scoped_routes())
def test_every_review_scoped_page_opens_for_a_role_that_may_use_it(route, objects, lead_client, organiser_client):
    url = fill(route, objects)

    statuses = {lead_client.get(url).status_code, organiser_client.get(url).status_code}

    assert statuses <= {200, 403, 404, 405}, url
    assert 200 in statuses or statuses == {405}, url
