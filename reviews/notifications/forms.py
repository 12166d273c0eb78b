from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms

from ..versioning import VersionedForm
from .models import NotificationSettings


class NotificationSettingsForm(VersionedForm):
    what = "choice"

    class Meta:
        model = NotificationSettings
        fields = ["email"]
        labels = {"email": "How should we email you?"}
        help_texts = {
            "email": "Safeguarding alerts are always emailed at once, whatever you choose, once email is set up on this site."
        }
        error_messages = {
            "email": {"required": "Choose how we should email you.", "invalid_choice": "Choose one of the options."}
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["email"].widget = forms.RadioSelect(choices=self.fields["email"].choices[1:])
        self.helper = FormHelper()
        self.helper.layout = Layout(
            Field.radios("email", legend_size=Size.MEDIUM), "version", Submit("save", "Save your choice")
        )
