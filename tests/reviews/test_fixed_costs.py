"""What every signed-in page costs before its own work: the permissions in one query (a group's still count), and
a form of many grade fields that loads the grades once and still refuses a grade not on the tool's scale."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audits.forms import CouncilAuditForm
from audits.models import AuditTool
from reviews.models import Grade, GradeScale, Notification
from reviews.notifications import services

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


# What every page shows of the person, kept until it changes (reviews/person_cache.py)


@pytest.fixture(autouse=True)
def _kept(settings):
    settings.PERSON_FIGURES_SECONDS = 15 * 60


BADGE = '<span class="moj-notification-badge">{}<span class="govuk-visually-hidden"> unread</span></span>'


def header_queries(client, url: str) -> tuple[str, list[str]]:
    """A page's HTML and those of its queries that ask for permissions or the unread count."""
    with CaptureQueriesContext(connection) as captured:
        page = client.get(url).content.decode()
    asked = [
        query["sql"]
        for query in captured.captured_queries
        if '"auth_permission"' in query["sql"] or 'FROM "reviews_notification"' in query["sql"]
    ]
    return page, asked


def tell(user, title="A document request is assigned to you"):
    return services.notify(recipient=user, kind=Notification.Kind.ASSIGNMENT, title=title, link="/reviews/")


@pytest.mark.django_db
def test_a_page_seen_again_asks_for_neither_permissions_nor_the_unread_count(client):
    manager = UserFactory(username="manager")
    manager.user_permissions.add(Permission.objects.get(codename="view_programme"))
    tell(manager)
    client.force_login(manager)

    first, asked_first = header_queries(client, reverse("reviews:list"))
    again, asked_again = header_queries(client, reverse("reviews:list"))

    assert len(asked_first) == 2
    assert asked_again == []
    assert BADGE.format(1) in again and ">Programme</a>" in again


@pytest.mark.django_db
@pytest.mark.parametrize(
    "change",
    [
        "the person leaves the group",
        "the group loses the permission",
        "the group is deleted",
        "the person's own permission is added",
    ],
)
def test_a_change_to_groups_or_permissions_shows_on_the_next_page(client, change):
    manager = UserFactory(username="manager")
    group = Group.objects.create(name="Programme managers")
    programme = Permission.objects.get(codename="view_programme")
    group.permissions.add(programme)
    if change == "the person's own permission is added":
        group.permissions.remove(programme)
    manager.groups.add(group)
    client.force_login(manager)
    before, _ = header_queries(client, reverse("reviews:list"))

    if change == "the person leaves the group":
        manager.groups.remove(group)
    elif change == "the group loses the permission":
        group.permissions.remove(programme)
    elif change == "the group is deleted":
        group.delete()
    else:
        manager.user_permissions.add(programme)
    after, asked = header_queries(client, reverse("reviews:list"))

    shown = change == "the person's own permission is added"
    assert (">Programme</a>" in before) is not shown
    assert (">Programme</a>" in after) is shown
    assert any('"auth_permission"' in sql for sql in asked)


@pytest.mark.django_db
def test_becoming_a_superuser_or_inactive_takes_effect_at_once(client):
    person = UserFactory(username="person")
    client.force_login(person)
    assert ">Programme</a>" not in client.get(reverse("reviews:list")).content.decode()

    type(person).objects.filter(pk=person.pk).update(is_superuser=True)
    assert ">Programme</a>" in client.get(reverse("reviews:list")).content.decode()

    person.refresh_from_db()
    assert person.get_all_permissions()
    person.is_active = False
    assert person.get_all_permissions() == set()


@pytest.mark.django_db
def test_the_unread_count_follows_new_read_and_deleted_notifications(client, review):
    person = UserFactory(username="person")
    client.force_login(person)
    first = tell(person, "First")
    assert BADGE.format(1) in client.get(reverse("reviews:list")).content.decode()

    second = tell(person, "Second")
    assert BADGE.format(2) in client.get(reverse("reviews:list")).content.decode()

    client.post(reverse("notifications:mark_read", args=[first.pk]))
    assert BADGE.format(1) in client.get(reverse("reviews:list")).content.decode()

    Notification.objects.filter(pk=second.pk).update(review=review)
    review.delete()  # the notification goes with its review
    assert not Notification.objects.filter(pk=second.pk).exists()
    assert "moj-notification-badge" not in client.get(reverse("reviews:list")).content.decode()

    tell(person, "Third"), tell(person, "Fourth")
    assert BADGE.format(2) in client.get(reverse("reviews:list")).content.decode()
    client.post(reverse("notifications:mark_all_read"))
    assert "moj-notification-badge" not in client.get(reverse("reviews:list")).content.decode()


@pytest.mark.django_db
def test_with_nothing_kept_every_page_asks_again(client, settings):
    settings.PERSON_FIGURES_SECONDS = 0
    person = UserFactory(username="person")
    client.force_login(person)
    header_queries(client, reverse("reviews:list"))

    _, asked = header_queries(client, reverse("reviews:list"))

    assert len(asked) == 2


@pytest.mark.django_db
def test_a_signed_in_page_holds_the_account_itself_and_a_public_page_the_lazy_one(lead_client, review):
    from django.utils.functional import LazyObject

    response = lead_client.get(reverse("reviews:overview", args=[review.pk]))
    assert response.status_code == 200
    user = response.wsgi_request.user
    assert not isinstance(user, LazyObject) and user.username == "lead" and user.otp_device is None

    response = lead_client.get(reverse("health"))
    assert response.status_code == 200
    assert isinstance(response.wsgi_request.user, LazyObject)  # a public page: Django's, as it was
