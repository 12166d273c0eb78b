from django.urls import path

from . import inspection_views, views

app_name = "selfassessment"

urlpatterns = [
    path("", views.index, name="index"),
    path("set-up/", views.set_up, name="set_up"),
    path("submit/", views.submit_all, name="submit_all"),
    path("comparison/", views.comparison, name="comparison"),
    path("export/<str:file_format>/", views.export_document, name="export"),
    path("entries/<int:entry_id>/", views.entry_detail, name="entry_detail"),
    path("entries/<int:entry_id>/edit/", views.entry_edit, name="entry_edit"),
    path("entries/<int:entry_id>/submit/", views.entry_submit, name="entry_submit"),
    path("entries/<int:entry_id>/decide/", views.entry_decide, name="entry_decide"),
    path("entries/<int:entry_id>/analysis/", views.analysis_edit, name="analysis_edit"),
    path("entries/<int:entry_id>/analysis/publish/", views.analysis_publish, name="analysis_publish"),
    path("entries/<int:entry_id>/findings/new/", views.entry_finding, name="entry_finding"),
    path("requests/", views.request_list, name="requests"),
    path("requests/start/", views.request_start, name="request_start"),
    path("requests/new/", views.request_create, name="request_create"),
    path("requests/<int:request_id>/", views.request_detail, name="request_detail"),
    path("requests/<int:request_id>/edit/", views.request_edit, name="request_edit"),
    path("requests/<int:request_id>/attach/", views.request_attach, name="request_attach"),
    path("requests/<int:request_id>/decide/", views.request_decide, name="request_decide"),
    path("inspection/", inspection_views.inspection, name="inspection"),
    path("inspection/edit/", inspection_views.inspection_edit, name="inspection_edit"),
    path("inspection/judgements/new/", inspection_views.judgement_create, name="judgement_create"),
    path(
        "inspection/judgements/<int:judgement_id>/delete/",
        inspection_views.judgement_delete,
        name="judgement_delete",
    ),
    path(
        "inspection/judgements/<int:judgement_id>/edit/",
        inspection_views.judgement_edit,
        name="judgement_edit",
    ),
    path("inspection/recommendations/import/", inspection_views.recommendation_import, name="recommendation_import"),
    path(
        "inspection/recommendations/<int:recommendation_id>/",
        inspection_views.recommendation_detail,
        name="recommendation_detail",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/edit/",
        inspection_views.recommendation_edit,
        name="recommendation_edit",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/delete/",
        inspection_views.recommendation_delete,
        name="recommendation_delete",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/move/",
        inspection_views.recommendation_move,
        name="recommendation_move",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/progress/",
        inspection_views.progress_edit,
        name="progress_edit",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/peer-view/",
        inspection_views.peer_view_edit,
        name="peer_view_edit",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/peer-view/publish/",
        inspection_views.peer_view_publish,
        name="peer_view_publish",
    ),
    path(
        "inspection/recommendations/<int:recommendation_id>/findings/new/",
        inspection_views.recommendation_finding,
        name="recommendation_finding",
    ),
    path("inspection/progress/", inspection_views.progress_table, name="progress_table"),
]
