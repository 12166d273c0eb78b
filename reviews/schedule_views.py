"""The lead keeps the review's status and dates up to date in the workspace; every page, report and reminder
reads them from the review."""

from crispy_forms_gds.helper import FormHelper
from crispy_forms_gds.layout import Field, Layout, Size, Submit
from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from . import permissions
from .models import Review
from .setup_forms import DATE_FIELDS, DATE_NAMES, check_date_order, check_onsite_week_free
from .versioning import VersionedForm
from .views import load_review
from .widgets import DATE_HINT, DateInput, invalid_date

DATES = DATE_FIELDS


class ScheduleForm(VersionedForm):
    what = "review's status and dates"
    name_differences = True

    class Meta:
        model = Review
        fields = ["status", *DATES]
        labels = {
            "status": "Status",
            "scoping_date": "Scoping meeting (optional)",
            "onsite_start": "On-site week starts (optional)",
            "onsite_end": "On-site week ends (optional)",
            "conference_date": "Feedback conference (optional)",
            "letter_due": "Letter due (optional)",
            "followup_3_months": "Impact check at 3 months (optional)",
            "followup_12_months": "Impact check at 12 months (optional)",
        }
        widgets = {
            "status": forms.RadioSelect,
            **{name: DateInput() for name in DATES},
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = Review.Status.choices
        self.fields["status"].error_messages |= {
            "required": "Choose the review's status.",
            "invalid_choice": "Choose one of the statuses.",
        }
        for name in DATES:
            self.fields[name].help_text = DATE_HINT
            self.fields[name].error_messages["invalid"] = invalid_date(DATE_NAMES[name])
        self.helper = FormHelper()
        self.helper.label_size = Size.SMALL
        self.helper.attrs = {"novalidate": True}  # errors come from the server, in the error summary
        self.helper.layout = Layout(
            Field.radios("status", legend_size=Size.MEDIUM), *DATES, "version", Submit("save", "Save")
        )

    def clean(self) -> dict:
        cleaned = super().clean()
        check_date_order(self, cleaned)
        check_onsite_week_free(self, self.instance.council, cleaned, exclude_pk=self.instance.pk)
        return cleaned


@require_http_methods(["GET", "POST"])
def schedule_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_schedule(membership))
    if request.method == "POST":
        with transaction.atomic():
            locked = Review.objects.select_for_update().get(pk=review.pk)
            form = ScheduleForm(request.POST, instance=locked)
            if form.is_valid():
                saved = form.save_next_version()
                messages.success(request, f"Saved: the review is now at “{saved.get_status_display()}”.")
                return redirect("reviews:overview", review.pk)
    else:
        form = ScheduleForm(instance=review)
    return render(request, "reviews/schedule_form.html", {"review": review, "membership": membership, "form": form})
