"""Setting up a review in the workspace: a programme manager answers five steps, checks the answers and creates
the review with its own scope and its lead invited; the lead sets a password from the email and finds the
review. Everyone else gets a 404; bad answers are named and nothing is created until the last page."""

import datetime
import re
from html import escape

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Permission
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reviews import scope
from reviews.invitations import services as invitations
from reviews.models import (
    EmailRecord,
    FocusArea,
    Framework,
    GradeScale,
    Invitation,
    Review,
    ReviewMembership,
    ScopeArea,
)

from ..factories import CouncilFactory, ReviewFactory, UserFactory, default_framework

User = get_user_model()
PASSWORD = "a-long-and-unusual-passphrase-42"
LINK = re.compile(r"https://peer-review\.example(/accounts/invitation/[^/\s]+/[^/\s]+/)")
TEAM_LIST = "name,email,role,organisation\nSam Sponsor,sam@testshire.example,Sponsor,Testshire Council\n"


@pytest.fixture
def manager(db):
    user = UserFactory(username="pm", email="pm@programme.example", first_name="Pat", last_name="Manager")
    user.user_permissions.add(
        *Permission.objects.filter(content_type__app_label="reviews", codename__in=["add_review", "view_programme"])
    )
    return user


@pytest.fixture
def manager_client(manager):
    client = Client()
    client.force_login(manager)
    return client


@pytest.fixture
def council(db):
    return CouncilFactory(name="Testshire County Council")


def step(name: str) -> str:
    return reverse("reviews:setup_step", args=[name])


def framework_answers() -> dict:
    scale = GradeScale.objects.get(framework=default_framework(), name="Ofsted scale from November 2013")
    return {"grade_scale": scale.pk}


def scope_answers(**changes) -> dict:
    framework = default_framework()
    areas = ScopeArea.objects.filter(framework=framework, review__isnull=True).order_by("order")
    focus = FocusArea.objects.filter(framework=framework, review__isnull=True, kind="focus")
    circumstances = FocusArea.objects.filter(framework=framework, review__isnull=True, kind="circumstance")
    answers = {
        "scope_areas": [area.pk for area in areas][:-1],  # leaves out the last scope area
        "focus_areas": [area.pk for area in focus],
        "circumstances": [area.pk for area in circumstances.exclude(title="Isolated children")],
        "local_scope_items": "Early help and step-down\n",
        "local_lines_of_enquiry": "How schools are heard at the front door\n\n",
    }
    return answers | changes


def answer_all(client, council, *, team=None, dates=None) -> None:
    client.post(step("council"), {"council": council.pk, "title": ""})
    client.post(
        step("dates"), dates or {"onsite_start": "2027-03-08", "onsite_end": "2027-03-12", "conference_date": ""}
    )
    client.post(step("framework"), framework_answers())
    client.post(step("scope"), scope_answers())
    client.post(
        step("team"),
        team
        or {"who_leads": "someone", "lead_name": "Lee Lead", "lead_email": "lee@peers.example", "people": TEAM_LIST},
    )


def counts() -> tuple:
    return (
        Review.objects.count(),
        Invitation.objects.count(),
        ReviewMembership.objects.count(),
        ScopeArea.objects.count(),
        FocusArea.objects.count(),
        User.objects.count(),
    )


# The whole journey


