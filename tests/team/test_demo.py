"""The demo shows notifications, emails with their results, invitations not yet accepted and tasks with due dates."""

import io

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from reviews import todo
from reviews.models import EmailRecord, Invitation, Notification, Review


@pytest.fixture(autouse=True)
def demo_settings(settings):
    settings.DEBUG = True  # the default demo password needs it, as in the quick start


def seed() -> None:
    call_command("seed_demo", stdout=io.StringIO())


def counts() -> tuple:
    return Notification.objects.count(), EmailRecord.objects.count(), Invitation.objects.count()


@pytest.mark.django_db
def test_the_demo_shows_the_team_s_notifications_invitations_and_tasks_and_running_it_twice_changes_nothing():
    seed()
    first = counts()
    seed()

    users = {user.username: user for user in get_user_model().objects.all()}
    review = Review.objects.filter(invitations__status="pending").distinct().get()
    lead = Client()
    lead.force_login(users["lead"])
    team = lead.get(reverse("team:index", args=[review.pk])).content.decode()
    notifications = lead.get(reverse("notifications:list")).content.decode()
    tasks = todo.tasks_for(users["contributor"], today=review.onsite_start)
    assert counts() == first
    assert "2 people have not yet accepted." in team
    assert "grace.penrose@peers.example" in team
    assert "moj-notification-badge" in notifications
    assert "Amira Castell accepted the invitation to the review" in notifications
    assert EmailRecord.objects.filter(status="failed", error__startswith="ConnectionRefusedError").count() == 1
    assert tasks
    assert all(task.due for task in tasks if task.kind.startswith("Document request"))
    assert all(email.endswith(".example") for email in EmailRecord.objects.values_list("to_address", flat=True))
