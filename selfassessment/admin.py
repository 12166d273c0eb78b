from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import DocumentRequest, DocumentRequestTemplate, Entry, PeerAnalysis, Submission


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
