"""Query-string values a view cannot use are ignored, never a 500."""

import pytest
from django.test import RequestFactory

from reviews.params import MAX_ID, choice_param, int_param, text_param


def get(query: str):
    return RequestFactory().get(f"/?{query}")


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("theme=12", 12),
        ("theme=0", 0),
        (f"theme={MAX_ID}", MAX_ID),
        (f"theme={MAX_ID + 1}", None),
        ("theme=99999999999999999999", None),
        ("theme=-1", None),
        ("theme=+1", None),
        ("theme=1.5", None),
        ("theme=abc", None),
        ("theme=%C2%B2", None),  # a superscript two: str.isdigit() says yes, int() says no
        ("theme=%D9%A3", None),  # an Arabic-Indic three
        ("theme=", None),
        ("", None),
    ],
)
def test_int_param_takes_only_a_whole_number_a_column_can_hold(query, expected):
    assert int_param(get(query), "theme") == expected


def test_int_param_gives_the_default_for_a_bad_value():
    assert int_param(get("page=abc"), "page", default=1) == 1


def test_choice_param_takes_only_an_offered_choice():
    choices = ["open", "closed"]

    assert choice_param(get("status=open"), "status", choices) == "open"
    assert choice_param(get("status=%3Cscript%3E"), "status", choices) == ""
    assert choice_param(get("outcome=nonsense"), "outcome", ["all", "agreed"], default="all") == "all"


def test_text_param_refuses_a_nul_and_overlong_text():
    assert text_param(get("team=North%20team"), "team") == "North team"
    assert text_param(get("team=North%00"), "team") == ""
    assert text_param(get("team=" + "x" * 201), "team") == ""
