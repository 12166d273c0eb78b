"""Request bodies refused before anything reads them (reviews/request_limits.py): one larger than the page takes
(413, written to no temporary file), and a form not sent as UTF-8 (400, not a server error)."""

import pytest
from django.test import Client
from django.urls import reverse

from focusgroups.models import Question, Response

from ..focusgroups.conftest import make_questionnaire, question

UTF16_FORM = "application/x-www-form-urlencoded; charset=utf-16"


@pytest.fixture
def questionnaire(review):
    return make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")


def test_a_public_page_refuses_a_body_larger_than_a_form_from_its_declared_length(questionnaire, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    free = question(questionnaire, Question.Kind.TEXT)

    page = Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": "x", "q43": ("a" * 5000).encode()})

    body = page.content.decode()
    assert page.status_code == 413
    assert "What you sent is too large" in body and "this page takes at most 2.0" in body
    assert "Childline" in body or "public" in page.templates[1].name  # the public layout, with its help
    assert not Response.objects.exists()


def test_a_public_page_takes_a_form_within_the_limit(questionnaire, settings):
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 2000
    free = question(questionnaire, Question.Kind.TEXT)

    assert Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": "x" * 500}).status_code == 200
    assert Response.objects.count() == 1


def test_someone_signed_in_may_send_the_largest_file_with_its_form_and_no_more(lead_client, settings):
    settings.EVIDENCE_MAX_UPLOAD_BYTES = 3000
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 1000
    from reviews.tables.core import MAX_FILE_BYTES

    limit = max(3000, MAX_FILE_BYTES) + 1000
    url = reverse("reviews:list")

    refused = lead_client.post(url, data=b"x" * (limit + 1), content_type="application/octet-stream")
    allowed = lead_client.post(url, data=b"x" * 10, content_type="application/octet-stream")

    assert refused.status_code == 413
    assert "Go to your reviews" in refused.content.decode()
    assert allowed.status_code == 405  # through to the page, which takes no POST


@pytest.mark.parametrize("path", ["/accounts/login/", "/vote/", "questionnaire"])
def test_a_form_not_sent_as_utf8_gets_a_page_saying_so_not_a_server_error(path, questionnaire):
    client = Client(enforce_csrf_checks=True)
    url = f"/q/{questionnaire.token}/" if path == "questionnaire" else path
    client.get(url)  # the security check's cookie, as a browser would have it

    page = client.post(url, data="x=1", content_type=UTF16_FORM)  # encoded in UTF-16 by the client

    assert page.status_code == 400
    assert "It was not sent in the character set this site reads (UTF-8)" in page.content.decode()
    assert not Response.objects.exists()


def test_a_length_that_is_no_number_is_read_as_no_body(questionnaire):
    page = Client().post(
        f"/q/{questionnaire.token}/", data=b"", content_type=UTF16_FORM.split(";")[0], CONTENT_LENGTH="lots"
    )

    assert page.status_code == 200
