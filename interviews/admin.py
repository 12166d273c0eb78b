from django.contrib import admin

from .models import Interviewee, LineOfEnquiry, LineTemplate, ProgrammeRules, Session


@admin.register(LineTemplate)
class LineTemplateAdmin(admin.ModelAdmin):
    list_display = ["text", "framework", "theme", "scope_area", "order"]
    list_filter = ["framework", "theme", "scope_area"]
    search_fields = ["text"]
    ordering = ["framework", "order", "pk"]


@admin.register(LineOfEnquiry)
class LineOfEnquiryAdmin(admin.ModelAdmin):
    list_display = ["text", "review", "theme", "scope_area"]
    list_filter = ["review", "theme"]
    search_fields = ["text", "review__title"]
    readonly_fields = ["template", "version"]
    filter_horizontal = ["focus_areas"]


class IntervieweeInline(admin.TabularInline):
    model = Interviewee
    extra = 0
    autocomplete_fields = ["agency"]


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["title", "review", "kind", "day", "start", "end", "location", "status"]
    list_filter = ["review", "kind", "status", "day"]
    search_fields = ["title", "location", "review__title"]
    filter_horizontal = ["peers", "lines"]
    readonly_fields = ["version"]
    inlines = [IntervieweeInline]


@admin.register(ProgrammeRules)
class ProgrammeRulesAdmin(admin.ModelAdmin):
    list_display = ["review", "travel_gap_minutes", "max_without_break_minutes", "break_minutes"]
    search_fields = ["review__title"]
    exclude = ["version"]
