from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.core.exceptions import ValidationError

from reviews.form_errors import NamedErrors
from reviews.models import Finding, Review, Role
from reviews.people import label_people
from reviews.richtext import RichTextField
from reviews.validators import check_has_happened, review_date_validator
from reviews.versioning import VersionedForm
from reviews.widgets import DATE_HINT, Select, invalid_date

from .letter import ACCEPT, DECLINE, MAX_COMMENT_LENGTH
from .models import Action, ActionUpdate, Checkpoint, Letter, Priority, Round
from .services import MAX_CARDS_PER_ISSUE


def _helper(*fields, submit: str) -> FormHelper:
    helper = FormHelper()
    helper.label_size = Size.SMALL
    helper.legend_size = Size.SMALL
    helper.layout = Layout(*fields, Submit("save", submit))
    return helper


class ReviewFindingField(forms.ModelChoiceField):
    """A finding of this review, chosen from `choices` (its findings, read once for every field of a form). An id of
    another review gets the same message as one that does not exist, so the answer tells nothing about other
    reviews."""

    widget = Select  # reviews.widgets.Select: fast for every finding of a review

    def __init__(self, review: Review, choices: list[tuple[int, str]], **kwargs) -> None:
        super().__init__(queryset=review.findings.all(), **kwargs)
        self.choices = [("", "Choose a finding"), *choices]
        self.error_messages["invalid_choice"] = "Choose a finding that exists."


class MergeForm(NamedErrors, forms.Form):
    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        findings = [
            (finding.pk, f"{finding.theme.name}: {finding.summary}")
            for finding in review.findings.select_related("theme").order_by("theme__order", "pk")
        ]
        self.fields["keep"] = ReviewFindingField(
            review, findings, label="Finding to keep", error_messages={"required": "Choose the finding to keep."}
        )
        self.fields["duplicate"] = ReviewFindingField(
            review,
            findings,
            label="Duplicate to merge into it",
            error_messages={"required": "Choose the duplicate to merge."},
        )
        self.helper = _helper("keep", "duplicate", submit="Merge findings")

    def clean(self) -> dict:
        cleaned = super().clean()
        keep, duplicate = cleaned.get("keep"), cleaned.get("duplicate")
        if keep and duplicate and keep.pk == duplicate.pk:
            self.add_error("duplicate", "Choose a different finding from the one to keep.")
        return cleaned


class AgreeForm(NamedErrors, forms.Form):
    findings = forms.ModelMultipleChoiceField(
        queryset=Finding.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "required": "Choose at least one finding to agree.",
            "invalid_choice": "Choose findings of this review.",
        },
    )

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["findings"].queryset = review.findings.filter(status=Finding.Status.DRAFT)


