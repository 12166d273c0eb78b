from django.urls import path

from . import views

app_name = "audits"

urlpatterns = [
    path("", views.index, name="index"),
    path("council/", views.audit_list, name="audit_list"),
    path("council/new/", views.audit_create, name="audit_create"),
    path("council/import/", views.audit_import, name="audit_import"),
    path("council/template/", views.audit_template, name="audit_template"),
    path("council/<int:audit_id>/", views.audit_detail, name="audit_detail"),
    path("sample/", views.sample, name="sample"),
    path("statistics/", views.statistics, name="statistics"),
    path("statistics/cases/", views.cases_behind, name="cases_behind"),
    path("statistics/finding/", views.raise_finding, name="statistics_finding"),
    path("cases/<int:validation_id>/", views.validation_detail, name="validation_detail"),
    path("cases/<int:validation_id>/comparison/", views.comparison, name="comparison"),
    path("cases/<int:validation_id>/moderate/", views.moderate, name="moderate"),
    path("cases/<int:validation_id>/moderator/", views.name_moderator, name="name_moderator"),
    path("cases/<int:validation_id>/finding/", views.raise_finding, name="validation_finding"),
]
