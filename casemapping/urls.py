from django.urls import path

from . import views

app_name = "casemapping"

urlpatterns = [
    path("", views.index, name="index"),
    path("cases/new/", views.case_create, name="case_create"),
    path("cases/import/", views.case_import, name="case_import"),
    path("cases/template/", views.case_template, name="case_template"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    path("cases/<int:case_id>/edit/", views.case_edit, name="case_edit"),
    path("cases/<int:case_id>/remove/", views.case_remove, name="case_remove"),
    path("cases/<int:case_id>/events/new/", views.event_create, name="event_create"),
    path("cases/<int:case_id>/events/import/", views.event_import, name="event_import"),
    path("cases/<int:case_id>/events/template/", views.event_template, name="event_template"),
    path("cases/<int:case_id>/events/<int:event_id>/edit/", views.event_edit, name="event_edit"),
    path("timeliness/", views.timeliness, name="timeliness"),
    path("workshops/", views.workshop_list, name="workshops"),
    path("workshops/new/", views.workshop_create, name="workshop_create"),
    path("workshops/<int:workshop_id>/", views.workshop_detail, name="workshop_detail"),
    path("workshops/<int:workshop_id>/invitations/", views.workshop_invite, name="workshop_invite"),
    path("workshops/<int:workshop_id>/held/", views.workshop_record, name="workshop_record"),
    path("workshops/<int:workshop_id>/agencies/", views.workshop_agency_add, name="workshop_agency_add"),
    path("workshops/<int:workshop_id>/learning/new/", views.learning_create, name="learning_create"),
]
