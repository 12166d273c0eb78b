from django.contrib import admin, messages
from django.template.response import TemplateResponse
from simple_history.admin import SimpleHistoryAdmin

from . import retention
from .models import (
    AccessLog,
    Case,
    Commitment,
    Council,
    DocumentVersion,
    EvidenceDocument,
    FileToDelete,
    Finding,
    FindingEvidence,
    FocusArea,
    Framework,
    Grade,
    GradeScale,
    Partner,
    PartnerKind,
    PlanningMeeting,
    PlanningMember,
    PurgeRecord,
    Report,
    ReportSharing,
    Review,
    ReviewExport,
    ReviewMembership,
    ScopeArea,
    Theme,
    ThresholdLevel,
)


class PartnerInline(admin.TabularInline):
    model = Partner
    extra = 0


class ThresholdLevelInline(admin.TabularInline):
    model = ThresholdLevel
    extra = 0
    ordering = ["order"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """For records nobody may add, change or delete here, administrators included: logs and records of record."""

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Council)
class CouncilAdmin(admin.ModelAdmin):
    list_display = ["name", "ons_code"]
    search_fields = ["name", "ons_code"]
    inlines = [ThresholdLevelInline, PartnerInline]


@admin.register(PartnerKind)
class PartnerKindAdmin(admin.ModelAdmin):
    list_display = ["name", "is_safeguarding_partner", "valid_from", "valid_to"]
    list_filter = ["is_safeguarding_partner"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "council"]
    list_filter = ["kind", "council"]
    search_fields = ["name", "council__name"]


class ThemeInline(admin.TabularInline):
    model = Theme
    extra = 0
    ordering = ["order"]


class _SharedOnly:
    """A framework's inline lists its shared items; a council's own items are edited with their review."""

    exclude = ["review"]

    def get_queryset(self, request):
        return super().get_queryset(request).filter(review__isnull=True)


class ScopeAreaInline(_SharedOnly, admin.TabularInline):
    model = ScopeArea
    extra = 0
    ordering = ["order"]


class FocusAreaInline(_SharedOnly, admin.TabularInline):
    model = FocusArea
    extra = 0
    ordering = ["kind", "order"]


class LocalScopeAreaInline(admin.TabularInline):
    model = ScopeArea
    fk_name = "review"
    extra = 0
    ordering = ["order"]
    fields = ["framework", "order", "title", "description"]
    verbose_name = "scope item of the council's own"
    verbose_name_plural = "scope items of the council's own"


class LocalFocusAreaInline(admin.TabularInline):
    model = FocusArea
    fk_name = "review"
    extra = 0
    ordering = ["kind", "order"]
    fields = ["framework", "kind", "order", "title", "description"]
    verbose_name = "line of enquiry of the council's own"
    verbose_name_plural = "lines of enquiry of the council's own"


class GradeScaleInline(admin.TabularInline):
    model = GradeScale
    extra = 0
    show_change_link = True


@admin.register(Framework)
class FrameworkAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_default"]
    list_filter = ["is_default"]
    search_fields = ["name", "version"]
    inlines = [ThemeInline, ScopeAreaInline, FocusAreaInline, GradeScaleInline]


class GradeInline(admin.TabularInline):
    model = Grade
    extra = 0
    ordering = ["rank"]


@admin.register(GradeScale)
class GradeScaleAdmin(admin.ModelAdmin):
    list_display = ["name", "framework", "valid_from", "valid_to"]
    list_filter = ["framework"]
    search_fields = ["name"]
    inlines = [GradeInline]


class MembershipInline(admin.TabularInline):
    model = ReviewMembership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Review)
