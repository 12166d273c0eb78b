"""Purging a review's case-level data, end to end on the demo's richest review: afterwards no table (change
history and the access log included) and no stored file holds a trace of its cases, notes or free text, while
its findings, letter, plan and answer counts stay, and a purge record says what went."""

import io
import re

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import DatabaseError, connection, models, transaction

from conference.models import Action, Letter
from focusgroups.models import Answer, Response
from reviews import retention
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import AccessLog, Case, DocumentVersion, Finding, PurgeRecord, Report, Review
from reviews.storage import private_storage

from ..factories import CaseFactory, UserFactory

pytestmark = pytest.mark.django_db

RICH = NORTHMOOR_REVIEW


@pytest.fixture
def demo(settings):
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    review = Review.objects.get(title=RICH)
    admin = UserFactory(username="purger", is_staff=True, is_superuser=True)
    return review, admin


MARKED = [
    ("casemapping", "Event", "summary", "case__review"),
    ("casemapping", "Workshop", "went_well", "review"),
    ("audits", "CouncilAudit", "narrative", "review"),
    ("audits", "Validation", "narrative", "review"),
    ("focusgroups", "Answer", "text", "response__questionnaire__review"),
    ("focusgroups", "FocusGroup", "notes", "review"),
    ("focusgroups", "Coding", "quote", "review"),
    ("focusgroups", "SafeguardingAlert", "reason", "review"),
    ("interviews", "SessionNote", "text", "session__review"),
]


def mark_case_level_text(review: Review) -> list[str]:
    """Write a word found nowhere else into one record of every kind of case-level text, saved so that its change
    history holds the word too: the words a purge must leave nowhere."""
    words = []
    for number, (app, name, field, path) in enumerate(MARKED):
        model = apps.get_model(app, name)
        record = model.objects.filter(**{path: review}).exclude(**{field: ""}).order_by("pk").first()
        if record is None and name == "SessionNote":  # the demo's notes come once its sessions' days have passed
            session = apps.get_model("interviews", "Session").objects.filter(review=review).first()
            record = model.objects.create(session=session, author=session.peers.first(), text="Notes.")
        assert record is not None, f"the demo has no {name} with {field} to purge"
        word = f"purge-marker-{number}-{name.lower()}"
        setattr(record, field, f"{getattr(record, field)} {word}")
        record.save()
        words.append(word)
    return words


def tables_holding(words: list[str]) -> list[str]:
    """Every model's text and JSON column, historical models included, that holds any of these words."""
    pattern = "|".join(re.escape(word) for word in words)
    found = []
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if isinstance(field, models.CharField | models.TextField | models.JSONField):
                lookup = f"{field.attname}__iregex" if not isinstance(field, models.JSONField) else None
                if lookup is None:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f'SELECT 1 FROM "{model._meta.db_table}" WHERE "{field.column}"::text ~* %s LIMIT 1',
                            [pattern],
                        )
                        if cursor.fetchone():
                            found.append(f"{model._meta.label}.{field.name}")
                elif model._default_manager.filter(**{lookup: pattern}).exists():
                    found.append(f"{model._meta.label}.{field.name}")
    return found


