"""One way to word and show form errors, for every form of the project.

`NamedErrors` words Django's own messages ("This field is required.", "Enter a whole number.") so that each
names its field from its label ("Select the kind of finding", "The date held must be a real date"); a message a
form chose for itself is left alone. `first_input_id` is where an error summary link leads: the field's first
input, which for a group of radios or checkboxes is the first of the group. The summary itself is
`templates/gds/layout/error_summary.html`, and `{% page_title %}` in the base templates puts "Error: " before the
title of a page that shows a refused form.
"""

import functools
import re
from collections.abc import Mapping
from types import MappingProxyType

from django import forms
from django.core.exceptions import FieldDoesNotExist
from django.core.validators import MaxLengthValidator
from django.forms.boundfield import BoundField
from django.forms.utils import pretty_name

from .validators import EARLIEST_DATE, LATEST_DATE
from .widgets import DATE_EXAMPLE, TIME_EXAMPLE

DETERMINERS = re.compile(r"^(the|a|an|your|their|its|this|these|each|every|any|all|one|some|at least|how|who)\b", re.I)
# Free text with no length of its own (a note, a narrative, a letter's paragraph) is kept to about 16,000 words:
# more than any of them needs, and no one field can fill a page, a report or an export with megabytes.
MAX_FREE_TEXT = 100_000
# Codes of shared rules that forms check in their own clean methods, named after the field all the same.
RENAMED_IN_CLEAN = frozenset({"date_window"})
# A label that is already an instruction ("Upload a CSV or Excel file") is its own message when nothing was given.
INSTRUCTIONS = re.compile(r"^(upload|choose|select|enter|give|add|tick|paste|say|describe|name|list|write)\b", re.I)


def bare(label: str) -> str:
    return re.sub(r"\s*\(optional\)\s*$", "", str(label), flags=re.I).strip().rstrip(":.").strip()


def phrase(label: str) -> str:
    """The label as the words of a sentence: "Date held (optional)" becomes "the date held"."""
    text = bare(label)
    if text.endswith("?"):
        return f"an answer to “{text}”"
    if INSTRUCTIONS.match(text):
        return f"“{text}”"
    if len(text) > 1 and not text[1].isupper():
        text = text[0].lower() + text[1:]
    return text if DETERMINERS.match(text) else f"the {text}"


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def named_messages(field: forms.Field, label: str) -> Mapping[str, str]:
    """The messages for `field`, each naming it, by Django's error code: worded once a process for each kind of
    field and label, as every form sent words them all before it is checked."""
    return _named_messages(type(field), str(label))


@functools.lru_cache(maxsize=4096)
def _named_messages(kind: type[forms.Field], label: str) -> Mapping[str, str]:
    words = phrase(label)
    choose = issubclass(kind, forms.ChoiceField | forms.ModelChoiceField | forms.FileField | forms.BooleanField)
    messages = {
        "required": f"{'Select' if choose else 'Enter'} {words}",
        "invalid_choice": f"Select {words} from the choices given",
        "invalid_pk_value": f"Select {words} from the choices given",
        "invalid_list": f"Select {words} from the choices given",
        "max_length": f"{capitalised(words)} must be %(limit_value)d characters or less",
        "min_length": f"{capitalised(words)} must be %(limit_value)d characters or more",
        "max_value": f"{capitalised(words)} must be %(limit_value)s or less",
        "null_characters_not_allowed": f"{capitalised(words)} holds a character that cannot be stored (a null "
        "character, often pasted from another program): type that part again",
        "min_value": f"{capitalised(words)} must be %(limit_value)s or more",
        "missing": f"Select {words}",
        "empty": f"The file chosen for {words} is empty",
    }
    if INSTRUCTIONS.match(bare(label)):
        messages["required"] = bare(label)
    if issubclass(kind, forms.BooleanField):
        messages["required"] = f"Select “{bare(label)}” to go on"
    invalid = {
        forms.IntegerField: "must be a whole number",
        forms.DecimalField: "must be a number",
        forms.FloatField: "must be a number",
        forms.DateTimeField: "must be a real date and time",
        forms.DateField: f"must be a real date, for example {DATE_EXAMPLE}",
        forms.TimeField: f"must be a real time, for example {TIME_EXAMPLE}",
        forms.DurationField: "must be a length of time",
    }
    for base, ending in invalid.items():
        if issubclass(kind, base):
            messages["invalid"] = f"{capitalised(words)} {ending}"
            break
    if issubclass(kind, forms.DateField):
        # reviews/validators.py: the window every date of a review lies in, named here so that a page with several
        # dates (the schedule has seven) says which one is outside it.
        messages["date_window"] = (
            f"Enter a date between {EARLIEST_DATE:%-d %B %Y} and {LATEST_DATE:%-d %B %Y} for “{bare(label)}”"
        )
    if issubclass(kind, forms.EmailField):
        messages["invalid"] = f"Enter {words} in the right format, like name@example.org"
    elif issubclass(kind, forms.URLField):
        messages["invalid"] = f"Enter {words} as a web address, like https://www.example.gov.uk"
    return MappingProxyType(messages)


