from django.contrib import admin

from .models import (
    Code,
    FocusGroup,
    Question,
    Questionnaire,
    QuestionnaireSettings,
    SafeguardingAlert,
    Section,
    Segment,
)


class SectionInline(admin.TabularInline):
    model = Section
    extra = 0
    exclude = ["version"]


class QuestionInline(admin.TabularInline):
    model = Question
    extra = 0
    fields = ["order", "text", "kind", "choices", "theme", "core_key", "safety_check"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    """The library (no review) and each review's editable copy."""

    list_display = ["title", "audience", "age_band", "review", "opens_on", "closes_on"]
    list_filter = ["audience", "age_band", ("review", admin.EmptyFieldListFilter)]
    search_fields = ["title"]
    inlines = [SectionInline]
    exclude = ["version"]


@admin.register(Section)
class SectionAdmin(admin.ModelAdmin):
    list_display = ["title", "questionnaire", "order"]
    list_filter = ["questionnaire__audience"]
    search_fields = ["title", "questionnaire__title"]
    inlines = [QuestionInline]
    exclude = ["version"]


@admin.register(Segment)
class SegmentAdmin(admin.ModelAdmin):
    list_display = ["name", "review", "expected", "partner"]
    list_filter = ["review"]
    list_select_related = ["review", "partner"]
    search_fields = ["name", "partner__name"]
    exclude = ["version"]


@admin.register(QuestionnaireSettings)
class QuestionnaireSettingsAdmin(admin.ModelAdmin):
    list_display = ["review", "minimum_group", "minimum_text_group", "safeguarding_lead"]
    search_fields = ["review__title"]


@admin.register(Code)
class CodeAdmin(admin.ModelAdmin):
    list_display = ["name", "parent", "review", "theme", "focus_area"]
    list_filter = ["review"]
    search_fields = ["name"]


@admin.register(FocusGroup)
class FocusGroupAdmin(admin.ModelAdmin):
    list_display = ["title", "review", "held_on", "audience", "participants"]
    list_filter = ["audience", "review"]
    search_fields = ["title"]
    exclude = ["notes", "version", "details_version"]


@admin.register(SafeguardingAlert)
class SafeguardingAlertAdmin(admin.ModelAdmin):
    list_display = ["pk", "review", "status", "created_at", "repeats", "read_by", "read_at"]
    list_filter = ["status", "review"]
    search_fields = ["review__title"]
    readonly_fields = [
        "review",
        "response",
        "reason",
        "created_at",
        "read_by",
        "read_at",
        "actioned_by",
        "actioned_at",
        "email_sent_at",
        "email_recipients",
        "email_attempts",
        "email_tried_at",
        "email_error",
        "repeats",
        "last_repeated_at",
        "email_queued_at",
    ]