class RoundForm(NamedErrors, forms.Form):
    title = forms.CharField(max_length=200, error_messages={"required": "Enter a title for the round."})
    method = forms.ChoiceField(
        choices=Round.Method.choices,
        widget=forms.RadioSelect,
        initial=Round.Method.POINTS,
        error_messages={"required": "Choose how participants vote."},
    )
    points = forms.IntegerField(
        min_value=1,
        max_value=100,
        initial=10,
        help_text="In a points round, how many points each voter may give.",
        error_messages={
            "required": "Enter the number of points.",
            "invalid": "Enter the number of points as a whole number.",
        },
    )
    candidates = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text="One candidate priority a line; drawn from the areas for consideration, edit as you need.",
        error_messages={"required": "Enter at least one candidate priority."},
    )
    cards = forms.IntegerField(
        label="Ballot cards to print",
        min_value=0,
        max_value=MAX_CARDS_PER_ISSUE,
        initial=40,
        help_text="One for each person who will vote without an account; you can issue more on the round's page. "
        "Members of the review vote with their account.",
        error_messages={
            "required": "Enter the number of ballot cards, or 0 to issue them later.",
            "invalid": "Enter the number of ballot cards as a whole number.",
            "min_value": "Enter the number of ballot cards, or 0 to issue them later.",
            "max_value": f"Issue at most {MAX_CARDS_PER_ISSUE} ballot cards at a time.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title",
            Field.radios("method", inline=True),
            Field.text("points", field_width=4),
            Field.textarea("candidates"),
            Field.text("cards", field_width=4),
            submit="Open the round",
        )

    def clean_candidates(self) -> list[str]:
        lines = [line.strip() for line in self.cleaned_data["candidates"].splitlines() if line.strip()]
        if len(lines) < 2:
            raise forms.ValidationError("Enter at least two candidate priorities, one a line.")
        if len(set(lines)) != len(lines):
            raise forms.ValidationError("Each candidate priority must be different.")
        if any(len(line) > 300 for line in lines):
            raise forms.ValidationError("Keep each candidate to 300 characters.")
        return lines


class IssueCardsForm(NamedErrors, forms.Form):
    count = forms.IntegerField(
        label="Number of ballot cards",
        min_value=1,
        max_value=MAX_CARDS_PER_ISSUE,
        initial=40,
        help_text="One for each person in the room who will vote without an account. "
        "Members of the review vote with their account and need no card.",
        error_messages={
            "required": "Enter the number of ballot cards to issue.",
            "invalid": "Enter the number of ballot cards as a whole number.",
            "min_value": "Issue at least 1 ballot card.",
            "max_value": f"Issue at most {MAX_CARDS_PER_ISSUE} ballot cards at a time.",
        },
    )

    def __init__(self, *args, submit: str = "Issue ballot cards", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("count", field_width=4), submit=submit)


class VoidCardForm(NamedErrors, forms.Form):
    number = forms.IntegerField(
        label="Card number",
        min_value=1,
        help_text="The number printed on the card, for a card that was lost or handed out by mistake.",
        error_messages={
            "required": "Enter the number of the card to void.",
            "invalid": "Enter the card number as a whole number.",
            "min_value": "Enter a card number from 1.",
        },
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(Field.text("number", field_width=4), submit="Void this card")
        self.helper.layout = Layout(
            Field.text("number", field_width=4), Submit("void", "Void this card", css_class="govuk-button--warning")
        )


class JoinForm(NamedErrors, forms.Form):
    code = forms.CharField(
        label="Ballot code",
        max_length=40,
        help_text="The code on your ballot card, for example KQ7M-4XPA.",
        error_messages={"required": "Enter the code on your ballot card."},
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(autocomplete="off", autocapitalize="characters", spellcheck="false")
        self.helper = _helper(Field.text("code", field_width=10), submit="Continue")


# GOV.UK asks for numbers in a text input with a numeric keyboard, not type="number": it gets the design system's
# input style and focus, and a phone shows its number pad.
NUMBER_INPUT = forms.TextInput(attrs={"inputmode": "numeric", "spellcheck": "false", "autocomplete": "off"})


class VoteForm(NamedErrors, forms.Form):
    def __init__(self, *args, round_: Round, candidates, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.round = round_
        n = len(candidates)
        for candidate in candidates:
            if round_.method == Round.Method.POINTS:
                field = forms.IntegerField(
                    label=candidate.title,
                    min_value=0,
                    max_value=round_.points,
                    initial=0,
                    required=False,
                    widget=NUMBER_INPUT,
                )
                points = f"Give “{candidate.title}” a whole number of points from 0 to {round_.points}."
                field.error_messages.update(invalid=points, min_value=points, max_value=points)
            else:
                field = forms.IntegerField(label=candidate.title, min_value=1, max_value=n, widget=NUMBER_INPUT)
                rank = f"Give “{candidate.title}” a rank from 1 to {n}."
                field.error_messages.update(required=rank, invalid=rank, min_value=rank, max_value=rank)
            self.fields[f"candidate_{candidate.pk}"] = field
        self.helper = _helper(*[Field.text(name, field_width=3) for name in self.fields], submit="Send my vote")

    def clean(self) -> dict:
        cleaned = super().clean()
        values = {int(name.split("_")[1]): value or 0 for name, value in cleaned.items()}
        if self.errors:
            return cleaned
        if self.round.method == Round.Method.POINTS:
            total = sum(values.values())
            if total > self.round.points:
                raise forms.ValidationError(f"You gave {total} points; you have {self.round.points} to give.")
            if total == 0:
                raise forms.ValidationError("Give at least one point.")
        elif sorted(values.values()) != list(range(1, len(values) + 1)):
            raise forms.ValidationError(f"Use each rank from 1 to {len(values)} once.")
        self.values = values
        return cleaned


class LetterDraftForm(NamedErrors, forms.Form):
    """Who the letter is addressed to, asked when it is drafted from the review."""

    addressee_name = forms.CharField(
        label="Addressee's name",
        max_length=200,
        error_messages={"required": "Enter the name of the person the letter is addressed to."},
    )
    addressee_role = forms.CharField(
        label="Addressee's role",
        max_length=200,
        help_text="For example, Director of Children's Services.",
        error_messages={"required": "Enter the role of the person the letter is addressed to."},
    )


class LetterForm(NamedErrors, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput)
    body = RichTextField(label="The letter", what="text of the letter")

    class Meta:
        model = Letter
        fields = ["addressee_name", "addressee_role", "body"]
        error_messages = {
            "addressee_name": {"required": "Enter the name of the person the letter is addressed to."},
            "addressee_role": {"required": "Enter the role of the person the letter is addressed to."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["addressee_name"].required = True
        self.fields["addressee_role"].required = True
        self.fields["version"].initial = self.instance.version
        self.helper = _helper(
            "addressee_name", "addressee_role", Field.textarea("body"), "version", submit="Save the letter"
        )


class LetterCommentForm(NamedErrors, forms.Form):
    paragraph = forms.IntegerField(
        min_value=1,
        widget=forms.HiddenInput,
        error_messages={
            "required": "Choose the paragraph your comment is about.",
            "invalid": "Choose the paragraph your comment is about by its number.",
            "min_value": "Choose the paragraph your comment is about by its number.",
        },
    )
    text = forms.CharField(
        label="Your comment on this paragraph",
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={
            "required": "Enter your comment.",
            "max_length": f"Your comment can be at most {MAX_COMMENT_LENGTH:,} characters.",
        },
    )


class LetterResolveForm(NamedErrors, forms.Form):
    decision = forms.ChoiceField(
        label="What do you want to do with this comment?",
        choices=[(ACCEPT, "Accept it and change the paragraph"), (DECLINE, "Decline it, with a reason")],
        widget=forms.RadioSelect,
        error_messages={"required": "Choose whether to accept or decline the comment."},
    )
    paragraph_html = RichTextField(label="The paragraph as it should read", what="paragraph", required=False)
    response = forms.CharField(
        label="Note to the sponsor",
        required=False,
        max_length=MAX_COMMENT_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Required when you decline: say why.",
    )
    version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["paragraph_html"].widget.attrs["rows"] = 8
        self.helper = _helper(
            Field.radios("decision", legend_size=Size.SMALL),
            Field.textarea("paragraph_html"),
            Field.textarea("response"),
            "version",
            submit="Resolve the comment",
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        decision = cleaned.get("decision")
        if decision == ACCEPT and not cleaned.get("paragraph_html") and "paragraph_html" not in self.errors:
            self.add_error("paragraph_html", "Enter the paragraph as it should read.")
        if decision == DECLINE and not (cleaned.get("response") or "").strip() and "response" not in self.errors:
            self.add_error("response", "Enter why the comment is declined.")
        return cleaned


class PublishForm(NamedErrors, forms.Form):
    include_drafts = forms.BooleanField(
        required=False, label="Publish anyway: draft findings stay hidden from the council"
    )


class PriorityForm(VersionedForm):
    what = "priority"
    order = forms.IntegerField(
        label="Number",
        min_value=1,
        max_value=32767,
        help_text="Its place in the plan: 1 is first. The priorities from that place on move down one.",
    )

    class Meta:
        model = Priority
        fields = ["title", "outcome", "order"]
        widgets = {"outcome": forms.Textarea(attrs={"rows": 3})}
        error_messages = {"title": {"required": "Enter the priority."}}

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            "title", Field.textarea("outcome"), Field.text("order", field_width=3), "version", submit="Save priority"
        )


class ActionForm(NamedErrors, forms.ModelForm):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    due_date = forms.DateField(
        label="Due date",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the due date.",
            "invalid": invalid_date("the due date"),
        },
    )

    class Meta:
        model = Action
        fields = [
            "description",
            "owner_role",
            "owner_agency",
            "owner",
            "due_date",
            "success_measure",
            "baseline_value",
            "target_value",
            "current_value",
            "status",
            "rag",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "status": forms.RadioSelect,
            "rag": forms.RadioSelect,
        }
        error_messages = {
            "description": {"required": "Describe the action."},
            "owner_role": {"required": "Enter the owner's role."},
            "owner_agency": {"required": "Enter the owner's agency."},
            "success_measure": {"required": "Enter how success will be measured."},
        }

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["version"].initial = self.instance.version
        owners = review.memberships.filter(role__in=[Role.SPONSOR, Role.ORGANISER, Role.CONTRIBUTOR]).select_related(
            "user"
        )
        self.fields["owner"].queryset = self.fields["owner"].queryset.filter(pk__in=[m.user_id for m in owners])
        self.fields["owner"].label = "Member who updates it (optional)"
        label_people(self.fields["owner"])
        self.helper = _helper(
            Field.textarea("description"),
            "owner_role",
            "owner_agency",
            "owner",
            Field.text("due_date", field_width=10),
            "success_measure",
            Field.text("baseline_value", field_width=5),
            Field.text("target_value", field_width=5),
            Field.text("current_value", field_width=5),
            Field.radios("status", inline=True),
            Field.radios("rag", inline=True),
            "version",
            submit="Save action",
        )


class HostActionForm(ActionForm):
    """What an action's owner on the council side may change: progress, not the commitment."""

    class Meta(ActionForm.Meta):
        fields = ["current_value", "status", "rag"]

    def __init__(self, *args, review: Review, **kwargs) -> None:
        forms.ModelForm.__init__(self, *args, **kwargs)
        del self.fields["due_date"]
        self.fields["version"].initial = self.instance.version
        self.helper = _helper(
            Field.text("current_value", field_width=5),
            Field.radios("status", inline=True),
            Field.radios("rag", inline=True),
            "version",
            submit="Save action",
        )


class ActionUpdateForm(NamedErrors, forms.ModelForm):
    on = forms.DateField(
        label="Date of the update",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date of the update.",
            "invalid": invalid_date("the date of the update"),
        },
    )

    class Meta:
        model = ActionUpdate
        fields = ["on", "note", "rag", "value"]
        widgets = {"note": forms.Textarea(attrs={"rows": 3}), "rag": forms.RadioSelect}
        error_messages = {
            "note": {"required": "Say what progress has been made."},
            "rag": {"required": "Choose a RAG rating."},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.helper = _helper(
            Field.text("on", field_width=10),
            Field.textarea("note"),
            Field.radios("rag", inline=True),
            Field.text("value", field_width=5),
            submit="Add update",
        )

    def clean_on(self):
        return _update_on(self)


def _update_on(form: forms.ModelForm):
    day = form.cleaned_data["on"]
    review_date_validator(day)  # the window's message first, for a year such as 9999
    try:
        check_has_happened(day, what="A progress update", done="made")  # it reports progress already made
    except ValidationError as error:
        raise forms.ValidationError(error.messages) from error
    return day


class CheckpointForm(NamedErrors, forms.ModelForm):
    held_on = forms.DateField(
        label="Date of the check",
        help_text=DATE_HINT,
        error_messages={
            "required": "Enter the date of the check.",
            "invalid": invalid_date("the date of the check"),
        },
    )

    class Meta:
        model = Checkpoint
        fields = ["months", "held_on", "summary"]
        widgets = {"months": forms.RadioSelect, "summary": forms.Textarea(attrs={"rows": 4})}
        error_messages = {"months": {"required": "Choose which check this is."}}

    def __init__(self, *args, review: Review, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.review = review
        self.helper = _helper(
            Field.radios("months", inline=True),
            Field.text("held_on", field_width=10),
            Field.textarea("summary"),
            submit="Record the check",
        )

    def clean_held_on(self):
        day = self.cleaned_data["held_on"]
        review_date_validator(day)  # the window's message first, for a year such as 9999
        try:
            check_has_happened(day, what="The check")  # it records the actions as they stand
        except ValidationError as error:
            raise forms.ValidationError(error.messages) from error
        conference = self.review.conference_date
        if conference and day < conference:
            raise forms.ValidationError(
                f"The check must be on or after the conference on {conference.day} {conference:%B %Y}: "
                "it follows up the plan the conference agreed."
            )
        return day
