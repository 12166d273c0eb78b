from django.urls import path

from . import views

app_name = "interviews"

urlpatterns = [
    path("", views.timetable, name="index"),
    path("calendar.ics", views.timetable_calendar, name="calendar"),
    path("import/", views.timetable_import, name="import"),
    path("import/roles/", views.role_add, name="role_add"),
    path("import/template/", views.timetable_template, name="import_template"),
    path("rules/", views.rules_edit, name="rules"),
    path("coverage/", views.coverage, name="coverage"),
    path("sessions/new/", views.session_create, name="session_create"),
    path("sessions/<int:session_id>/", views.session_detail, name="session"),
    path("sessions/<int:session_id>/edit/", views.session_edit, name="session_edit"),
    path("sessions/<int:session_id>/notes/", views.session_notes, name="notes"),
    path("sessions/<int:session_id>/interviewees/", views.interviewee_add, name="interviewee_add"),
    path(
        "sessions/<int:session_id>/interviewees/<int:interviewee_id>/remove/",
        views.interviewee_remove,
        name="interviewee_remove",
    ),
    path("notes/<int:note_id>/finding/", views.note_finding, name="note_finding"),
    path("peers/<int:peer_id>/", views.peer_agenda, name="peer_agenda"),
    path("peers/<int:peer_id>/calendar.ics", views.peer_calendar, name="peer_calendar"),
    path("lines/", views.line_list, name="lines"),
    path("lines/new/", views.line_create, name="line_create"),
    path("lines/adopt/", views.lines_adopt, name="lines_adopt"),
    path("lines/<int:line_id>/edit/", views.line_edit, name="line_edit"),
]