def test_a_programme_manager_sets_up_a_review_and_the_invited_lead_finds_it(
    manager_client, council, mail_server, after_commit
):
    answer_all(manager_client, council)
    check = manager_client.get(reverse("reviews:setup_check"))
    page = check.content.decode()

    assert check.status_code == 200
    for name in ("council", "dates", "framework", "scope", "team"):
        assert manager_client.get(step(name)).content.decode().count("<h1") == 1, name
    assert "Testshire County Council children&#x27;s safeguarding peer review" in page
    assert "8 March 2027" in page and "Early help and step-down" in page
    assert "Lee Lead, lee@peers.example: Peer lead" in page
    assert "Isolated children" not in page
    assert Review.objects.count() == 0  # nothing is created before the last page

    with after_commit():
        done = manager_client.post(reverse("reviews:setup_check"), follow=True)

    review = Review.objects.get()
    assert done.status_code == 200 and "Review set up" in done.content.decode()
    assert "Invited: an email with a link to set a password" in done.content.decode()
    assert (review.council, review.status, str(review.onsite_start)) == (council, "scoping", "2027-03-08")
    assert [area.title for area in review.excluded_scope_areas.all()] == [
        "Fitness for purpose and capacity of the Local Safeguarding Children Board (LSCB)"
    ]
    assert [area.title for area in review.excluded_focus_areas.all()] == ["Isolated children"]
    assert [area.title for area in review.local_scope_areas.all()] == ["Early help and step-down"]
    assert "How schools are heard at the front door" in [area.title for area in scope.focus_areas(review)]
    # The framework is untouched: another review still has all of it.
    other = ReviewFactory(council=council, title="Another review")
    assert scope.scope_areas(other).count() == 7 and scope.circumstances(other).count() == 7
    assert not ScopeArea.objects.filter(review__isnull=False).exclude(review=review).exists()

    invitations = {invitation.email: invitation for invitation in review.invitations.all()}
    assert {email: invitation.role for email, invitation in invitations.items()} == {
        "lee@peers.example": "lead",
        "sam@testshire.example": "sponsor",
    }
    assert sorted(message["To"] for message in mail_server.messages) == ["lee@peers.example", "sam@testshire.example"]
    assert EmailRecord.objects.filter(kind="invitation", status="sent").count() == 2

    # The lead sets a password from the email, signs in and finds the review with its own scope.
    [message] = [message for message in mail_server.messages if message["To"] == "lee@peers.example"]
    link = LINK.search(message.get_content()).group(1)
    visitor = Client()
    visitor.post(link, {"new_password1": PASSWORD, "new_password2": PASSWORD})
    signed_in = visitor.post(reverse("login"), {"username": "lee@peers.example", "password": PASSWORD})
    assert signed_in.status_code == 302
    assert escape(review.title) in visitor.get(reverse("reviews:list")).content.decode()
    scope_page = visitor.get(reverse("reviews:scope", args=[review.pk])).content.decode()
    assert "How schools are heard at the front door" in scope_page
    # The answers are gone: setting up another review starts afresh.
    assert manager_client.get(reverse("reviews:setup_check")).url == step("council")


def test_without_email_the_done_page_says_no_email_was_sent(manager_client, council, settings, after_commit):
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    answer_all(manager_client, council)

    with after_commit():
        done = manager_client.post(reverse("reviews:setup_check"), follow=True)

    page = done.content.decode()
    assert "Invited, but no email was sent: email is not set up on this site" in page
    assert "Invited: an email with a link" not in page


def test_a_lead_named_with_an_existing_account_s_email_is_shown_as_that_account(manager_client, council, after_commit):
    UserFactory(username="helen", first_name="Helen", last_name="Ashdown", email="lee@peers.example")
    answer_all(manager_client, council)  # the lead typed as "Lee Lead", with Helen's address

    check = manager_client.get(reverse("reviews:setup_check")).content.decode()
    with after_commit():
        done = manager_client.post(reverse("reviews:setup_check"), follow=True).content.decode()

    assert "Lee Lead, lee@peers.example: Peer lead" in check
    assert "Already has an account, as Helen Ashdown: they join as that account" in check
    assert "Added: they already had an account, as Helen Ashdown" in done


def test_the_manager_can_lead_the_review_themselves(manager, manager_client, council, after_commit):
    answer_all(manager_client, council, team={"who_leads": "me", "people": ""})

    with after_commit():
        manager_client.post(reverse("reviews:setup_check"))

    review = Review.objects.get()
    assert ReviewMembership.objects.get(review=review).user == manager
    assert manager_client.get(reverse("reviews:overview", args=[review.pk])).status_code == 200


def test_change_links_lead_back_to_each_step_and_a_new_framework_asks_for_the_scope_again(manager_client, council):
    answer_all(manager_client, council)
    page = manager_client.get(reverse("reviews:setup_check")).content.decode()
    for name in ("council", "dates", "framework", "scope", "team"):
        assert f'href="{step(name)}"' in page

    other = Framework.objects.create(name="Another framework", version="2027")
    scale = GradeScale.objects.create(framework=other, name="Other scale")
    manager_client.post(step("framework"), {"grade_scale": scale.pk})

    # The scope answered for the first framework no longer fits, so it is asked again.
    response = manager_client.get(reverse("reviews:setup_check"))
    assert response.url == step("scope")


def test_a_later_step_cannot_be_skipped_to(manager_client):
    assert manager_client.get(step("scope")).url == step("council")
    assert manager_client.get(reverse("reviews:setup_check")).url == step("council")
    assert manager_client.post(reverse("reviews:setup_check")).url == step("council")
    assert Review.objects.count() == 0


