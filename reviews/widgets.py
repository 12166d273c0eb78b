"""Form widgets every stage shares."""

from django import forms
from django.forms.utils import flatatt
from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe

ISO_DATE = "%Y-%m-%d"

# One example of a date for every form's hint and message: as people here write one, and as a browser's date
# picker shows it in British English. Every form also takes 2027-03-27, 27 3 2027 and 27-3-2027.
DATE_EXAMPLE = "27/3/2027"
DATE_HINT = f"For example, {DATE_EXAMPLE}"


# The same for a time of day.
TIME_EXAMPLE = "14:30"
TIME_HINT = f"For example, {TIME_EXAMPLE}"


def invalid_time(what: str) -> str:
    """The message for a time that is not one; `what` names it: "the time the session starts"."""
    return f"Enter {what} as a real time, for example {TIME_EXAMPLE}."


def invalid_date(what: str) -> str:
    """The message for a date that is not one; `what` names it: "the due date", "the date of the meeting"."""
    return f"Enter {what} as a real date, for example {DATE_EXAMPLE}."


class DateInput(forms.DateInput):
    """A browser's date picker, given its value as 2026-03-27: the only way a date input reads one.

    A date written the British way (27/03/2026), as Django writes a date by default here, shows as an empty
    field, so an edit would ask for the date again or lose it.
    """

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)


class Select(forms.Select):
    """Django's select, with its options written in Python rather than through a template each: the same HTML,
    in a fraction of the time, for a list of every record of a review (a finding to merge, say).

    Named as Django's, because the GOV.UK form layout styles a widget by its class's name (`govuk-select`, and
    its error style): under another name the select would lose both."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        groups = []
        for group_name, options, _index in widget["optgroups"]:
            # Every value and label escaped here, as a template would.
            rendered = "\n".join(
                f'<option value="{escape(option["value"])}"{flatatt(option["attrs"])}>{escape(option["label"])}</option>'
                for option in options
            )
            groups.append(f'<optgroup label="{escape(group_name)}">{rendered}</optgroup>' if group_name else rendered)
        return format_html(
            '<select name="{}"{}>{}</select>', widget["name"], flatatt(widget["attrs"]), mark_safe("\n".join(groups))
        )
