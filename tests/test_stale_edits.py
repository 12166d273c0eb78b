"""Every edit form refuses a stale save: two people editing the same record cannot overwrite each other.

The edit views are found, not listed: every URL pattern whose view binds a form to an `instance=` (looking
into the helpers of its own module that it calls) is a ModelForm-backed view. Each of them is walked as a
browser would: open the form, let someone else save a change from the same page, then save another change
from the page opened before theirs. The second save must be refused with a message and change nothing.
A new edit view is walked without being added here; one that is not an edit must be named below, with why.
"""

import ast
import inspect
import textwrap
from html.parser import HTMLParser

import pytest
from django import forms
from django.urls import URLResolver, get_resolver
from django.utils.html import escape

from interviews.models import ProgrammeRules
from selfassessment.models import Entry, PeerAnalysis, RecommendationPeerView

from .factories import FindingFactory, ReviewFactory
from .test_url_walker import fill, stage_object_makers

# Views that bind a ModelForm to an instance but edit nothing that exists, or that only add records.
NOT_EDITS = {
    "conference:priority_create": "adds a priority: there is no earlier version to lose",
    "conference:action_create": "adds an action to a priority: there is no earlier version to lose",
}
# Append-only records, kept here for the reader: their views bind no instance, so the walk does not find
# them. An update is a new dated row beside the others, so two people adding at once both keep theirs.
APPEND_ONLY = {
    "conference:action_update": "a dated progress update on a plan action",
    "focusgroups:alert": "a note of what was done about a safeguarding alert, posted on the alert's page",
}
CAST = ["lead", "challenge", "peer", "auditor", "organiser", "sponsor", "contributor"]


def binds_an_instance(view, seen: set) -> bool:
    """Whether the view, or a function of its own module that it calls, passes `instance=` to a form."""
    view = inspect.unwrap(view)
    if view in seen or not inspect.isfunction(view):
        return False
    seen.add(view)
    for node in ast.walk(ast.parse(textwrap.dedent(inspect.getsource(view)))):
        if not isinstance(node, ast.Call):
            continue
        if any(keyword.arg == "instance" for keyword in node.keywords):
            return True
        if isinstance(node.func, ast.Name):
            called = view.__globals__.get(node.func.id)
            if inspect.isfunction(called) and called.__module__ == view.__module__ and binds_an_instance(called, seen):
                return True
    return False


def named_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """(namespaced name, route, pattern) for every named URL pattern of the project outside the admin."""
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace != "admin":
                inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
                yield from named_routes(entry.url_patterns, prefix + str(entry.pattern), inner)
        elif entry.name:
            yield namespace + entry.name, prefix + str(entry.pattern), entry


def model_form_views() -> dict[str, str]:
    """The views that bind a form to an instance, by URL name, with their routes."""
    return {
        name: route
        for name, route, pattern in named_routes()
        if not hasattr(pattern.callback, "view_class") and binds_an_instance(pattern.callback, set())
    }


EDIT_VIEWS = sorted(name for name in model_form_views() if name not in NOT_EDITS)


class PostForms(HTMLParser):
    """The POST forms of a page and what a browser would send from each without touching anything."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[dict] = []
        self._form = None
        self._select = None
        self._textarea = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        if tag == "form" and attrs.get("method", "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "data": {}, "submit": None}
            self.forms.append(self._form)
        if self._form is None or (not attrs.get("name") and tag != "option"):
            return
        name, kind, data = attrs.get("name"), attrs.get("type", "").lower(), self._form["data"]
        if tag == "input" and kind in {"checkbox", "radio"}:
            if "checked" in attrs:
                data.setdefault(name, []).append(attrs.get("value", "on"))
        elif tag == "input" and kind in {"submit", "image"} or tag == "button" and kind in {"", "submit"}:
            self._form["submit"] = self._form["submit"] or (name, attrs.get("value", ""))
        elif tag == "input" and kind not in {"file", "reset", "button"}:
            data.setdefault(name, []).append(attrs.get("value", ""))
        elif tag == "select":
            self._select = {"name": name, "first": None, "chosen": [], "multiple": "multiple" in attrs}
        elif tag == "option" and self._select is not None:
            value = attrs.get("value", "")
            self._select["first"] = value if self._select["first"] is None else self._select["first"]
            if "selected" in attrs:
                self._select["chosen"].append(value)
        elif tag == "textarea":
            self._textarea = [name, ""]

    def handle_data(self, data) -> None:
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None and self._form is not None:
            chosen = self._select["chosen"] or ([] if self._select["multiple"] else [self._select["first"] or ""])
            self._form["data"][self._select["name"]] = chosen
            self._select = None
        elif tag == "textarea" and self._textarea is not None and self._form is not None:
            name, text = self._textarea
            self._form["data"].setdefault(name, []).append(text[1:] if text.startswith("\n") else text)
            self._textarea = None


def browser_post(html: str, form) -> dict[str, list[str]]:
    """What the page's form for `form` (the one with most of its fields) sends when submitted unchanged."""
    parser = PostForms()
    parser.feed(html)
    names = set(form.fields)
    chosen = max(parser.forms, key=lambda candidate: len(names & set(candidate["data"])))
    data = dict(chosen["data"])
    if chosen["submit"]:
        data[chosen["submit"][0]] = [chosen["submit"][1]]
    return data