# Who may set reviews up


@pytest.mark.parametrize(
    "url",
    [
        reverse("reviews:setup_start"),
        reverse("reviews:setup_step", args=["council"]),
        reverse("reviews:setup_step", args=["team"]),
        reverse("reviews:setup_check"),
        reverse("reviews:setup_done", args=[1]),
    ],
)
def test_nobody_without_the_permission_reaches_set_up(url, lead_client, outsider_client):
    reviews = Review.objects.count()
    for client in (lead_client, outsider_client):
        assert client.get(url).status_code == 404
        assert client.post(url, {"council": 1}).status_code == 404
    assert Review.objects.count() == reviews


def test_an_unknown_step_is_404(manager_client):
    assert manager_client.get(step("nonsense")).status_code == 404


def test_the_done_page_shows_only_the_review_just_set_up(manager_client, review):
    assert manager_client.get(reverse("reviews:setup_done", args=[review.pk])).status_code == 404


# Bad answers: each named, nothing kept


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"council": ""}, "Choose the council being reviewed."),
        ({"council": "999999"}, "Choose a listed council."),
        ({"council": "not a number"}, "Choose a listed council."),
    ],
)
def test_council_step_refuses_bad_answers(manager_client, data, message):
    response = manager_client.post(step("council"), data)

    assert response.status_code == 200 and message in response.content.decode()
    assert "Error:" in response.content.decode()


def test_a_title_the_council_already_uses_is_refused(manager_client, council):
    ReviewFactory(council=council, title="Testshire 2027")

    response = manager_client.post(step("council"), {"council": council.pk, "title": "  testshire   2027 "})

    assert "already has a review called “testshire 2027”" in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"onsite_start": "2027-03-12", "onsite_end": "2027-03-08"}, "must end on or after the day it starts"),
        (
            {"onsite_start": "31/02/2027"},
            "Enter the day the on-site week starts as a real date, for example 27/3/2027.",
        ),
        ({"followup_3_months": "2027-09-01", "followup_12_months": "2027-06-01"}, "must come after the 3-month one"),
        ({"previous_review": "999999"}, "Choose one of the council&#x27;s earlier reviews."),
    ],
)
def test_dates_step_refuses_bad_answers(manager_client, council, data, message):
    manager_client.post(step("council"), {"council": council.pk})

    response = manager_client.post(step("dates"), data)

    assert message in response.content.decode()


def test_an_earlier_review_of_another_council_is_refused(manager_client, council):
    elsewhere = ReviewFactory(title="Elsewhere")
    manager_client.post(step("council"), {"council": council.pk})

    response = manager_client.post(step("dates"), {"previous_review": elsewhere.pk})

    assert "Choose one of the council&#x27;s earlier reviews." in response.content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"scope_areas": [], "local_scope_items": ""}, "Choose at least one scope area"),
        ({"scope_areas": ["999999"]}, "Choose scope areas of the review&#x27;s framework."),
        ({"local_scope_items": "Early help\nearly   HELP"}, "“early HELP” is listed twice"),
        ({"local_scope_items": "x" * 301}, "is 301 characters; the most is 300"),
        ({"local_lines_of_enquiry": "\n".join(f"Line {n}" for n in range(31))}, "Enter at most 30 lines of enquiry"),
        ({"local_lines_of_enquiry": "missing children"}, "“missing children” is already in the framework"),
    ],
)
def test_scope_step_refuses_bad_answers(manager_client, council, changes, message):
    manager_client.post(step("council"), {"council": council.pk})
    manager_client.post(step("dates"), {})
    manager_client.post(step("framework"), framework_answers())

    response = manager_client.post(step("scope"), scope_answers(**changes))

    assert message in response.content.decode()


