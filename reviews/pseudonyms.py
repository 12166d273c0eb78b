"""Keeping case data pseudonymised: refuse references and free text that look like personal identifiers.

Shared by every stage that takes case-level text (the case sample, chronologies, audits).
"""

import datetime
import re

from django.core.exceptions import ValidationError

from .models import Council

POSTCODE = re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b", re.IGNORECASE)
NHS_NUMBER = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
# A UK number: 0, (0, +44 or 0044 (with or without "(0)"), then 9 or 10 more digits, spaced, dashed, dotted or with the
# area code in brackets: 0161 496 0000, (0161) 496 0000, +44 (0)7700 900123, 0044 7700 900123.
PHONE = re.compile(r"(?<![\w+])(?:(?:\+|00)44\s?(?:\(0\)\s?)?|\(?0)(?:\d[\s.)(-]*){8,9}\d(?!\d)")
EMAIL = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")
BIRTH_DATE = re.compile(
    r"\b(?:d\.?o\.?b\.?|date of birth|born(?: on)?)\s*[:\-]?\s*"
    r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{1,2}(?:st|nd|rd|th)?\s+[A-Za-z]{3,9}\s+\d{4}|\d{4}-\d{2}-\d{2})",
    re.IGNORECASE,
)


# Dates written inside a reference: 2015-03-14, 14-03-2015, 14-3-15, 14032015 or 20150314.
REFERENCE_DATES = [
    (re.compile(r"(?<!\d)(\d{4})-(\d{1,2})-(\d{1,2})(?!\d)"), ("year", "month", "day")),
    (re.compile(r"(?<!\d)(\d{1,2})-(\d{1,2})-(\d{4}|\d{2})(?!\d)"), ("day", "month", "year")),
    (re.compile(r"(?<!\d)((?:19|20)\d{2})(\d{2})(\d{2})(?!\d)"), ("year", "month", "day")),
    (re.compile(r"(?<!\d)(\d{2})(\d{2})((?:19|20)\d{2})(?!\d)"), ("day", "month", "year")),
]


def _date_in_reference(reference: str) -> bool:
    for pattern, order in REFERENCE_DATES:
        for match in pattern.finditer(reference):
            parts = dict(zip(order, (int(group) for group in match.groups()), strict=True))
            if parts["year"] < 100:
                parts["year"] += 2000
            try:
                datetime.date(parts["year"], parts["month"], parts["day"])
            except ValueError:
                continue
            return True
    return False


def _is_nhs_number(digits: str) -> bool:
    """NHS numbers carry a modulus 11 check digit."""
    total = sum(int(digit) * weight for digit, weight in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    check = 0 if check == 11 else check
    return check != 10 and check == int(digits[9])


def identifier_in(text: str) -> str | None:
    """Why the text looks like it holds a personal identifier, or None."""
    if not text:
        return None
    if EMAIL.search(text):
        return "it contains an email address"
    if BIRTH_DATE.search(text):
        return "it contains a date of birth"
    for match in NHS_NUMBER.finditer(text):
        if _is_nhs_number("".join(match.groups())):
            return "it contains what looks like an NHS number"
    if PHONE.search(text):
        return "it contains a phone number"
    if POSTCODE.search(text):
        return "it contains a postcode"
    return None


def check_free_text(text: str) -> None:
    """Refuse free text that looks like it identifies a person, saying why."""
    reason = identifier_in(text)
    if reason:
        raise ValidationError(
            f"Remove the personal identifier: {reason}. Records here are pseudonymised, so describe "
            "people by their role and leave out names, addresses, numbers and dates of birth."
        )


def check_fields(form, *names: str) -> None:
    """The same check on each named field of a form's cleaned data, each refusal beside its field."""
    for name in names:
        value = form.cleaned_data.get(name)
        if value:
            try:
                check_free_text(value)
            except ValidationError as error:
                form.add_error(name, error)


def check_case_reference(reference: str, council: Council) -> None:
    """A case reference must not be the council's own record number or any other identifier."""
    pattern = council.record_number_pattern
    if pattern:
        try:
            matches = re.search(pattern, reference) is not None
        except re.error:
            matches = False
        if matches:
            raise ValidationError(
                f"“{reference}” looks like one of {council.name}'s own record numbers. "
                "Use a review-local reference such as C-01 instead."
            )
    reason = identifier_in(reference)
    if not reason and not any(character.isdigit() for character in reference):
        reason = "it has no digits, so it could be a name"
    if not reason and _date_in_reference(reference):
        reason = "it contains what looks like a date, such as a date of birth"
    if reason:
        raise ValidationError(f"“{reference}” cannot be a case reference: {reason}. Use one such as C-01.")
