"""Form widgets every stage shares."""

from django import forms

ISO_DATE = "%Y-%m-%d"


class DateInput(forms.DateInput):
    """A browser's date picker, given its value as 2026-03-27: the only way a date input reads one.

    A date written the British way (27/03/2026), as Django writes a date by default here, shows as an empty
    field, so an edit would ask for the date again or lose it.
    """

    input_type = "date"

    def __init__(self, attrs: dict | None = None) -> None:
        super().__init__(attrs=attrs, format=ISO_DATE)
