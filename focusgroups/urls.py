from django.urls import path

from . import alert_views, distribution_views, editor, views

app_name = "focusgroups"

urlpatterns = [
    path("", views.index, name="index"),
    path("segments/<int:segment_id>/", views.segment_edit, name="segment"),
    path("questionnaires/copy/", views.questionnaire_copy, name="questionnaire_copy"),
    path("questionnaires/<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire"),
    path(
        "questionnaires/<int:questionnaire_id>/results.csv",
        views.questionnaire_export,
        {"fmt": "csv"},
        name="export_csv",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/results.xlsx",
        views.questionnaire_export,
        {"fmt": "xlsx"},
        name="export_xlsx",
    ),
    path("questionnaires/<int:questionnaire_id>/edit/", editor.questionnaire_editor, name="editor"),
    path("questionnaires/<int:questionnaire_id>/sections/<int:section_id>/", editor.section_edit, name="section"),
    path(
        "questionnaires/<int:questionnaire_id>/sections/<int:section_id>/move/",
        editor.section_move,
        name="section_move",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/sections/<int:section_id>/remove/",
        editor.section_remove,
        name="section_remove",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/sections/<int:section_id>/questions/new/",
        editor.question_create,
        name="question_create",
    ),
    path("questionnaires/<int:questionnaire_id>/questions/<int:question_id>/", editor.question_edit, name="question"),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:question_id>/move/",
        editor.question_move,
        name="question_move",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/questions/<int:question_id>/remove/",
        editor.question_remove,
        name="question_remove",
    ),
    path(
        "questionnaires/<int:questionnaire_id>/distribute/",
        distribution_views.questionnaire_distribute,
        name="distribute",
    ),
    path("questionnaires/<int:questionnaire_id>/paper/", views.paper_entry, name="paper"),
    path("questionnaires/<int:questionnaire_id>/code-answer/", views.answer_code, name="answer_code"),
    path("segments/", views.segments, name="segments"),
    path("alerts/", alert_views.alert_list, name="alerts"),
    path("alerts/<int:alert_id>/", alert_views.alert_detail, name="alert"),
    path("alerts/<int:alert_id>/read/", alert_views.alert_read, name="alert_read"),
    path("alerts/<int:alert_id>/email/retry/", alert_views.alert_email_retry, name="alert_email_retry"),
    path("groups/new/", views.group_create, name="group_create"),
    path("groups/<int:group_id>/", views.group_detail, name="group"),
    path("groups/<int:group_id>/edit/", views.group_edit, name="group_edit"),
    path("groups/<int:group_id>/notes/", views.group_notes, name="group_notes"),
    path("codes/", views.code_list, name="codes"),
    path("codes/<int:code_id>/", views.code_detail, name="code"),
    path("codings/<int:coding_id>/finding/", views.coding_finding, name="coding_finding"),
]