class ReviewAdmin(SimpleHistoryAdmin):
    list_display = ["title", "council", "status", "onsite_start", "conference_date", "kept_until", "archived_at"]
    list_filter = ["status", "framework", "council", ("archived_at", admin.EmptyFieldListFilter)]
    search_fields = ["title", "council__name"]
    date_hierarchy = "onsite_start"
    inlines = [MembershipInline, LocalScopeAreaInline, LocalFocusAreaInline]
    exclude = ["version"]
    readonly_fields = ["kept_until", "archived_at", "archived_by"]
    filter_horizontal = ["excluded_scope_areas", "excluded_focus_areas"]
    actions = ["archive", "unarchive", "purge"]

    @admin.display(description="Records kept until")
    def kept_until(self, review: Review):
        return retention.kept_until(review) or "– (when the 12-month check is dated)"

    def has_retention_permission(self, request) -> bool:
        """Archiving and purging are for administrators (superusers) only, whatever else a staff account may do."""
        return request.user.is_superuser

    @admin.action(
        description="Archive: make read-only for every member, close its questionnaires and votes",
        permissions=["retention"],
    )
    def archive(self, request, queryset):
        done = [review.title for review in queryset if retention.archive(review, by=request.user)]
        self.message_user(request, f"Archived: {', '.join(done)}." if done else "Those reviews were already archived.")

    @admin.action(
        description="Purge case-level data (archived reviews only): cannot be undone", permissions=["retention"]
    )
    def purge(self, request, queryset):
        reviews = list(queryset.select_related("council"))
        not_archived = [review.title for review in reviews if review.archived_at is None]
        if not_archived:
            self.message_user(
                request, f"Archive these reviews before purging them: {', '.join(not_archived)}.", messages.ERROR
            )
            return None
        purged = [review.title for review in reviews if review.purges.exists()]
        if purged:
            self.message_user(request, f"Already purged: {', '.join(purged)}.", messages.ERROR)
            return None
        if request.POST.get("confirm") != "purge":
            return TemplateResponse(
                request,
                "admin/reviews/review/purge_confirmation.html",
                {
                    **self.admin_site.each_context(request),
                    "title": "Purge case-level data",
                    "reviews": [(review, retention.kept_until(review)) for review in reviews],
                    "action_checkbox_name": admin.helpers.ACTION_CHECKBOX_NAME,
                    "opts": self.model._meta,
                },
            )
        for review in reviews:
            record = retention.purge(review, by=request.user, reason="An administrator's decision in the admin.")
            self.message_user(request, f"Purged {review.title}: {retention.describe(record.counts)}.")
        return None

    @admin.action(description="Take out of the archive: members can change it again", permissions=["retention"])
    def unarchive(self, request, queryset):
        purged = [review.title for review in queryset if review.purges.exists()]
        if purged:
            self.message_user(request, f"A purged review stays archived: {', '.join(purged)}.", messages.ERROR)
            return
        done = [review.title for review in queryset if retention.unarchive(review, by=request.user)]
        self.message_user(
            request, f"Taken out of the archive: {', '.join(done)}." if done else "None of those reviews was archived."
        )


@admin.register(ReviewMembership)
class ReviewMembershipAdmin(SimpleHistoryAdmin):
    list_display = ["user", "review", "role", "organisation"]
    list_filter = ["role", "review"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "review__title"]
    autocomplete_fields = ["user"]


@admin.register(Case)
class CaseAdmin(SimpleHistoryAdmin):
    list_display = ["reference", "review", "age_band", "threshold_level", "legal_status", "has_disability"]
    list_filter = ["review", "age_band", "legal_status", "has_disability"]
    search_fields = ["reference"]
    filter_horizontal = ["specific_circumstances", "partners"]


class FindingEvidenceInline(admin.TabularInline):
    model = FindingEvidence
    extra = 0
    readonly_fields = ["content_type", "object_id", "added_by", "added_at"]


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ["summary", "review", "theme", "kind", "stage", "status", "priority"]
    list_filter = ["status", "kind", "stage", "review", "focus_areas"]
    search_fields = ["summary", "detail"]
    filter_horizontal = ["focus_areas"]
    inlines = [FindingEvidenceInline]


