"""`{% url %}` keeps each address once worked out (reviews/links.py): the same addresses as Django's tag, kept only
under the same URL patterns and script prefix, and only for plain values."""

import pytest
from django.conf import settings
from django.template import Template, TemplateSyntaxError, engines
from django.test import override_settings
from django.urls import NoReverseMatch, clear_script_prefix, clear_url_caches, reverse, set_script_prefix

from reviews import links
from reviews.templatetags.links import URLNode


def render(source: str, **context) -> str:
    return engines["django"].from_string(source).render(context)


@pytest.fixture(autouse=True)
def _nothing_kept():
    links._kept.cache_clear()
    yield
    links._kept.cache_clear()


def test_the_sites_templates_use_the_kept_tag():
    template = engines["django"].from_string("{% url 'home' %}")
    assert any(isinstance(node, URLNode) for node in template.template.nodelist)


@pytest.mark.django_db
def test_the_addresses_are_djangos(review, finding):
    cases = [
        ("{% url 'home' %}", reverse("home")),
        ("{% url 'reviews:overview' review.pk %}", reverse("reviews:overview", args=[review.pk])),
        ("{% url 'reviews:overview' review_id=review.pk %}", reverse("reviews:overview", args=[review.pk])),
        ("{% url 'reviews:overview' '7' %}", reverse("reviews:overview", args=[7])),
        ("{% url name review.pk %}", reverse("reviews:overview", args=[review.pk])),
        (
            "{% url 'reviews:overview' review.pk as there %}[{{ there }}]",
            f"[{reverse('reviews:overview', args=[review.pk])}]",
        ),
        ("{% url 'no-such-page' as there %}[{{ there }}]", "[]"),
    ]
    for _ in range(2):  # worked out, then kept
        for source, expected in cases:
            assert render(source, review=review, name="reviews:overview") == expected, source
    assert links._kept.cache_info().hits >= 5


def test_a_missing_address_still_fails_the_page():
    with pytest.raises(NoReverseMatch):
        render("{% url 'no-such-page' %}")
    with pytest.raises(NoReverseMatch):
        render("{% url 'reviews:overview' 'not-a-number' %}")
    with pytest.raises(TemplateSyntaxError):
        Template("{% url %}")


def test_what_is_not_an_id_or_a_slug_is_never_kept():
    for value in (True, 1.5, None, object()):
        with pytest.raises(NoReverseMatch):
            links.reverse("reviews:overview", args=[value])
    assert links._kept.cache_info().currsize == 0


def test_the_address_follows_the_script_prefix_and_the_url_patterns():
    assert links.reverse("home") == "/"
    set_script_prefix("/peer-review/")
    try:
        assert links.reverse("home") == "/peer-review/"
    finally:
        clear_script_prefix()
    assert links.reverse("home") == "/"
    with override_settings(ROOT_URLCONF="benchmarks.urls"):
        assert links._kept.cache_info().currsize == 0  # the patterns changed: nothing kept is used
        assert links.reverse("home") == reverse("home")


def test_urls_swapped_without_a_signal_are_followed(monkeypatch):
    """As pytest's `urls` mark does: the setting changed in place, no signal sent."""
    assert render("{% url 'home' %}") == "/"
    monkeypatch.setattr(settings, "ROOT_URLCONF", "tests.reviews.urls_elsewhere")
    clear_url_caches()
    try:
        assert render("{% url 'home' %}") == "/elsewhere/" == reverse("home")
    finally:
        monkeypatch.undo()
        clear_url_caches()
    assert render("{% url 'home' %}") == "/"
