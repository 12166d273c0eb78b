from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Fluid, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from ..form_errors import NamedErrors
from ..models import Role
from ..tables import LIMITS, Limits, TableError, read_table
from . import services

# A pasted list is refused by its length before it is read; an uploaded one by the table reader's caps.
MAX_PASTED_CHARS = 100_000
LIST_LIMITS = Limits(max_rows=services.MAX_LIST_ROWS, max_bytes=min(LIMITS.max_bytes, 1024 * 1024))


class InviteForm(NamedErrors, forms.Form):
    name = forms.CharField(
        label="Full name", max_length=200, error_messages={"required": "Enter the person's full name."}
    )
    email = forms.CharField(
        label="Email address",
        max_length=254,
        help_text="The invitation goes here, with a link to set their own password.",
        error_messages={"required": "Enter the person's email address."},
    )
    role = forms.ChoiceField(
        label="Role in this review",
        choices=Role.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Choose the person's role.", "invalid_choice": "Choose one of the roles."},
    )
    job_title = forms.CharField(label="Job title (optional)", max_length=200, required=False)
    organisation = forms.CharField(label="Organisation (optional)", max_length=200, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.text("name"),
            Field.text("email", field_width=Fluid.TWO_THIRDS),
            Field.radios("role", legend_size=Size.SMALL),
            Field.text("job_title"),
            Field.text("organisation"),
            Submit("invite", "Send the invitation"),
        )

    def clean_name(self) -> str:
        return " ".join(self.cleaned_data["name"].split())

    def clean_email(self) -> str:
        try:
            return services.clean_email(self.cleaned_data["email"])
        except ValidationError:
            raise ValidationError("Enter an email address in the right format, like name@council.example.") from None

    def person(self) -> services.Person:
        data = self.cleaned_data
        return services.Person(
            name=data["name"],
            email=data["email"],
            role=data["role"],
            job_title=data["job_title"].strip(),
            organisation=data["organisation"].strip(),
        )


class InviteListForm(NamedErrors, forms.Form):
    """A list pasted in or uploaded as CSV or Excel: a header row, then one person a row."""

    length_checked_in_clean = ("pasted",)

    pasted = forms.CharField(
        label="Paste the list",
        required=False,
        # No max_length here: the length is checked in clean() with a message that says what to do.
        widget=forms.Textarea(attrs={"rows": 8, "spellcheck": "false"}),
        help_text="A header row, then one person a row, with commas between the columns: "
        "name, email, role, and optionally job_title and organisation.",
    )
    upload = forms.FileField(
        label="Or upload a CSV or Excel file", required=False, help_text="The same columns, as .csv or .xlsx."
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.people: list[services.Person] = []
        self.labels: list[str] = []
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.textarea("pasted", label_size=Size.SMALL),
            Field("upload"),
            Submit("invite", "Check and send the invitations"),
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        pasted, upload = cleaned.get("pasted", ""), cleaned.get("upload")
        if pasted and upload:
            raise ValidationError("Paste a list or upload a file, not both.")
        if not pasted.strip() and not upload:
            raise ValidationError("Paste a list or choose a file to upload.")
        if upload is None:
            if len(pasted) > MAX_PASTED_CHARS:
                raise ValidationError(
                    f"The pasted list is {len(pasted):,} characters; the most is {MAX_PASTED_CHARS:,}. "
                    "Split it, or upload it as a file."
                )
            from django.core.files.uploadedfile import SimpleUploadedFile

            upload = SimpleUploadedFile("The pasted list.csv", pasted.encode("utf-8"), content_type="text/csv")
        try:
            rows = read_table(upload, services.LIST_COLUMNS, required=services.LIST_REQUIRED, limits=LIST_LIMITS)
        except TableError as error:
            raise ValidationError(str(error)) from None
        self.people, self.labels, problems = services.people_from_rows(rows)
        if problems:
            raise ValidationError(problems)
        return cleaned