class ReportSharingInline(admin.TabularInline):
    """When the report was shared with the council and withdrawn, and by whom: read only."""

    model = ReportSharing
    fields = readonly_fields = ["action", "by", "at"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(admin.ModelAdmin):
    list_display = ["review", "kind", "version", "status", "requested_at", "finished_at"]
    list_filter = ["status", "kind"]
    search_fields = ["review__title"]
    # Sharing goes through the report's page, which tells the council's people and keeps who shared it and when.
    readonly_fields = ["file", "sha256", "error", "started_at", "finished_at", "attempts", "shared_with_host"]
    inlines = [ReportSharingInline]


@admin.register(PurgeRecord)
class PurgeRecordAdmin(ReadOnlyAdmin):
    """Purge records are kept for ever: read only, for everyone."""

    list_display = ["review_title", "council_name", "purged_at", "purged_by_name", "reason"]
    search_fields = ["review_title", "council_name", "purged_by_name"]
    date_hierarchy = "purged_at"
    readonly_fields = [field.name for field in PurgeRecord._meta.fields]


@admin.register(ReviewExport)
class ReviewExportAdmin(ReadOnlyAdmin):
    """Files of reviews written by a worker (whole-review exports and access log CSVs): who asked, when and what
    became of each. The file itself is downloaded from the review's export page or its access log, where the
    download is logged; it is not offered here."""

    list_display = ["review", "kind", "requested_by", "requested_at", "status", "size", "expires_at"]
    list_filter = ["kind", "status"]
    fields = readonly_fields = [
        "review", "kind", "filters", "requested_by", "requested_at", "status", "size", "counts", "error", "attempts",
        "finished_at", "expires_at",
    ]  # fmt: skip


@admin.register(FileToDelete)
class FileToDeleteAdmin(ReadOnlyAdmin):
    """Files the storage did not delete when asked: deleted by the hourly retry (reviews/file_deletions.py). A list
    that stays long means the storage is refusing deletions; its last error says why."""

    list_display = ["name", "first_tried_at", "last_tried_at", "attempts", "last_error"]
    search_fields = ["name"]
    fields = readonly_fields = ["name", "first_tried_at", "last_tried_at", "attempts", "last_error"]


@admin.register(AccessLog)
class AccessLogAdmin(ReadOnlyAdmin):
    """The access log is read-only, even for administrators."""

    list_display = ["at", "user", "action", "target", "review", "address"]
    list_filter = ["action", "object_kind", "review"]
    search_fields = ["user__username", "target", "path", "address"]
    list_select_related = ["user", "review"]
    date_hierarchy = "at"


class DocumentVersionInline(admin.TabularInline):
    model = DocumentVersion
    extra = 0
    can_delete = False
    ordering = ["-number"]
    fields = ["number", "original_name", "stored_as", "content_type", "size", "sha256", "uploaded_by", "uploaded_at"]
    readonly_fields = fields

    @admin.display(description="Stored as")
    def stored_as(self, version: DocumentVersion) -> str:
        # The name only: private files have no public URL; members download them from the document page.
        return version.file.name

    def has_add_permission(self, request, obj=None) -> bool:
        # Files come in through the upload page, which checks their content.
        return False


@admin.register(EvidenceDocument)
class EvidenceDocumentAdmin(SimpleHistoryAdmin):
    list_display = ["title", "review", "kind", "version_count", "created_by", "created_at"]
    list_filter = ["kind", "review"]
    search_fields = ["title", "description", "review__title"]
    readonly_fields = ["version_count", "created_by", "created_at"]
    filter_horizontal = ["themes", "scope_areas"]
    inlines = [DocumentVersionInline]


# The planning group and partners' commitments


@admin.register(PlanningMember)
class PlanningMemberAdmin(SimpleHistoryAdmin):
    list_display = ["role", "partner", "name", "review"]
    list_filter = ["review"]
    search_fields = ["role", "name", "partner__name"]
    list_select_related = ["partner", "review"]
    exclude = ["version"]


@admin.register(PlanningMeeting)
class PlanningMeetingAdmin(SimpleHistoryAdmin):
    list_display = ["held_on", "review"]
    list_filter = ["review"]
    date_hierarchy = "held_on"
    list_select_related = ["review"]


@admin.register(Commitment)
class CommitmentAdmin(SimpleHistoryAdmin):
    list_display = [
        "partner",
        "review",
        "mapping_practitioners",
        "focus_group_practitioners",
        "distributes_questionnaire",
        "expected_responses",
    ]
    list_filter = ["review", "distributes_questionnaire"]
    search_fields = ["partner__name", "contact_name"]
    list_select_related = ["partner", "review"]
    exclude = ["version"]


# Accounts, with the audited reset of a lost second factor.
from . import two_factor_admin  # noqa: E402, F401
