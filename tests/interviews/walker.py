"""Objects for the URL walker: one of each kind the on-site programme's URLs name, inside `review`."""

from interviews.models import Interviewee, SessionNote
from reviews.models import Partner, PartnerKind

from .conftest import make_session


def walker_objects(review, lead) -> dict[str, int]:
    session = make_session(review, peers=[lead], title="Walker session")
    agency = Partner.objects.create(
        council=review.council, kind=PartnerKind.objects.get(slug="police"), name="Walker police"
    )
    interviewee = Interviewee.objects.create(session=session, role="police_lead", agency=agency)
    note = SessionNote.objects.create(session=session, author=lead, text="Walker notes")
    line = review.lines_of_enquiry.create(theme=review.framework.themes.first(), text="Walker line")
    return {
        "session_id": session.pk,
        "interviewee_id": interviewee.pk,
        "note_id": note.pk,
        "peer_id": lead.pk,
        "line_id": line.pk,
    }