def changed(data: dict[str, list[str]], form, turn: int) -> dict[str, list[str]]:
    """The data with one field changed, differently for each turn: a text, a number, a choice or a tick."""
    data = {name: list(values) for name, values in data.items()}
    for bound in form.visible_fields():
        if type(bound.field) is forms.CharField and not isinstance(
            bound.field.widget, forms.Select | forms.RadioSelect
        ):
            data[bound.html_name] = [(data.get(bound.html_name) or [""])[0] + f"-{turn}"]
            return data
    for bound in form.visible_fields():
        field, name = bound.field, bound.html_name
        if isinstance(field, forms.IntegerField) and data.get(name, [""])[0].strip().isdigit():
            data[name] = [str(int(data[name][0]) + turn)]
            return data
    for bound in form.visible_fields():
        field, name = bound.field, bound.html_name
        if isinstance(field, forms.ChoiceField) and not isinstance(field, forms.MultipleChoiceField):
            now = (data.get(name) or [""])[0]
            others = [str(value) for value, _ in field.choices if str(value) != now]
            if others:
                data[name] = [others[0]] if turn == 1 else [now]
                if turn == 2:
                    data["__original__"] = [now]
                return data
    for bound in form.visible_fields():
        if isinstance(bound.field, forms.BooleanField):
            ticked = bool(data.get(bound.html_name))
            if turn == 1:
                data[bound.html_name] = [] if ticked else ["on"]
            return data
    raise AssertionError(f"No field of {type(form).__name__} could be changed: teach `changed` a new kind of field.")


def saved(record) -> dict:
    return type(record).objects.filter(pk=record.pk).values().get()


@pytest.fixture
def records(review, lead):
    """One record of every kind an edit URL names, all inside `review`, and the rows a review has only once."""
    values = {"review_id": review.pk}
    for make in stage_object_makers():
        values.update(make(review, lead))
    values["finding_id"] = FindingFactory(review=review, raised_by=lead).pk
    ProgrammeRules.objects.get_or_create(review=review)
    for entry in Entry.objects.filter(review=review):
        PeerAnalysis.objects.get_or_create(entry=entry, defaults={"commentary": "The peers' reading"})
    for recommendation in RecommendationPeerView._meta.get_field("recommendation").related_model.objects.filter(
        inspection__review=review
    ):
        RecommendationPeerView.objects.get_or_create(recommendation=recommendation)
    ReviewFactory(council=review.council, title="The council's review three years before")
    return values


def test_the_walk_finds_the_edit_views_and_the_ones_left_out_exist():
    names = {name for name, _, _ in named_routes()}
    found = model_form_views()

    assert {
        "conference:priority_edit",
        "interviews:rules",
        "reviews:previous_review",
        "casemapping:case_edit",
        "focusgroups:segment",
        "reviews:planning_meeting_edit",
    } <= set(EDIT_VIEWS)
    assert set(NOT_EDITS) <= set(found)
    assert set(APPEND_ONLY) <= names
    assert not set(APPEND_ONLY) & set(found)


@pytest.mark.parametrize("name", EDIT_VIEWS)
def test_a_save_from_a_page_opened_before_someone_elses_save_is_refused_and_changes_nothing(name, records, request):
    url = fill(model_form_views()[name], records)
    for role in CAST:
        client = request.getfixturevalue(f"{role}_client")
        opened = client.get(url)
        form = opened.context.get("form") if opened.status_code == 200 else None
        if isinstance(form, forms.ModelForm) and form.instance.pk:
            break
    else:
        raise AssertionError(f"No one in the cast could open {url} as an edit of a saved record.")
    record = form.instance
    unchanged = browser_post(opened.content.decode(), form)
    assert "version" in unchanged, f"{name} sends no version, so a stale save cannot be told apart."

    before = saved(record)
    theirs = client.post(url, changed(unchanged, form, 1))
    after_theirs = saved(record)
    mine = client.post(url, {k: v for k, v in changed(unchanged, form, 2).items() if k != "__original__"})

    assert theirs.status_code == 302, theirs.context and theirs.context["form"].errors
    assert after_theirs != before
    assert mine.status_code in {200, 400}  # the form again, with what was sent; some views say 400
    refusal = mine.context["form"].non_field_errors()
    assert len(refusal) == 1
    assert "opened it" in refusal[0]
    assert escape(refusal[0]) in mine.content.decode()
    assert saved(record) == after_theirs
