from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    DocumentRequest,
    DocumentRequestTemplate,
    Entry,
    Inspection,
    InspectionKind,
    Judgement,
    PeerAnalysis,
    Recommendation,
    RecommendationPeerView,
    Submission,
)


@admin.register(DocumentRequestTemplate)
class DocumentRequestTemplateAdmin(admin.ModelAdmin):
    list_display = ["title", "framework", "order"]
    list_filter = ["framework"]
    search_fields = ["title", "description"]
    ordering = ["framework", "order"]


@admin.register(DocumentRequest)
class DocumentRequestAdmin(SimpleHistoryAdmin):
    list_display = ["title", "review", "status", "due_date", "assignee"]
    list_filter = ["status", "review"]
    search_fields = ["title"]
    date_hierarchy = "due_date"
    filter_horizontal = ["documents"]


class PeerAnalysisInline(admin.StackedInline):
    model = PeerAnalysis
    extra = 0


@admin.register(Entry)
class EntryAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "review", "status", "grade", "submitted_at"]
    list_filter = ["status", "review"]
    search_fields = ["what_we_know", "how_we_know", "what_next"]
    filter_horizontal = ["documents"]
    inlines = [PeerAnalysisInline]


@admin.register(Submission)
class SubmissionAdmin(admin.ModelAdmin):
    list_display = ["review", "submitted_by", "submitted_at"]


@admin.register(InspectionKind)
class InspectionKindAdmin(admin.ModelAdmin):
    list_display = ["name", "valid_from", "valid_to", "grade_scale"]
    list_filter = ["grade_scale"]
    search_fields = ["name", "description"]
    ordering = ["valid_from", "name"]


class JudgementInline(admin.TabularInline):
    model = Judgement
    extra = 0
    ordering = ["order"]


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    ordering = ["order"]
    fields = ["order", "kind", "text", "rag", "what_done", "what_changed", "documents"]
    filter_horizontal = ["documents"]


@admin.register(Inspection)
class InspectionAdmin(SimpleHistoryAdmin):
    list_display = ["review", "kind", "date", "reference"]
    list_filter = ["kind"]
    search_fields = ["review__title", "reference"]
    date_hierarchy = "date"
    inlines = [JudgementInline, RecommendationInline]

    def save_formset(self, request, form, formset, change):
        # A recommendation added here belongs to the inspection's own review.
        for item in formset.save(commit=False):
            if isinstance(item, Recommendation):
                item.review_id = form.instance.review_id
            item.save()
        for item in formset.deleted_objects:
            item.delete()
        formset.save_m2m()


@admin.register(RecommendationPeerView)
class RecommendationPeerViewAdmin(SimpleHistoryAdmin):
    list_display = ["recommendation", "rag", "published_at"]
    list_filter = ["rag"]
