from django.urls import path

from . import export_views, planning_views, programme_views, report_views, setup_views, views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("programme/", programme_views.dashboard, name="programme"),
    path("programme/export.csv", programme_views.dashboard_export, {"fmt": "csv"}, name="programme_csv"),
    path("programme/export.xlsx", programme_views.dashboard_export, {"fmt": "xlsx"}, name="programme_xlsx"),
    path("new/", setup_views.setup_start, name="setup_start"),
    path("new/check/", setup_views.setup_check, name="setup_check"),
    path("new/<slug:step>/", setup_views.setup_step, name="setup_step"),
    path("new/done/<int:created_id>/", setup_views.setup_done, name="setup_done"),
    path("<int:review_id>/scope/", setup_views.scope_edit, name="scope"),
    path(
        "<int:review_id>/scope/<slug:kind>/<int:item_id>/remove/",
        setup_views.scope_remove_own,
        name="scope_remove_own",
    ),
    path("<int:review_id>/", views.review_overview, name="overview"),
    path("<int:review_id>/programme/", programme_views.review_programme, name="programme_review"),
    path("<int:review_id>/comparison/", views.review_comparison, name="comparison"),
    path("<int:review_id>/comparison/earlier/", views.previous_review_edit, name="previous_review"),
    path("<int:review_id>/findings/", views.finding_list, name="findings"),
    path("<int:review_id>/findings/new/", views.finding_create, name="finding_create"),
    path("<int:review_id>/findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("<int:review_id>/findings/<int:finding_id>/edit/", views.finding_edit, name="finding_edit"),
    path("<int:review_id>/reports/", report_views.report_list, name="reports"),
    path("<int:review_id>/reports/request/", report_views.report_request, name="report_request"),
    path("<int:review_id>/reports/<int:report_id>/", report_views.report_detail, name="report_detail"),
    path("<int:review_id>/reports/<int:report_id>/download/", report_views.report_download, name="report_download"),
    path(
        "<int:review_id>/reports/<int:report_id>/download/<str:file_format>/",
        report_views.report_download,
        name="report_download_format",
    ),
    path("<int:review_id>/reports/<int:report_id>/retry/", report_views.report_retry, name="report_retry"),
    path("<int:review_id>/reports/<int:report_id>/share/", report_views.report_share, name="report_share"),
    path("<int:review_id>/reports/<int:report_id>/withdraw/", report_views.report_withdraw, name="report_withdraw"),
    path("<int:review_id>/export/", export_views.review_export, name="export"),
    path("<int:review_id>/export/<int:export_id>/download/", export_views.export_download, name="export_download"),
    path("<int:review_id>/export/<int:export_id>/delete/", export_views.export_delete, name="export_delete"),
    path("<int:review_id>/documents/", views.document_list, name="documents"),
    path("<int:review_id>/documents/upload/", views.document_upload, name="document_upload"),
    path("<int:review_id>/documents/<int:document_id>/", views.document_detail, name="document_detail"),
    path("<int:review_id>/documents/<int:document_id>/replace/", views.document_replace, name="document_replace"),
    path(
        "<int:review_id>/documents/<int:document_id>/versions/<int:version_id>/download/",
        views.document_download,
        name="document_download",
    ),
    path("<int:review_id>/planning/", planning_views.planning, name="planning"),
    path("<int:review_id>/planning/members/new/", planning_views.planning_member_create, name="planning_member_create"),
    path(
        "<int:review_id>/planning/members/<int:member_id>/edit/",
        planning_views.planning_member_edit,
        name="planning_member_edit",
    ),
    path(
        "<int:review_id>/planning/members/<int:member_id>/remove/",
        planning_views.planning_member_remove,
        name="planning_member_remove",
    ),
    path(
        "<int:review_id>/planning/meetings/new/", planning_views.planning_meeting_create, name="planning_meeting_create"
    ),
    path(
        "<int:review_id>/planning/meetings/<int:meeting_id>/edit/",
        planning_views.planning_meeting_edit,
        name="planning_meeting_edit",
    ),
    path(
        "<int:review_id>/planning/meetings/<int:meeting_id>/remove/",
        planning_views.planning_meeting_remove,
        name="planning_meeting_remove",
    ),
    path("<int:review_id>/planning/commitments/new/", planning_views.commitment_create, name="commitment_create"),
    path(
        "<int:review_id>/planning/commitments/<int:commitment_id>/edit/",
        planning_views.commitment_edit,
        name="commitment_edit",
    ),
]