def defaults(field: forms.Field) -> Mapping[str, str]:
    """Django's own messages for the kind of field, gathered as `Field.__init__` gathers them."""
    return _defaults(type(field))


@functools.lru_cache(maxsize=256)
def _defaults(field_kind: type[forms.Field]) -> Mapping[str, str]:
    found = {}
    for kind in reversed(field_kind.__mro__):
        found.update(getattr(kind, "default_error_messages", {}))
    return MappingProxyType(found)


def worded_codes(validators) -> set[str]:
    """The codes of validators given their own words, such as MinValueValidator(30, "Allow at least 30 minutes")."""
    return {v.code for v in validators if getattr(v, "message", None) is not getattr(type(v), "message", None)}


def name_errors(field: forms.Field, label: str, model_validators=()) -> None:
    """Replace the messages of `field` that are still Django's own with ones that name it."""
    own = defaults(field)
    worded = worded_codes([*field.validators, *model_validators])  # these keep their own words
    for code, message in named_messages(field, label).items():
        current = field.error_messages.get(code)
        if code not in worded and (current is None or current == own.get(code)):
            field.error_messages[code] = message


def model_field_validators(model, name: str) -> list:
    """A ModelForm's model checks its fields again, and their messages pass through the form's."""
    try:
        return list(model._meta.get_field(name).validators) if model else []
    except FieldDoesNotExist:
        return []


def cap_free_text(field: forms.Field, label: str) -> None:
    """Give a text field without a length of its own the shared cap, with a message that names it."""
    if isinstance(field, forms.CharField) and field.max_length is None:
        field.max_length = MAX_FREE_TEXT
        words = f"{capitalised(phrase(label))} must be {MAX_FREE_TEXT:,} characters or less"
        field.validators.append(MaxLengthValidator(MAX_FREE_TEXT, words))


class NamedErrors:
    """A form mixin: every message Django writes for a field names that field, and no free text is unbounded.
    Put it before the form class."""

    # Text fields whose form checks their length itself, with a message that says what to do instead.
    length_checked_in_clean: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        # A question asked with radios that must be answered offers no blank "---------" radio: Django adds one to a
        # model field without a default, which a select needs and a radio group does not.
        for field in self.fields.values():
            if not (field.required and isinstance(field.widget, forms.RadioSelect)):
                continue
            if isinstance(field, forms.ModelChoiceField):
                field.empty_label = None
            elif isinstance(field, forms.ChoiceField):
                choices = list(field.choices)
                if choices and choices[0][0] in ("", None):
                    field.choices = choices[1:]

    def full_clean(self) -> None:
        model = getattr(getattr(self, "_meta", None), "model", None)
        for name, field in self.fields.items():
            if not field.widget.is_hidden:  # a hidden value is the page's, not the person's, to put right
                label = field.label or pretty_name(name)
                if name not in self.length_checked_in_clean:
                    cap_free_text(field, label)
                name_errors(field, label, model_field_validators(model, name))
        super().full_clean()
        # A rule a form checks in its own clean_<field> (a date's window before whether it has happened) raises
        # its shared message there, past the field's messages: it is named here as the field's own would be.
        for name, errors in getattr(self, "_errors", {}).items():
            field = self.fields.get(name)
            for error in getattr(errors, "data", []):
                named = field.error_messages.get(getattr(error, "code", None)) if field else None
                if named and getattr(error, "code", None) in RENAMED_IN_CLEAN:
                    error.message = named


def first_input_id(field: BoundField) -> str:
    """The id of the field's first input: the first radio or checkbox of a group (as the GOV.UK layouts number
    them, from 1), else the field's own id."""
    chosen = getattr(field.form, "error_targets", {}).get(field.name)
    if chosen:
        return chosen  # a group the template lays out itself, such as ticks in the rows of a table
    widget = field.field.widget
    if isinstance(widget, forms.RadioSelect | forms.CheckboxSelectMultiple):
        return f"id_{field.html_name}_1"
    if isinstance(widget, forms.MultiWidget):
        return f"{field.auto_id}_0"
    return field.auto_id or f"id_{field.html_name}"


def choose_from_list(form: forms.Form, choices: dict[str, str]) -> None:
    """A filter's message for a value that is not among its choices: "Choose <what> from the list." for each
    field name and its `what` ("a region", "a theme of this review")."""
    for name, what in choices.items():
        form.fields[name].error_messages["invalid_choice"] = f"Choose {what} from the list."
