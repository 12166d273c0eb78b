"""The forms of a focus group itself: its record, its notes, and coding passages of them and of questionnaire answers."""

from crispy_forms_gds.layout import Field
from django import forms
from django.contrib.auth import get_user_model

from reviews import scope
from reviews.form_errors import NamedErrors
from reviews.models import Partner, Review
from reviews.people import label_people
from reviews.permissions import PEER_WRITERS
from reviews.pseudonyms import check_fields
from reviews.validators import check_has_happened
from reviews.widgets import DATE_HINT, DateInput, invalid_date

from .forms import VersionedForm, form_helper
from .models import Code, FocusGroup


class FocusGroupForm(VersionedForm):
    version_field = "details_version"
    what = "focus group"

    class Meta:
        model = FocusGroup
        fields = [
            "title",
            "held_on",
            "audience",
            "facilitator",
            "note_taker",
            "participants",
            "agencies",
            "consent_noted",
            "ground_rules_noted",
        ]
        labels = {"held_on": "Date held"}
        help_texts = {"held_on": DATE_HINT}
        widgets = {"agencies": forms.CheckboxSelectMultiple, "audience": forms.RadioSelect, "held_on": DateInput()}
        error_messages = {
            "held_on": {
                "required": "Enter the date the focus group was held.",
                "invalid": invalid_date("the date the focus group was held"),
            }
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        peers = (
            get_user_model()
            .objects.filter(review_memberships__review=review, review_memberships__role__in=PEER_WRITERS)
            .order_by("username")
        )
        for name in ["facilitator", "note_taker"]:
            self.fields[name].queryset = peers
            label_people(self.fields[name])
            self.fields[name].error_messages["invalid_choice"] = "Choose a member of the peer team."
        self.fields["agencies"].queryset = Partner.objects.filter(council_id=review.council_id).order_by("name")
        self.fields["agencies"].error_messages["invalid_choice"] = "Choose agencies of this council."
        self.helper = form_helper(
            "title",
            "held_on",
            Field.radios("audience"),
            "facilitator",
            "note_taker",
            "participants",
            Field.checkboxes("agencies"),
            Field.checkbox("consent_noted"),
            Field.checkbox("ground_rules_noted"),
            "version",
            submit="Save focus group",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        check_fields(self, "title")
        return cleaned

    def clean_held_on(self):
        """A focus group is recorded with who took part, so it has been held: its day has come."""
        day = self.cleaned_data["held_on"]
        check_has_happened(day, what="A focus group")
        return day


class NotesForm(NamedErrors, forms.Form):
    notes = forms.CharField(label="Notes", required=False, widget=forms.Textarea(attrs={"rows": 20}))
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(Field.textarea("notes"), "version", submit="Save notes")

    def clean(self) -> dict:
        cleaned = super().clean()
        check_fields(self, "notes")  # what the group said, by role: never a child's or a family's details
        return cleaned


class CodeForm(NamedErrors, forms.ModelForm):
    link = forms.ChoiceField(
        label="Linked to (optional)",
        required=False,
        help_text="A theme, scope area, focus area or specific circumstance of this review that the code belongs to.",
        error_messages={"invalid_choice": "Choose a theme, scope area, focus area or circumstance of this review."},
    )

    class Meta:
        model = Code
        fields = ["name", "parent"]
        labels = {"parent": "Inside code (optional)"}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.instance.review = review
        self.fields["parent"].queryset = Code.objects.filter(review=review).order_by("name")
        self.fields["parent"].error_messages["invalid_choice"] = "Choose a code of this review."
        self.items = {f"theme-{theme.pk}": ("theme", theme) for theme in review.framework.themes.order_by("order")}
        self.items |= {f"scope_area-{area.pk}": ("scope_area", area) for area in scope.scope_areas(review)}
        self.items |= {f"focus_area-{area.pk}": ("focus_area", area) for area in scope.focus_areas(review)}
        groups: dict[str, list] = {}
        for key, (field_name, item) in self.items.items():
            group = {"theme": "Themes", "scope_area": "Scope areas"}.get(field_name)
            group = group or ("Focus areas" if item.kind == "focus" else "Specific circumstances")
            groups.setdefault(group, []).append((key, str(item)))
        self.fields["link"].choices = [("", "Not linked"), *groups.items()]
        self.helper = form_helper("name", "parent", "link", submit="Add code")

    def clean_link(self) -> str:
        link = self.cleaned_data["link"]
        if link:
            field_name, item = self.items[link]
            setattr(self.instance, field_name, item)
        return link

    def clean_name(self) -> str:
        name = self.cleaned_data["name"]
        if Code.objects.filter(review=self.instance.review, name=name).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError("The codebook already has a code with this name.")
        return name


class CodePassageForm(NamedErrors, forms.Form):
    """Choose a code and the passages: sentences by tick box, or an exact quote typed or pasted."""

    code = forms.ModelChoiceField(
        queryset=Code.objects.none(), error_messages={"invalid_choice": "Choose a code of this review."}
    )
    passages = forms.MultipleChoiceField(required=False, widget=forms.CheckboxSelectMultiple)
    quote = forms.CharField(required=False, max_length=5000, label="Or an exact passage from the notes")
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, review: Review, sentences: list[dict], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = Code.objects.filter(review=review).order_by("name")
        self.fields["code"].help_text = (
            "The review's themes, scope areas, focus areas and specific circumstances, and the team's own codes. "
            "Add a code of your own in the codebook."
        )
        self.fields["passages"].choices = [(f"{s['start']}-{s['end']}", s["text"]) for s in sentences]
        self.fields["passages"].error_messages["invalid_choice"] = "That passage is not in the notes."

    def clean(self) -> dict:
        cleaned = super().clean()
        if not cleaned.get("passages") and not cleaned.get("quote", "").strip() and not self.errors:
            self.add_error("passages", "Choose at least one passage, or give an exact passage from the notes.")
        return cleaned

    def spans(self) -> list[tuple[int, int]]:
        return [tuple(int(part) for part in value.split("-")) for value in self.cleaned_data.get("passages", [])]


class AnswerCodeForm(NamedErrors, forms.Form):
    code = forms.ModelChoiceField(
        queryset=Code.objects.none(), error_messages={"invalid_choice": "Choose a code of this review."}
    )
    answer = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].queryset = Code.objects.filter(review=review).order_by("name")
