"""One open item of each kind a person can be asked to do, made directly in the database."""

import datetime

from conference.models import Checkpoint
from focusgroups.models import FocusGroup, QuestionnaireSettings, Response, SafeguardingAlert
from interviews.models import Session
from selfassessment.models import DocumentRequest, Entry

from ..audits.helpers import make_audit, make_validation
from ..conference.factories import ActionFactory, PriorityFactory
from ..focusgroups.conftest import make_questionnaire


def document_request(review, assignee, due, title="Safeguarding partnership annual report", **values):
    return DocumentRequest.objects.create(review=review, title=title, due_date=due, assignee=assignee, **values)


def returned_entry(review, submitter, reason="Add how you know thresholds are applied consistently."):
    area = review.framework.scope_areas.order_by("order").first()
    return Entry.objects.create(
        review=review,
        scope_area=area,
        status=Entry.Status.CHANGES_REQUESTED,
        submitted_by=submitter,
        changes_reason=reason,
    )


def validation(review, auditor, reference, *, regraded=False, moderator=None):
    audit = make_audit(review, reference)
    ranks = [2] * audit.tool.domains.count() if regraded else None
    # Regraded one grade lower overall than the council's 2, so the case awaits moderation.
    made = make_validation(audit, auditor, ranks=ranks, overall=3 if regraded else None)
    if moderator is not None:
        made.moderator = moderator
        made.save(update_fields=["moderator"])
    return made


def session(review, peer, day, title="Interview with the Director of Children's Services"):
    made = Session.objects.create(
        review=review,
        kind=Session.Kind.INTERVIEW,
        title=title,
        day=day,
        start=datetime.time(9, 0),
        end=datetime.time(10, 0),
        location="Room 1, Civic Centre",
    )
    made.peers.add(peer)
    return made


def focus_group(review, note_taker, held_on, notes="", title="Social workers, north team"):
    return FocusGroup.objects.create(
        review=review,
        title=title,
        held_on=held_on,
        audience="staff",
        note_taker=note_taker,
        participants=8,
        notes=notes,
    )


def alert(review, safeguarding_lead, title="Children 8 to 11"):
    QuestionnaireSettings.objects.update_or_create(review=review, defaults={"safeguarding_lead": safeguarding_lead})
    questionnaire = make_questionnaire(review, title=title, audience="children", age_band="8-11")
    response = Response.objects.create(questionnaire=questionnaire)
    return SafeguardingAlert.objects.create(review=review, response=response, reason="Answered Never to feeling safe.")


def action(review, owner, due, description="Audit the front door's threshold decisions"):
    return ActionFactory(priority=PriorityFactory(review=review), owner=owner, due_date=due, description=description)


def checkpoint(review, months):
    return Checkpoint.objects.create(review=review, months=months, held_on=datetime.date(2026, 3, 1))
