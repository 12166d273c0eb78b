"""Every form of the project shows its errors one way: the GOV.UK error summary, links that lead to the field.

The forms are found, not listed: every URL pattern is opened by each of a cast of members, and every POST form
on the page with something to fill in is sent twice, once empty and once with values of the wrong type. When the
form refuses what was sent, the page must show the error summary; each summary link must point at an input,
select or textarea of the page (a radio group's first radio, not the group's name); each message must name its
field (no bare "This field is required."); the title must start with "Error:"; and what was typed must still be
there. A form that answers a refusal with a redirect and a banner fails. A new form is walked without being
added here.
"""

import datetime
import re
from html.parser import HTMLParser
from urllib.parse import urlsplit

import pytest
from django import forms
from django.apps import apps as django_apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator
from django.urls import get_resolver

from reviews.form_errors import MAX_FREE_TEXT, NamedErrors, first_input_id, name_errors
from reviews.richtext import RichTextField
from selfassessment.models import DocumentRequest, Entry

from .audits.helpers import make_audit, make_validation
from .factories import FindingFactory, ReportFactory
from .test_stale_edits import named_routes
from .test_url_walker import PARAMETER, fill, stage_object_makers

CAST = ["lead", "contributor", "organiser", "challenge", "auditor"]
# Forms that post somewhere other than a form of the review: signing out, and the search box.
NOT_FORMS = {"/accounts/logout/"}
# Messages Django writes without naming the field.
UNNAMED = re.compile(
    r"^(This field is required\.|Enter a whole number\.|Enter a number\.|Enter a valid (date|time|date/time|"
    r"email address|URL|duration)\.|Select a valid choice\.|Enter a list of values\.|Ensure this value|"
    r"No file was submitted|The submitted file is empty|“.*” is not a valid value\.)"
)
WRONG = "not-a-value"
ROOT = str(settings.BASE_DIR)


