from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Event, EventKind, LearningPoint, TimescaleRule, TimescaleSetting, Workshop, WorkshopAgency


@admin.register(EventKind)
class EventKindAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "order", "ends"]
    list_filter = [("ends", admin.RelatedOnlyFieldListFilter)]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    ordering = ["order", "name"]


@admin.register(TimescaleRule)
class TimescaleRuleAdmin(admin.ModelAdmin):
    list_display = [
        "name", "from_kind", "to_kind", "limit", "unit", "window_days", "source", "applies_from", "applies_to", "council", "responsible"
    ]  # fmt: skip
    list_filter = ["unit", "source", "council"]
    search_fields = ["name", "source"]
    filter_horizontal = ["stopped_by"]
    ordering = ["from_kind__order", "applies_from"]


@admin.register(TimescaleSetting)
class TimescaleSettingAdmin(admin.ModelAdmin):
    list_display = ["review", "rules_as_of", "reason"]
    search_fields = ["review__title"]


@admin.register(Event)
class EventAdmin(SimpleHistoryAdmin):
    list_display = ["case", "date", "sequence", "kind", "agency", "is_disputed", "is_material"]
    list_filter = ["kind", "is_disputed", "is_material"]
    search_fields = ["case__reference", "summary"]
    raw_id_fields = ["review", "case", "agency", "disputed_by", "threshold_level", "added_by"]


class WorkshopAgencyInline(admin.TabularInline):
    model = WorkshopAgency
    extra = 0
    raw_id_fields = ["agency"]


class LearningPointInline(admin.StackedInline):
    model = LearningPoint
    extra = 0
    raw_id_fields = ["events", "finding", "created_by"]
    filter_horizontal = ["focus_areas"]


@admin.register(Workshop)
class WorkshopAdmin(SimpleHistoryAdmin):
    list_display = ["review", "held_on", "facilitators"]
    list_filter = ["review"]
    search_fields = ["review__title", "facilitators"]
    raw_id_fields = ["cases", "created_by"]
    inlines = [WorkshopAgencyInline, LearningPointInline]
