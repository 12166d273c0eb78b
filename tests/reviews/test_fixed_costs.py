"""What every signed-in page costs before its own work: the permissions in one query (a group's still count), and
a form of many grade fields that loads the grades once and still refuses a grade not on the tool's scale."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.forms import CouncilAuditForm
from audits.models import AuditTool
from reviews.models import Grade, GradeScale

from ..factories import CaseFactory, UserFactory


@pytest.mark.django_db
def test_permissions_come_from_the_user_and_their_groups_in_one_query(client):
    manager = UserFactory(username="manager")
    group = Group.objects.create(name="Programme managers")
    group.permissions.add(Permission.objects.get(codename="view_programme"))
    manager.groups.add(group)
    manager.user_permissions.add(Permission.objects.get(codename="add_review"))
    manager = type(manager).objects.get(pk=manager.pk)

    with CaptureQueriesContext(connection) as captured:
        held = manager.get_all_permissions()

    assert {"reviews.view_programme", "reviews.add_review"} <= held
    assert len(captured) == 1
    client.force_login(manager)
    assert client.get(reverse("reviews:programme")).status_code == 200
    group.permissions.clear()
    assert client.get(reverse("reviews:programme")).status_code in {403, 404}


@pytest.mark.django_db
def test_an_inactive_user_holds_no_permission():
    user = UserFactory(username="gone", is_active=False)
    user.user_permissions.add(Permission.objects.get(codename="view_programme"))

    assert user.get_all_permissions() == set()
    assert not user.has_perm("reviews.view_programme")


def audit_form(review, data=None):
    tool = AuditTool.objects.for_review(review)
    return CouncilAuditForm(data, review=review, tool=tool), tool


@pytest.mark.django_db
def test_the_audit_form_loads_the_grades_once_however_many_domains(review):
    CaseFactory(review=review, reference="G-001")
    with CaptureQueriesContext(connection) as captured:
        form, tool = audit_form(review)
        html = str(form["overall_grade"]) + "".join(
            str(form[name]) for name in form.fields if name.startswith("domain_")
        )

    grades = Grade.objects.filter(scale=tool.grade_scale)
    assert all(grade.label in html for grade in grades)
    grade_queries = [query for query in captured.captured_queries if '"reviews_grade"' in query["sql"]]
    assert len(grade_queries) == 1


@pytest.mark.django_db
def test_the_audit_form_refuses_a_grade_of_another_scale_or_not_a_number(review):
    case = CaseFactory(review=review, reference="G-002")
    form, tool = audit_form(review)
    other_scale = GradeScale.objects.exclude(pk=tool.grade_scale_id).first() or GradeScale.objects.create(
        framework=review.framework, name="Another scale"
    )
    foreign = Grade.objects.create(scale=other_scale, rank=9, label="Foreign")
    good = Grade.objects.filter(scale=tool.grade_scale).order_by("rank").first()
    data = {"case": case.pk, "auditor_role": "Team manager", "auditor_team": "Area 1", "audit_date": "2025-01-15"}
    data["narrative"] = "The plan is clear and visits are on time."
    data |= {name: good.pk for name in form.fields if name.startswith("domain_")}

    wrong_scale, _ = audit_form(review, data | {"overall_grade": foreign.pk})
    not_a_number, _ = audit_form(review, data | {"overall_grade": "1; DROP TABLE"})
    right, _ = audit_form(review, data | {"overall_grade": good.pk})

    assert wrong_scale.errors["overall_grade"] == ["Choose one of the grades listed for overall grade."]
    assert not_a_number.errors["overall_grade"] == ["Choose one of the grades listed for overall grade."]
    assert right.is_valid(), right.errors
    assert right.cleaned_data["overall_grade"] == good