class Page(HTMLParser):
    """The parts of a page the walk looks at: ids, summary links and messages, inline errors, POST forms."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.title = ""
        self.controls: set[str] = set()
        self.ids: set[str] = set()
        self.summary: list[list[str]] = []  # [href, text]
        self.inline_errors = 0
        self.checked: dict[str, set[str]] = {}
        self.values: dict[str, list[str]] = {}
        self.forms: list[dict] = []
        self._in = {"title": False, "summary": 0, "link": None, "textarea": None}
        self._form = None
        self._select = None

    def handle_starttag(self, tag, attrs) -> None:
        attrs = dict(attrs)
        classes = (attrs.get("class") or "").split()
        if attrs.get("id"):
            self.ids.add(attrs["id"])
            if tag in {"input", "select", "textarea"} and attrs.get("type") != "hidden":
                self.controls.add(attrs["id"])
        if tag == "title":
            self._in["title"] = True
        if "govuk-error-summary" in classes:
            self._in["summary"] = 1
        elif self._in["summary"] and tag == "div":
            self._in["summary"] += 1
        if self._in["summary"] and tag == "a":
            self._in["link"] = [attrs.get("href", ""), ""]
            self.summary.append(self._in["link"])
        if "govuk-error-message" in classes:
            self.inline_errors += 1
        if tag == "form" and (attrs.get("method") or "").lower() == "post":
            self._form = {"action": attrs.get("action") or "", "hidden": {}, "fields": {}, "submit": None}
            self.forms.append(self._form)
        name, kind = attrs.get("name"), (attrs.get("type") or "text").lower()
        if tag == "input" and name:
            if kind in {"radio", "checkbox"}:
                if "checked" in attrs:
                    self.checked.setdefault(name, set()).add(attrs.get("value", "on"))
            else:
                self.values.setdefault(name, []).append(attrs.get("value", ""))
        if tag == "select":
            self._in["select"] = name
        elif tag == "option" and self._in.get("select") and "selected" in attrs:
            self.checked.setdefault(self._in["select"], set()).add(attrs.get("value", ""))
        if self._form is None:
            return
        fields = self._form["fields"]
        if tag == "input" and name:
            if kind == "hidden":
                self._form["hidden"].setdefault(name, []).append(attrs.get("value", ""))
            elif kind in {"submit", "image"}:
                self._form["submit"] = self._form["submit"] or (name, attrs.get("value", ""))
            elif kind in {"radio", "checkbox"}:
                fields.setdefault(name, {"kind": kind, "options": []})["options"].append(attrs.get("value", "on"))
            elif kind not in {"reset", "button"}:
                fields.setdefault(name, {"kind": kind, "inputmode": attrs.get("inputmode", "")})
        elif tag == "button" and name and (attrs.get("type") or "submit") == "submit":
            self._form["submit"] = self._form["submit"] or (name, attrs.get("value", ""))
        elif tag == "select" and name:
            self._select = fields.setdefault(name, {"kind": "select", "options": []})
        elif tag == "option" and self._select is not None and attrs.get("value"):
            self._select["options"].append(attrs["value"])
        elif tag == "textarea" and name:
            fields.setdefault(name, {"kind": "textarea"})
            self._in["textarea"] = name
            self.values.setdefault(name, []).append("")

    def handle_endtag(self, tag) -> None:
        if tag == "textarea" and self._in["textarea"]:
            values = self.values[self._in["textarea"]]
            values[-1] = values[-1].removeprefix("\n")  # the newline after <textarea> is not part of the value
        if tag == "title":
            self._in["title"] = False
        elif tag == "a":
            self._in["link"] = None
        elif tag == "div" and self._in["summary"]:
            self._in["summary"] -= 1
        elif tag == "form":
            self._form = None
        elif tag == "select":
            self._select = self._in["select"] = None
        elif tag == "textarea":
            self._in["textarea"] = None

    def handle_data(self, data) -> None:
        if self._in["title"]:
            self.title += data
        if self._in["link"] is not None:
            self._in["link"][1] += data
        if self._in["textarea"]:
            values = self.values[self._in["textarea"]]
            values[-1] += data


def read(response) -> Page:
    page = Page()
    page.feed(response.content.decode())
    return page


def wrong_values(fields: dict) -> tuple[dict, dict]:
    """Values a person might type by mistake: text in every box (so numbers and dates are wrong), the first
    radio, box and option chosen. Returns what is sent and what must be shown again."""
    sent, kept = {}, {}
    for name, field in fields.items():
        kind = field["kind"]
        if kind in {"radio", "checkbox", "select"}:
            if field["options"]:
                sent[name] = [field["options"][0]]
                kept[name] = field["options"][0]
        elif kind == "file":
            continue
        else:
            sent[name] = [WRONG]
            if kind != "password":
                kept[name] = WRONG
    return sent, kept


def form_objects(review, lead, state: str) -> dict:
    finding = FindingFactory(review=review, raised_by=lead)
    report = ReportFactory(review=review)
    values = {"review_id": review.pk, "finding_id": finding.pk, "report_id": report.pk}
    for make in stage_object_makers():
        values.update(make(review, lead))
    if state == WAITING:  # the entry, the document request and a case wait for the peers, so their forms show
        Entry.objects.filter(pk=values["entry_id"]).update(status=Entry.Status.SUBMITTED)
        DocumentRequest.objects.filter(pk=values["request_id"]).update(status=DocumentRequest.Status.UPLOADED)
        values["validation_id"] = make_validation(make_audit(review, "WA-002", ranks=[2] * 9, overall=2), lead).pk
    return values


def routes() -> list[tuple[str, str]]:
    known = {
        "review_id",
        "finding_id",
        "report_id",
        *(name for name in ["file_format", "kind", "version_number"]),
    }
    found = []
    for name, route, _ in named_routes():
        needs = {match.group("name") for match in PARAMETER.finditer(route)}
        if not needs - known - WALKER_KWARGS:
            found.append((name, route))
    return sorted(found)


# The URL kwargs the stage walkers make objects for (tests/*/walker.py); the walk opens every route they fill.
WALKER_KWARGS = {
    "action_id", "alert_id", "audit_id", "case_id", "code_id", "coding_id", "commitment_id", "document_id",
    "entry_id", "event_id", "group_id", "interviewee_id", "invitation_id", "item_id", "judgement_id",
    "letter_comment_id", "line_id", "meeting_id", "member_id", "note_id", "peer_id", "priority_id", "question_id",
    "questionnaire_id", "recommendation_id", "request_id", "round_id", "section_id", "segment_id", "session_id",
    "validation_id", "version_id", "workshop_id",
}  # fmt: skip
AS_MADE, WAITING = "as made", "waiting for the peers"
ROUTES = [(name, route, AS_MADE) for name, route in routes()] + [
    (name, route, WAITING)
    for name, route in routes()
    if any(f"<int:{kwarg}>" in route for kwarg in ["entry_id", "request_id", "validation_id"])
]


def bound_forms(response) -> list[forms.BaseForm]:
    if response.context is None:
        return []
    found = []
    for context in response.context:
        for value in context.flatten().values():
            if isinstance(value, forms.BaseForm) and value.is_bound and value.errors and value not in found:
                found.append(value)
    return found


def refusal_problems(response, url: str, kept: dict) -> list[str]:
    """What is wrong with how a refused form was shown again (an empty list when nothing is)."""
    page = read(response)
    problems = []
    if not page.summary:
        return [f"{url}: the form was refused ({response.status_code}) but the page has no GOV.UK error summary"]
    if not page.title.strip().startswith("Error:"):
        problems.append(f"{url}: the title {page.title.strip()!r} does not start with 'Error:'")
    for href, text in page.summary:
        text = " ".join(text.split())
        if href.startswith("#") and href[1:] not in page.controls:
            problems.append(f"{url}: the summary link {text!r} points at {href!r}, which is no input of the page")
        if UNNAMED.match(text):
            problems.append(f"{url}: the message {text!r} does not name its field")
    for form in bound_forms(response):
        for name, errors in form.errors.items():
            if name in form.fields and not form.fields[name].widget.is_hidden:
                problems += [f"{url}: {name!r} says {e!r}, which does not name it" for e in errors if UNNAMED.match(e)]
    for name, value in kept.items():
        if value not in page.values.get(name, []) and value not in page.checked.get(name, set()):
            problems.append(f"{url}: what was entered in {name!r} ({value!r}) is not shown again")
    return problems


def send(client, page_url: str, form: dict, data: dict) -> tuple[object, list[str]]:
    """Post the form; a refusal answered with a redirect and a banner is a problem in itself."""
    action = form["action"] or page_url
    payload = {**form["hidden"], **data}
    if form["submit"]:
        payload.setdefault(form["submit"][0], [form["submit"][1]])
    response = client.post(action, payload)
    if response.status_code in {301, 302, 303}:
        landed = client.get(response["Location"])
        if b"There is a problem" in landed.content and b"govuk-error-summary" not in landed.content:
            return None, [f"{action}: the refusal redirects to {response['Location']} with a banner, not the form"]
        return None, []
    return response, []


def walk_forms(client, url: str, seen: set) -> list[str]:
    """Send each form of the page not yet walked by someone else, empty and then with wrong values."""
    opened = client.get(url)
    if opened.status_code != 200 or "text/html" not in opened.get("Content-Type", ""):
        return []
    problems = []
    for form in read(opened).forms:
        action = urlsplit(form["action"]).path or url
        if action in NOT_FORMS or not form["fields"] or (action, *sorted(form["fields"])) in seen:
            continue
        seen.add((action, *sorted(form["fields"])))
        for data, kept in [({}, {}), wrong_values(form["fields"])]:
            response, refused = send(client, url, form, data)
            problems += refused
            if response is not None and response.status_code in {200, 400, 409, 422}:
                page = read(response)
                if page.summary or page.inline_errors or response.status_code != 200:
                    problems += refusal_problems(response, action, kept)
    return problems


@pytest.mark.parametrize("name,route,state", ROUTES, ids=[f"{name} ({state})" for name, _, state in ROUTES])
def test_every_form_shows_refused_input_in_the_error_summary_linked_to_its_field(
    name, route, state, review, lead, request
):
    url = fill(route, form_objects(review, lead, state))
    problems, seen = [], set()

    for role in CAST:
        problems += walk_forms(request.getfixturevalue(f"{role}_client"), url, seen)

    assert not problems, "\n".join(sorted(set(problems)))


def project_form_classes() -> list[type]:
    get_resolver().url_patterns  # noqa: B018 (imports every view, and with them every form)
    apps = {
        config.name.split(".")[0]
        for config in django_apps.get_app_configs()
        if config.path.startswith(ROOT) and "site-packages" not in config.path
    }
    found, queue = [], [forms.BaseForm]
    while queue:
        for subclass in queue.pop().__subclasses__():
            queue.append(subclass)
            if subclass.__module__.split(".")[0] in apps:
                found.append(subclass)
    return found


def test_every_form_class_of_the_project_words_its_errors_the_one_way():
    classes = project_form_classes()

    assert len(classes) > 80
    assert [cls.__qualname__ for cls in classes if not issubclass(cls, NamedErrors)] == []


@pytest.mark.parametrize(
    ("field", "label", "code", "message"),
    [
        (forms.ChoiceField(widget=forms.RadioSelect), "Kind of finding", "required", "Select the kind of finding"),
        (forms.DateField(), "Date held", "required", "Enter the date held"),
        (forms.DateField(), "Date held", "invalid", "The date held must be a real date, for example 27/3/2027"),
        (forms.IntegerField(), "How many cases", "invalid", "How many cases must be a whole number"),
        (forms.CharField(), "Summary", "required", "Enter the summary"),
        (forms.CharField(), "Detail (optional)", "required", "Enter the detail"),
        (forms.FileField(), "File", "required", "Select the file"),
        (forms.CharField(), "What did you do?", "required", "Enter an answer to “What did you do?”"),
        (
            forms.CharField(error_messages={"required": "Enter what you did."}),
            "What",
            "required",
            "Enter what you did.",
        ),
    ],
)
def test_a_message_names_its_field_from_the_label_and_a_form_s_own_message_is_kept(field, label, code, message):
    name_errors(field, label)

    assert field.error_messages[code] == message


def test_a_summary_link_leads_to_the_first_radio_of_a_group():
    class Form(NamedErrors, forms.Form):
        kind = forms.ChoiceField(choices=[("a", "A"), ("b", "B")], widget=forms.RadioSelect)
        when = forms.DateField(label="Date held")

    form = Form({"when": "not a date"})

    assert first_input_id(form["kind"]) == "id_kind_1"
    assert first_input_id(form["when"]) == "id_when"
    assert form.errors == {
        "kind": ["Select the kind"],
        "when": ["The date held must be a real date, for example 27/3/2027"],
    }


@pytest.mark.parametrize(
    ("name", "action"),
    [
        ("selfassessment:entry_detail", "/decide/"),
        ("selfassessment:request_detail", "/decide/"),
        ("conference:consolidation", "/findings/agree/"),
        ("audits:validation_detail", "/cases/"),
        ("reviews:finding_edit", "/edit/"),
    ],
)
def test_the_walk_reaches_the_forms_named_in_the_issue(name, action, review, lead, request):
    [route] = [route for route_name, route, _ in ROUTES if route_name == name][:1]
    url = fill(route, form_objects(review, lead, WAITING))
    seen = set()

    walk_forms(request.getfixturevalue("lead_client"), url, seen)

    assert any(action in walked[0] for walked in seen), seen


@pytest.mark.parametrize("typed", ["27 3 2026", "27/3/2026", "27/03/2026", "27-3-2026", "2026-03-27"])
def test_a_date_field_reads_a_date_as_people_type_it_and_as_the_message_shows(typed):
    assert forms.DateField().clean(typed) == datetime.date(2026, 3, 27)


@pytest.mark.parametrize("typed", ["27/3/26", "3/27/2026", "27.3.2026", "next Tuesday"])
def test_a_date_field_refuses_a_two_digit_year_and_what_is_not_a_date(typed):
    with pytest.raises(ValidationError):
        forms.DateField().clean(typed)


def test_free_text_without_a_length_of_its_own_gets_the_shared_cap_and_its_own_length_is_kept():
    class Notes(NamedErrors, forms.Form):
        note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)
        title = forms.CharField(label="Title", max_length=200)

    at_cap = Notes({"note": "a" * MAX_FREE_TEXT, "title": "t"})
    past = Notes({"note": "a" * (MAX_FREE_TEXT + 1), "title": "t" * 201})

    assert at_cap.is_valid()
    assert not past.is_valid()
    assert past.errors == {
        "note": [f"The note must be {MAX_FREE_TEXT:,} characters or less"],
        "title": ["The title must be 200 characters or less"],
    }
    past.full_clean()  # cleaned again, the cap is not added twice
    caps = [each for each in past.fields["note"].validators if isinstance(each, MaxLengthValidator)]
    assert len(caps) == 1


def test_rich_text_keeps_its_own_longer_limit_under_the_shared_cap():
    class Letter(NamedErrors, forms.Form):
        body = RichTextField(label="The letter", what="text of the letter")

    long_letter = Letter({"body": "<p>" + "word " * 30_000 + "</p>"})  # 150,007 characters

    assert long_letter.is_valid(), long_letter.errors


def test_a_null_character_is_refused_with_a_message_naming_the_field():
    class Notes(NamedErrors, forms.Form):
        note = forms.CharField(label="Note (optional)", required=False, widget=forms.Textarea)

    form = Notes({"note": "pasted\x00text"})

    assert not form.is_valid()
    assert form.errors["note"] == [
        "The note holds a character that cannot be stored (a null character, often pasted from another program): "
        "type that part again"
    ]


def test_a_required_question_asked_with_radios_offers_no_blank_radio(review):
    from conference.forms import CheckpointForm
    from focusgroups.group_forms import FocusGroupForm

    checkpoint = CheckpointForm(review=review)
    focus_group = FocusGroupForm(review=review)

    assert [value for value, _ in checkpoint.fields["months"].choices] == [3, 12]
    assert "" not in [value for value, _ in focus_group.fields["audience"].choices]
    assert "---------" not in str(checkpoint["months"]) + str(focus_group["audience"])
    assert not CheckpointForm({"months": "", "held_on": "2026-01-05"}, review=review).is_valid()
