"""One stale-edit check for every edit form: two people editing the same record cannot overwrite each other."""

from django import forms
from django.http import HttpRequest

from .form_errors import NamedErrors

SAVED = "so your changes have not been saved."
OPEN_AGAIN = "Open it again to see the latest version, then make your changes."


def posted_int(request: HttpRequest, name: str = "version") -> int | None:
    """A whole number the page posted back (such as the version it was opened at); None when missing or not one."""
    try:
        return int(request.POST.get(name, "").strip())
    except ValueError:
        return None


def is_stale_post(request: HttpRequest, record, version_field: str = "version") -> bool:
    """Whether a confirmation page (a removal, a move) was posted from an older version of the record."""
    return posted_int(request) != getattr(record, version_field)


class VersionedForm(NamedErrors, forms.ModelForm):
    """A ModelForm that refuses a stale edit: the version it was opened at must still be the saved one.

    The view locks the row before binding the form, so the check and the save see the same version.
    `version_field` names the model's counter; `what` names the record in the message. With
    `name_differences` the message also lists the fields whose saved values differ from the ones sent.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    version_field = "version"
    what = "record"
    name_differences = False

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["version"].initial = getattr(self.instance, self.version_field)

    def clean(self) -> dict:
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("version") != getattr(self.instance, self.version_field):
            raise forms.ValidationError(self.stale_message(cleaned))
        return cleaned

    def stale_message(self, cleaned: dict) -> str:
        if not self.name_differences:
            return f"This {self.what} was changed by someone else after you opened it, {SAVED} {OPEN_AGAIN}"
        message = f"Someone else changed this {self.what} after you opened it, {SAVED}"
        differ = [
            str(self.fields[name].label or name).split(" (")[0].lower()
            for name in self._meta.fields
            if name in cleaned and not self._same(name, cleaned[name])
        ]
        if differ:
            message += f" What is saved now differs from what you sent in: {', '.join(differ)}."
        return f"{message} {OPEN_AGAIN}"

    def _same(self, name: str, value: object) -> bool:
        saved = self._meta.model._meta.get_field(name).value_from_object(self.instance)
        if isinstance(saved, list):  # many-to-many: compare the ids
            return {item.pk for item in saved} == {item.pk for item in value}
        if hasattr(value, "pk"):
            return saved == value.pk
        return saved == value

    def save_next_version(self):
        """Save with the version raised; the caller holds the row lock."""
        instance = self.save(commit=False)
        setattr(instance, self.version_field, getattr(instance, self.version_field) + 1)
        instance.save()
        self.save_m2m()
        return instance
