from django.contrib import admin

from reviews.admin import ReadOnlyAdmin

from .models import (
    Action,
    ActionUpdate,
    Ballot,
    Candidate,
    Checkpoint,
    CheckpointEntry,
    ConferenceSettings,
    Letter,
    LetterComment,
    LetterTemplate,
    LetterVersion,
    Priority,
    Round,
)


@admin.register(ConferenceSettings)
class ConferenceSettingsAdmin(admin.ModelAdmin):
    list_display = ["review", "default_points", "minimum_sources"]
    search_fields = ["review__title"]


class CandidateInline(admin.TabularInline):
    model = Candidate
    extra = 0
    fields = ["order", "title", "finding"]
    raw_id_fields = ["finding"]


@admin.register(Round)
class RoundAdmin(admin.ModelAdmin):
    list_display = ["review", "number", "title", "method", "status", "opened_at", "closed_at"]
    list_filter = ["status", "method"]
    search_fields = ["review__title", "title", "code"]
    inlines = [CandidateInline]
    readonly_fields = ["code", "opened_at", "closed_at", "opened_by"]


@admin.register(Ballot)
class BallotAdmin(ReadOnlyAdmin):
    """Read only: which ballots were issued and used. No codes (only their keyed hashes exist) and no choices."""

    list_display = ["__str__", "round", "kind", "status", "number", "issued_at", "cast_at"]
    list_filter = ["kind", "status"]
    search_fields = ["round__title", "round__review__title"]
    fields = ["round", "kind", "status", "number", "issued_at", "cast_at"]
    readonly_fields = fields
    list_select_related = ["round"]


@admin.register(LetterTemplate)
class LetterTemplateAdmin(admin.ModelAdmin):
    """The wording new letters are drafted from. Placeholders are listed on the model's docstring and below."""

    list_display = ["name", "is_current", "updated_at"]
    list_filter = ["is_current"]
    search_fields = ["name"]
    fieldsets = [
        (None, {"fields": ["name", "is_current"]}),
        (
            "Opening",
            {
                "fields": ["salutation", "opening"],
                "description": "Placeholders: {{ council }}, {{ review }}, {{ addressee.name }}, {{ addressee.role }}, "
                "{{ lead.name }}, {{ lead.role }}, {{ lead.organisation }}, {{ dates.onsite_start }}, "
                "{{ dates.onsite_end }}, {{ dates.conference }}, {{ dates.today }}, {{ strength_count }}, "
                "{{ area_count }}, {{ priority_count }}, {{ case_count }}. A blank line starts a new paragraph.",
            },
        ),
        ("The scope of the review", {"fields": ["scope_heading", "scope"]}),
        ("What the team did", {"fields": ["work_heading", "work"]}),
        ("Strengths", {"fields": ["strengths_heading", "strengths"]}),
        ("Areas for consideration", {"fields": ["areas_heading", "areas"]}),
        ("Priorities", {"fields": ["priorities_heading", "priorities"]}),
        ("Next steps and sign-off", {"fields": ["next_steps_heading", "next_steps", "sign_off"]}),
    ]


class LetterVersionInline(admin.TabularInline):
    model = LetterVersion
    extra = 0
    fields = ["number", "status", "event", "created_by", "created_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class LetterCommentInline(admin.TabularInline):
    model = LetterComment
    extra = 0
    fields = ["paragraph", "version", "text", "author", "status", "response", "resolved_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Letter)
class LetterAdmin(admin.ModelAdmin):
    """Letters are written and published in the workspace, where the text is sanitised; here they are read."""

    list_display = ["review", "status", "version", "published_at", "updated_at"]
    list_filter = ["status"]
    search_fields = ["review__title"]
    readonly_fields = [
        "review",
        "addressee_name",
        "addressee_role",
        "body",
        "status",
        "version",
        "updated_by",
        "shared_at",
        "published_at",
    ]
    inlines = [LetterVersionInline, LetterCommentInline]

    def has_add_permission(self, request) -> bool:
        return False


class ActionInline(admin.StackedInline):
    model = Action
    extra = 0
    fields = ["description", "owner_role", "owner_agency", "due_date", "success_measure", "status", "rag"]


@admin.register(Priority)
class PriorityAdmin(admin.ModelAdmin):
    list_display = ["title", "review", "order", "votes"]
    search_fields = ["title", "review__title"]
    list_filter = ["review"]
    inlines = [ActionInline]
    exclude = ["version"]


class ActionUpdateInline(admin.TabularInline):
    model = ActionUpdate
    extra = 0


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["description", "priority", "owner_role", "owner_agency", "due_date", "status", "rag"]
    list_filter = ["status", "rag"]
    search_fields = ["description", "owner_role", "owner_agency"]
    inlines = [ActionUpdateInline]


class CheckpointEntryInline(admin.TabularInline):
    model = CheckpointEntry
    extra = 0


@admin.register(Checkpoint)
class CheckpointAdmin(admin.ModelAdmin):
    list_display = ["review", "months", "held_on"]
    list_filter = ["months"]
    search_fields = ["review__title"]
    inlines = [CheckpointEntryInline]
