import datetime
import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from interviews.demo import HELD_DAYS
from interviews.models import Interviewee, LineOfEnquiry, LineTemplate, Session, SessionNote
from interviews.stage import progress, report_section
from reviews import stages
from reviews.baseline import baseline_context
from reviews.demo_data import NORTHMOOR_REVIEW
from reviews.models import Review

from .conftest import make_session


def test_progress_counts_sessions_held_with_notes_and_overdue(review, peer):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    held = make_session(review, peers=[peer], title="Held", day=yesterday, status=Session.Status.HELD)
    SessionNote.objects.create(session=held, author=peer, text="Notes.")
    make_session(review, title="Held without notes", day=yesterday, status=Session.Status.HELD, location="B")
    make_session(review, title="Not marked held", day=yesterday, status=Session.Status.CONFIRMED, location="C")
    make_session(review, title="Coming", day=tomorrow)
    make_session(review, title="Cancelled", day=tomorrow, status=Session.Status.CANCELLED, location="D")

    result = progress(review)

    assert (result.done, result.total, result.overdue) == (2, 4, 1)
    assert result.summary == "2 of 4 sessions held, 1 with notes"
    assert result.status == "In progress"


def test_a_review_without_sessions_has_not_started(review):
    assert progress(review).status == "Not started"


def test_the_stage_is_registered_with_its_hooks():
    stage = stages.get("interviews")

    assert (stage.progress, stage.report_section, stage.entry_url_name) == (
        progress,
        report_section,
        "interviews:index",
    )


def test_the_report_section_has_the_programme_in_numbers_and_the_coverage(review, peer, police, line):
    session = make_session(review, peers=[peer], kind=Session.Kind.FOCUS_GROUP, status=Session.Status.HELD)
    session.lines.set([line])
    Interviewee.objects.create(session=session, role="police_lead", agency=police)
    Interviewee.objects.create(session=session, role="team_manager", agency=police)
    SessionNote.objects.create(session=session, author=peer, line=line, text="Notes.")

    html = next(s["html"] for s in baseline_context(review)["sections"] if s["stage"].slug == "interviews")

    assert "The on-site programme had 1 session (1 held, 1 with notes)." in html
    assert '<tr><th scope="row">Focus group</th><td>1</td><td>1</td></tr>' in html
    assert '<tr><th scope="row">Testshire Police</th><td>Police</td><td>1</td><td>2</td></tr>' in html
    assert "<caption>Coverage by theme</caption>" in html
    assert "<svg" in html and "Sessions by kind" in html


@pytest.fixture
def demo_settings(settings):
    settings.DEBUG = True


def counts() -> dict[str, int]:
    models = [LineTemplate, LineOfEnquiry, Session, Interviewee, SessionNote]
    return {model.__name__: model.objects.count() for model in models} | {
        "peers": Session.peers.through.objects.count(),
        "lines": Session.lines.through.objects.count(),
    }


@pytest.mark.django_db
def test_seed_demo_adds_a_five_day_programme_once(demo_settings):
    call_command("seed_demo", stdout=io.StringIO())
    first = counts()

    call_command("seed_demo", stdout=io.StringIO())

    assert counts() == first
    northmoor = Review.objects.get(title=NORTHMOOR_REVIEW)
    sessions = northmoor.sessions.all()
    assert sessions.count() == 30
    assert sorted({s.day for s in sessions}) == [northmoor.onsite_start + datetime.timedelta(days=n) for n in range(5)]
    held = sessions.filter(status=Session.Status.HELD)
    today = timezone.localdate()
    days_come = [northmoor.onsite_start + datetime.timedelta(days=n) for n in HELD_DAYS]
    days_come = [day for day in days_come if day <= today]
    assert not held.filter(day__gt=today).exists()  # a session is held only once its day has come
    assert held.count() == sessions.filter(day__in=days_come).exclude(status=Session.Status.CANCELLED).count()
    if len(days_come) == len(HELD_DAYS):
        assert held.count() == 29  # the whole week but the cancelled session
    assert not held.filter(notes__isnull=True).exists()
    assert not SessionNote.objects.exclude(session__status=Session.Status.HELD).exists()
    assert first["LineOfEnquiry"] == 10
    own = Interviewee.objects.get(session__review=northmoor, review_role__isnull=False)
    assert (own.role, own.role_label) == ("other", "Domestic abuse service manager")  # a role of the review's own


@pytest.mark.parametrize(
    "url",
    [
        "/admin/interviews/linetemplate/",
        "/admin/interviews/linetemplate/add/",
        "/admin/interviews/lineofenquiry/",
        "/admin/interviews/session/",
        "/admin/interviews/programmerules/",
    ],
)
def test_the_admin_configures_lines_of_enquiry_and_the_programme(url, admin_client, review, peer):
    make_session(review, peers=[peer])

    response = admin_client.get(url)

    assert response.status_code == 200


def test_a_framework_line_needs_a_theme_or_scope_area_of_its_framework(review):
    from django.core.exceptions import ValidationError

    from reviews.models import Framework, Theme

    other = Framework.objects.create(name="Other", version="1")
    alien = Theme.objects.create(framework=other, order=1, name="Alien")
    line = LineTemplate(framework=review.framework, theme=alien, text="Mismatched")

    with pytest.raises(ValidationError) as error:
        line.full_clean()

    assert error.value.message_dict == {"theme": ["Choose a theme of the same framework."]}
