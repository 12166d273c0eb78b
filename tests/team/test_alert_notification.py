"""A safeguarding alert also reaches the named safeguarding lead's notifications, naming no answer; its email
stays the alert's own, sent once."""

from django.core import mail
from django.test import Client

from focusgroups.models import Question, QuestionnaireSettings, SafeguardingAlert
from focusgroups.tasks import email_safeguarding_alert
from reviews.models import EmailRecord, Notification, NotificationSettings

from ..focusgroups.conftest import make_questionnaire, question


def test_an_alert_is_on_the_safeguarding_lead_s_notifications_without_the_child_s_words(
    review, lead, django_capture_on_commit_callbacks
):
    NotificationSettings.objects.create(user=lead, email="none")
    QuestionnaireSettings.objects.create(review=review, safeguarding_lead=lead)
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    free = question(questionnaire, Question.Kind.TEXT)

    with django_capture_on_commit_callbacks():
        Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": "I am scared at home"})
    alert = SafeguardingAlert.objects.get()
    email_safeguarding_alert(alert_id=alert.pk, site_url="http://testserver/")

    notification = Notification.objects.get()
    assert (notification.recipient, notification.kind, notification.email_mode) == (
        lead,
        "safeguarding_alert",
        "none",
    )
    assert notification.title == "A response to “Children 8 to 11” raised a safeguarding alert"
    assert notification.link == alert.get_absolute_url()
    assert "scared" not in notification.title + notification.body
    assert EmailRecord.objects.count() == 0
    assert len(mail.outbox) == 1  # the alert's own email


def test_no_notification_without_a_named_safeguarding_lead(review, lead, django_capture_on_commit_callbacks):
    questionnaire = make_questionnaire(review, title="Children 8 to 11", audience="children", age_band="8-11")
    free = question(questionnaire, Question.Kind.TEXT)

    with django_capture_on_commit_callbacks():
        Client().post(f"/q/{questionnaire.token}/", {f"q{free.pk}": "I am scared at home"})

    assert SafeguardingAlert.objects.count() == 1
    assert Notification.objects.count() == 0
