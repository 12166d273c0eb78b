from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import AuditDomain, AuditTool, CouncilAudit, CouncilGrade, PeerGrade, Validation


class AuditDomainInline(admin.TabularInline):
    model = AuditDomain
    extra = 1


@admin.register(AuditTool)
class AuditToolAdmin(admin.ModelAdmin):
    list_display = ["name", "grade_scale", "is_default"]
    list_filter = ["grade_scale", "is_default"]
    search_fields = ["name", "domains__name"]
    inlines = [AuditDomainInline]


class CouncilGradeInline(admin.TabularInline):
    model = CouncilGrade
    extra = 0


@admin.register(CouncilAudit)
class CouncilAuditAdmin(SimpleHistoryAdmin):
    list_display = ["case", "review", "auditor_team", "audit_date", "overall_grade"]
    list_filter = ["review", "auditor_team"]
    search_fields = ["case__reference", "auditor_team", "auditor_role"]
    inlines = [CouncilGradeInline]


class PeerGradeInline(admin.TabularInline):
    model = PeerGrade
    extra = 0


@admin.register(Validation)
class ValidationAdmin(SimpleHistoryAdmin):
    list_display = ["audit", "review", "auditor", "status", "moderator"]
    list_filter = ["review", "status"]
    search_fields = ["audit__case__reference", "auditor__username"]
    inlines = [PeerGradeInline]