def test_a_scope_area_of_another_framework_is_refused(manager_client, council):
    other = Framework.objects.create(name="Another framework", version="2027")
    foreign = ScopeArea.objects.create(framework=other, order=1, title="Foreign area")
    manager_client.post(step("council"), {"council": council.pk})
    manager_client.post(step("dates"), {})
    manager_client.post(step("framework"), framework_answers())

    response = manager_client.post(step("scope"), scope_answers(scope_areas=[foreign.pk]))

    assert "Choose scope areas of the review&#x27;s framework." in response.content.decode()


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({}, "Choose who leads the review."),
        (
            {"who_leads": "someone", "lead_name": "", "lead_email": "lee@peers.example"},
            "Enter the lead&#x27;s full name.",
        ),
        ({"who_leads": "someone", "lead_name": "Lee", "lead_email": "not-an-address"}, "Enter the lead&#x27;s email"),
        (
            {"who_leads": "me", "people": "name,email,role\nJo,jo@x.example,Chief\n"},
            "“Chief” is not a role",
        ),
        ({"who_leads": "me", "people": "name,role\nJo,peer\n"}, "email"),
        (
            {"who_leads": "me", "people": "name,email,role\nJo,jo@x.example,peer\nJoe,JO@x.example,observer\n"},
            "appears twice in the team",
        ),
        ({"who_leads": "me", "people": "name,email,role\nMe,pm@programme.example,peer\n"}, "is you"),
        ({"who_leads": "me", "people": "name,email,role\n" + "x," * 60_000}, "the most is 100,000"),
    ],
)
def test_team_step_refuses_bad_answers(manager_client, data, message):
    response = manager_client.post(step("team"), data)

    # The team step is reached only after the others; here it is posted straight, so answer them first.
    if response.status_code == 302:
        council = CouncilFactory()
        manager_client.post(step("council"), {"council": council.pk})
        manager_client.post(step("dates"), {})
        manager_client.post(step("framework"), framework_answers())
        manager_client.post(step("scope"), scope_answers())
        response = manager_client.post(step("team"), data)

    assert message in response.content.decode()


def test_answers_that_no_longer_fit_are_asked_again_and_nothing_is_created(manager_client, council, after_commit):
    answer_all(manager_client, council)
    before = counts()
    # Another tab changed the team to list the lead twice after this one checked the answers.
    session = manager_client.session
    session["review_setup"]["team"]["people"] = ["name,email,role\nLee Again,lee@peers.example,peer\n"]
    session.save()

    response = manager_client.post(reverse("reviews:setup_check"))

    assert response.url == step("team")
    assert counts() == before


# The lead tailors the scope afterwards


def test_the_lead_changes_the_scope_and_forms_follow_it(review, lead_client):
    area = ScopeArea.objects.get(framework=review.framework, order=2)
    form_url = reverse("reviews:finding_create", args=[review.pk])
    option = f'<option value="{area.pk}">{escape(str(area))}</option>'
    assert option in lead_client.get(form_url).content.decode()

    answers = scope_answers(
        scope_areas=[a.pk for a in scope.framework_scope_areas(review) if a != area],
        version=review.version,
    )
    response = lead_client.post(reverse("reviews:scope", args=[review.pk]), answers)

    review.refresh_from_db()
    assert response.status_code == 302
    assert list(review.excluded_scope_areas.all()) == [area]
    assert review.version == 2
    assert option not in lead_client.get(form_url).content.decode()
    refused = lead_client.post(
        form_url,
        {
            "summary": "Out of scope",
            "kind": "strength",
            "theme": review.framework.themes.first().pk,
            "scope_area": area.pk,
            "stage": "general",
            "status": "draft",
            "detail": "",
        },
    )
    assert "Choose a scope area in this review&#x27;s scope." in refused.content.decode()


def test_a_stale_scope_edit_is_refused_and_changes_nothing(review, lead_client):
    response = lead_client.post(reverse("reviews:scope", args=[review.pk]), scope_answers(version=review.version - 1))

    assert "Someone else changed this review after you opened the page" in response.content.decode()
    assert not review.excluded_scope_areas.exists() and not review.local_scope_areas.exists()


def test_only_the_lead_edits_the_scope(review, peer_client, sponsor_client, outsider_client):
    url = reverse("reviews:scope", args=[review.pk])
    assert peer_client.get(url).status_code == 403
    assert sponsor_client.post(url, scope_answers(version=1)).status_code == 403
    assert outsider_client.get(url).status_code == 404
    assert not review.local_scope_areas.exists()


def test_an_own_item_in_use_is_kept_and_an_unused_one_removed(review, lead, lead_client):
    scope.set_scope(
        review,
        scope_areas_in=list(scope.framework_scope_areas(review)),
        focus_areas_in=list(scope.framework_focus_areas(review)),
        local_scope_items=["Used item", "Unused item"],
    )
    used, unused = review.local_scope_areas.order_by("title")
    from ..factories import FindingFactory

    FindingFactory(review=review, raised_by=lead, scope_area=used)

    kept = lead_client.post(reverse("reviews:scope_remove_own", args=[review.pk, "scope", used.pk]), follow=True)
    lead_client.post(reverse("reviews:scope_remove_own", args=[review.pk, "scope", unused.pk]))

    assert "is in use by findings" in kept.content.decode()
    assert list(review.local_scope_areas.all()) == [used]