def test_a_purge_leaves_no_trace_of_a_case_and_keeps_what_the_council_tracks(demo, django_capture_on_commit_callbacks):
    review, admin = demo
    references = list(Case.objects.filter(review=review).values_list("reference", flat=True))
    marks = mark_case_level_text(review)
    assert len(references) >= 5
    files = list(DocumentVersion.objects.filter(document__review=review).values_list("file", flat=True))
    files += [
        name
        for row in Report.objects.filter(review=review)
        .exclude(kind=Report.Kind.IMPROVEMENT_PLAN)
        .values("file", "docx", "pptx")
        for name in row.values()
        if name
    ]
    assert files and all(private_storage().exists(name) for name in files)
    kept = {
        "findings": Finding.objects.filter(review=review).count(),
        "actions": Action.objects.filter(priority__review=review).count(),
        "responses": Response.objects.filter(questionnaire__review=review).count(),
        "choices": Answer.objects.filter(response__questionnaire__review=review, value__isnull=False).count(),
        "letter": Letter.objects.filter(review=review).values_list("body", flat=True).first(),
    }
    assert tables_holding(references)  # the check finds them before the purge
    assert len(tables_holding(marks)) >= len(MARKED)

    retention.archive(review, by=admin)
    with django_capture_on_commit_callbacks(execute=True):
        record = retention.purge(review, by=admin, reason="The retention period ended.")

    left = tables_holding(references) + tables_holding(marks)
    assert not left, "still held in: " + ", ".join(left)
    assert not any(private_storage().exists(name) for name in files)
    assert kept == {
        "findings": Finding.objects.filter(review=review).count(),
        "actions": Action.objects.filter(priority__review=review).count(),
        "responses": Response.objects.filter(questionnaire__review=review).count(),
        "choices": Answer.objects.filter(response__questionnaire__review=review, value__isnull=False).count(),
        "letter": Letter.objects.filter(review=review).values_list("body", flat=True).first(),
    }
    assert record.counts["cases"] == len(references)
    assert record.counts["chronology events"] > 0 and record.counts["uploaded files"] > 0
    assert record.purged_by_name == "purger" and record.review_title == RICH
    assert record.aggregates["case-mapping"]["progress"]["total"] >= 0
    assert AccessLog.objects.filter(review=review, target__contains=retention.PURGED_CASE).exists()


def test_only_an_archived_review_is_purged(demo):
    review, admin = demo

    with pytest.raises(retention.NotArchived):
        retention.purge(review, by=admin, reason="Too early.")

    assert Case.objects.filter(review=review).exists()
    assert not PurgeRecord.objects.exists()


def test_the_access_log_and_the_purge_record_cannot_be_changed_outside_a_purge(demo):
    review, admin = demo
    retention.archive(review, by=admin)
    record = retention.purge(review, by=admin, reason="The retention period ended.")
    entry = AccessLog.objects.filter(review=review).first()

    for attempt in (
        lambda: AccessLog.objects.filter(pk=entry.pk).update(target="rewritten"),
        lambda: PurgeRecord.objects.filter(pk=record.pk).update(reason="rewritten"),
        lambda: PurgeRecord.objects.filter(pk=record.pk).delete(),
    ):
        with pytest.raises(DatabaseError, match="append-only|kept for ever"), transaction.atomic():
            attempt()
    assert PurgeRecord.objects.get(pk=record.pk).reason == "The retention period ended."
    # Even with the purge's setting on, a description may only gain the purged mark, not any other words.
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL peerreview.purging = 'on'")
        AccessLog.objects.filter(pk=entry.pk).update(target="forged")


def test_the_admin_asks_before_purging_and_refuses_a_review_not_archived(review, admin_user, client):
    CaseFactory(review=review, reference="AD-001")
    client.force_login(admin_user)
    changelist = "/admin/reviews/review/"

    refused = client.post(changelist, {"action": "purge", "_selected_action": [review.pk]}, follow=True)
    assert "Archive these reviews before purging them" in refused.content.decode()
    retention.archive(review, by=admin_user)
    asked = client.post(changelist, {"action": "purge", "_selected_action": [review.pk]})
    assert asked.status_code == 200 and "Yes, purge for good" in asked.content.decode()
    assert Case.objects.filter(review=review).exists()

    done = client.post(
        changelist, {"action": "purge", "_selected_action": [review.pk], "confirm": "purge"}, follow=True
    )

    assert "Purged " in done.content.decode() and "cases: 1" in done.content.decode()
    assert not Case.objects.filter(review=review).exists()
    record = PurgeRecord.objects.get(review=review)
    assert client.get(f"/admin/reviews/purgerecord/{record.pk}/change/").status_code == 200
    assert client.post(f"/admin/reviews/purgerecord/{record.pk}/delete/", {"post": "yes"}).status_code == 403