def test_an_own_item_of_another_review_cannot_be_removed_or_chosen(review, other_review, lead_client):
    scope.set_scope(
        other_review,
        scope_areas_in=list(scope.framework_scope_areas(other_review)),
        focus_areas_in=[],
        local_scope_items=["Theirs"],
    )
    theirs = other_review.local_scope_areas.get()

    response = lead_client.post(reverse("reviews:scope_remove_own", args=[review.pk, "scope", theirs.pk]))

    assert response.status_code == 404
    assert other_review.local_scope_areas.exists()
    assert not scope.belongs_to(review, theirs) and theirs not in scope.scope_areas(review)


@pytest.mark.django_db
def test_a_review_created_anywhere_has_its_frameworks_whole_scope():
    review = ReviewFactory()

    assert scope.scope_areas(review).count() == ScopeArea.objects.filter(framework=review.framework).count()
    assert scope.focus_areas(review).count() == FocusArea.objects.filter(framework=review.framework).count()


def test_the_accounts_of_everyone_named_are_found_in_one_query_whatever_the_case_of_their_address(db):
    helen = UserFactory(username="helen", email="Helen@Peers.example")
    UserFactory(username="gone", email="gone@peers.example", is_active=False)  # an invitation not yet accepted

    with CaptureQueriesContext(connection) as queries:
        found = invitations.existing_accounts(["helen@peers.example", "gone@peers.example", "new@peers.example"])

    assert len(queries) == 1
    assert found == {"helen@peers.example": helen}


def test_answers_are_cleared_only_by_pressing_the_button_not_by_a_link(manager_client, council):
    manager_client.post(step("council"), {"council": council.pk, "title": ""})
    start = reverse("reviews:setup_start")

    linked = manager_client.get(start, {"restart": "1"})  # the old link, or one someone was sent
    after_link = manager_client.get(step("dates"))
    pressed = manager_client.post(start, {"restart": "1"}, follow=True)
    after_press = manager_client.get(step("dates"))

    assert "Clear my answers and start again</button>" in linked.content.decode()
    assert after_link.status_code == 200  # the council step is still answered
    assert "Your answers were cleared. Nothing had been created." in pressed.content.decode()
    assert "Clear my answers" not in pressed.content.decode()  # nothing left to clear
    assert after_press.url == step("council")
    assert Review.objects.count() == 0


@pytest.mark.parametrize(
    ("dates", "year"),
    [
        ({"onsite_start": "2028-01-10", "scoping_date": "2027-11-01"}, "2028"),  # the on-site week's year
        ({"conference_date": "2029-02-01"}, "2029"),
    ],
)
def test_a_name_left_empty_takes_the_year_of_the_on_site_week(manager_client, council, dates, year):
    answer_all(manager_client, council, dates=dates)

    page = manager_client.get(reverse("reviews:setup_check")).content.decode()

    assert f"Testshire County Council children&#x27;s safeguarding peer review {year}" in page


def test_a_name_left_empty_that_the_dates_make_taken_is_refused_at_the_dates(manager_client, council):
    ReviewFactory(council=council, title="Testshire County Council children's safeguarding peer review 2028")
    manager_client.post(step("council"), {"council": council.pk, "title": ""})

    response = manager_client.post(step("dates"), {"onsite_start": "2028-01-10"})
    chosen = manager_client.post(step("dates"), {"onsite_start": "2029-01-08"})

    assert (
        "already has a review called “Testshire County Council children&#x27;s safeguarding peer review 2028”, the "
        in (response.content.decode())
    )
    assert chosen.status_code == 302  # another year's name is free


def test_a_second_review_of_the_council_on_site_the_same_week_is_refused_whatever_its_name(manager_client, council):
    ReviewFactory(
        council=council,
        title="Testshire children's safeguarding peer review",
        onsite_start=datetime.date(2027, 3, 8),
        onsite_end=datetime.date(2027, 3, 12),
    )
    manager_client.post(step("council"), {"council": council.pk, "title": "Testshire 2027, again"})

    response = manager_client.post(step("dates"), {"onsite_start": "2027-03-11"})

    assert "already has a review on site then: “Testshire children&#x27;s safeguarding peer review”" in (
        response.content.decode()
    )
