import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from interviews.models import Interviewee, Session
from reviews.models import Role

from ..factories import MembershipFactory, UserFactory
from ..spreadsheets import MAX_MEMORY, post_measuring_memory, refused_in_page

HEADER = "day,start,end,kind,title,location,online_link,interviewees,peers,status"


def csv_file(*rows: str, header: str = HEADER) -> SimpleUploadedFile:
    return SimpleUploadedFile("timetable.csv", "\n".join([header, *rows]).encode(), content_type="text/csv")


def post(client, review, upload):
    return client.post(f"/reviews/{review.pk}/interviews/import/", {"file": upload})


def errors(response) -> list[str]:
    return [str(error) for error in response.context["row_errors"]]


def test_the_organiser_imports_a_timetable_from_csv(review, organiser_client, peer, lead, police):
    upload = csv_file(
        "2026-12-07,09:00,10:00,Interview,Police lead,Room 1,,Police lead | Testshire Police,peer,confirmed",
        "07/12/2026,10:30,11.30,focus_group,Front door practitioners,,https://meet.example/x,,peer;lead,",
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 302
    first, second = Session.objects.filter(review=review).order_by("start")
    assert (first.title, first.kind, first.day, first.start, first.status) == (
        "Police lead",
        Session.Kind.INTERVIEW,
        datetime.date(2026, 12, 7),
        datetime.time(9, 0),
        Session.Status.CONFIRMED,
    )
    assert list(first.peers.values_list("username", flat=True)) == ["peer"]
    assert list(first.interviewees.values_list("role", "agency__name")) == [("police_lead", "Testshire Police")]
    assert (second.day, second.end) == (datetime.date(2026, 12, 7), datetime.time(11, 30))
    assert (second.kind, second.online_link, second.status) == ("focus_group", "https://meet.example/x", "planned")
    assert sorted(second.peers.values_list("username", flat=True)) == ["lead", "peer"]


def test_the_organiser_imports_a_timetable_from_xlsx(review, organiser_client, peer):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(HEADER.split(","))
    sheet.append(
        [datetime.datetime(2026, 12, 8), datetime.time(14, 0), datetime.time(15, 0), "Briefing", "Team", "Base"]
    )
    content = io.BytesIO()
    workbook.save(content)
    upload = SimpleUploadedFile("timetable.xlsx", content.getvalue())

    response = post(organiser_client, review, upload)

    assert response.status_code == 302
    session = Session.objects.get(review=review)
    assert (session.day, session.start, session.end, session.kind) == (
        datetime.date(2026, 12, 8),
        datetime.time(14, 0),
        datetime.time(15, 0),
        "briefing",
    )


def test_an_unknown_peer_role_or_agency_fails_the_whole_import_by_row_and_column(review, organiser_client, peer):
    upload = csv_file(
        "2026-12-07,09:00,10:00,interview,Fine row,Room 1,,,peer,",
        "2026-12-07,11:00,12:00,interview,Bad row,Room 1,,Archbishop | Testshire Police;Police lead | Nowhere,ghost,",
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 400
    found = errors(response)
    assert found[0].startswith("Row 3, column “interviewees”: “Archbishop” is not a known role. Use one of: ")
    assert found[1:] == [
        "Row 3, column “interviewees”: “Testshire Police” is not an agency of " + review.council.name + ".",
        "Row 3, column “interviewees”: “Nowhere” is not an agency of " + review.council.name + ".",
        "Row 3, column “peers”: “ghost” is not on this review's peer team.",
    ]
    assert not Session.objects.exists()
    assert "nothing was imported" in response.content.decode()


def member(review, role, username, first_name, last_name):
    user = UserFactory(username=username, first_name=first_name, last_name=last_name)
    MembershipFactory(review=review, role=role, user=user)
    return user


@pytest.fixture
def named_team(review):
    return {
        "helen": member(review, Role.PEER, "hashdown7", "Helen", "Ashdown"),
        "priya": member(review, Role.LEAD, "plindqvist", "Priya", "Lindqvist"),
    }


def peer_usernames(session) -> list[str]:
    return sorted(session.peers.values_list("username", flat=True))


def test_peers_are_found_by_their_names_as_the_site_shows_them(review, organiser_client, named_team):
    upload = csv_file("2026-12-07,09:00,10:00,interview,Front door,Room 1,,,Helen Ashdown; Priya Lindqvist,")

    response = post(organiser_client, review, upload)

    assert response.status_code == 302
    assert peer_usernames(Session.objects.get(review=review)) == ["hashdown7", "plindqvist"]


def test_peers_are_found_by_name_email_or_username_in_any_case_and_spacing(review, organiser_client, named_team):
    upload = csv_file(
        "2026-12-07,09:00,10:00,interview,By name,Room 1,,,  helen   ASHDOWN ;PRIYA LINDQVIST  ,",
        "2026-12-07,11:00,12:00,interview,By email,Room 1,,, Hashdown7@People.Example ,",
        "2026-12-07,13:00,14:00,interview,By username,Room 1,,,PLINDQVIST;plindqvist@people.example,",
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 302
    by_name, by_email, by_username = Session.objects.filter(review=review).order_by("start")
    assert peer_usernames(by_name) == ["hashdown7", "plindqvist"]
    assert peer_usernames(by_email) == ["hashdown7"]
    assert peer_usernames(by_username) == ["plindqvist"]


def test_a_name_two_of_the_peer_team_share_is_refused_by_row_and_column_and_the_email_works(
    review, organiser_client, named_team
):
    first = member(review, Role.PEER, "staylor1", "Sam", "Taylor")
    member(review, Role.OBSERVER, "staylor2", "Sam", "Taylor")
    shared = csv_file(
        "2026-12-07,09:00,10:00,interview,Fine row,Room 1,,,Helen Ashdown,",
        "2026-12-07,11:00,12:00,interview,Shared name,Room 1,,,Priya Lindqvist; sam taylor,",
    )
    by_email = csv_file("2026-12-07,11:00,12:00,interview,By email,Room 1,,,Priya Lindqvist; staylor1@people.example,")

    refused = post(organiser_client, review, shared)
    saved_nothing = not Session.objects.exists()
    accepted = post(organiser_client, review, by_email)

    assert refused.status_code == 400
    assert errors(refused) == [
        "Row 3, column “peers”: “sam taylor” could be any of 2 people on this review's peer team: "
        "use the email of the one you mean instead."
    ]
    assert saved_nothing
    assert accepted.status_code == 302
    assert peer_usernames(Session.objects.get(review=review)) == ["plindqvist", first.username]


def test_people_off_the_peer_team_are_refused_by_name_or_email_and_part_of_a_name_is_not_enough(
    review, other_review, organiser_client, named_team
):
    member(review, Role.ORGANISER, "host1", "Olu", "Host")
    member(other_review, Role.PEER, "elsewhere", "Erin", "Elsewhere")
    upload = csv_file(
        "2026-12-07,09:00,10:00,interview,Host by name,Room 1,,,Olu Host,",
        "2026-12-07,11:00,12:00,interview,Other review,Room 1,,,elsewhere@people.example; Erin Elsewhere,",
        "2026-12-07,13:00,14:00,interview,Half a name,Room 1,,,Helen; Ashdown Helen; Helen Ashdown Smith,",
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 400
    assert errors(response) == [
        "Row 2, column “peers”: “Olu Host” is not on this review's peer team.",
        "Row 3, column “peers”: “elsewhere@people.example” is not on this review's peer team.",
        "Row 3, column “peers”: “Erin Elsewhere” is not on this review's peer team.",
        "Row 4, column “peers”: “Helen” is not on this review's peer team.",
        "Row 4, column “peers”: “Ashdown Helen” is not on this review's peer team.",
        "Row 4, column “peers”: “Helen Ashdown Smith” is not on this review's peer team.",
    ]
    assert not Session.objects.exists()


def test_the_template_lists_the_peer_team_by_name_and_says_names_or_emails_work(
    review, organiser_client, named_team, organiser
):
    response = organiser_client.get(f"/reviews/{review.pk}/interviews/import/template/", {"format": "xlsx"})
    page = organiser_client.get(f"/reviews/{review.pk}/interviews/import/").content.decode()

    notes = dict(load_workbook(io.BytesIO(response.content))["Allowed values"].iter_rows(min_row=2, values_only=True))
    assert notes["peers"] == (
        "names or emails of the peer team, separated by semicolons: Helen Ashdown; Priya Lindqvist"
    )
    assert "by their name as it is shown on this site or by their email" in page
    assert "usernames" not in page


def test_an_end_before_the_start_and_bad_values_are_named_by_row_and_column(review, organiser_client):
    upload = csv_file(
        "2026-12-07,10:00,09:00,interview,Backwards,Room 1,,,,",
        "7th December,9am,,coffee,,,,,,maybe",
    )

    response = post(organiser_client, review, upload)

    assert errors(response) == [
        "Row 2, column “end”: The end must be after the start.",
        "Row 3, column “end”: Enter a value.",
        "Row 3, column “title”: Enter a value.",
        "Row 3, column “day”: “7th December” is not a date; use the form 2026-12-07 or 07/12/2026.",
        "Row 3, column “start”: “9am” is not a time; use the form 09:30.",
        "Row 3, column “kind”: “coffee” is not a kind of session.",
        "Row 3, column “status”: “maybe” is not a status; use planned, confirmed, held or cancelled.",
        "Row 3, column “location”: Enter a location or an online link.",
    ]
    assert not Session.objects.exists()


def test_a_missing_column_is_named(review, organiser_client):
    upload = csv_file("2026-12-07,Room 1", header="day,location")

    response = post(organiser_client, review, upload)

    assert errors(response) == [
        "Row 1, column “start”: This column is missing from the header row.",
        "Row 1, column “end”: This column is missing from the header row.",
        "Row 1, column “kind”: This column is missing from the header row.",
        "Row 1, column “title”: This column is missing from the header row.",
    ]


def test_a_file_of_another_type_is_refused(review, organiser_client):
    upload = SimpleUploadedFile("timetable.pdf", b"%PDF-1.4")

    response = post(organiser_client, review, upload)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": ["timetable.pdf is not a CSV or Excel file: upload the list as .csv (CSV UTF-8) or .xlsx."]
    }
    assert not Session.objects.exists()


def test_a_file_that_is_not_really_a_workbook_is_refused(review, organiser_client):
    upload = SimpleUploadedFile("timetable.xlsx", b"day,start\n")

    response = post(organiser_client, review, upload)

    assert response.status_code == 200
    assert response.context["form"].errors == {
        "file": [
            "timetable.xlsx is not an Excel workbook (.xlsx): it is text (perhaps a CSV file); "
            "upload a CSV file with the name ending .csv."
        ]
    }
    assert not Session.objects.exists()


def test_a_spreadsheet_bomb_is_refused_on_the_timetable_import_page_in_bounded_memory(
    review, organiser_client, spreadsheet_bomb
):
    content, refusal = spreadsheet_bomb
    file = SimpleUploadedFile("timetable.xlsx", content)

    response, peak = post_measuring_memory(organiser_client, f"/reviews/{review.pk}/interviews/import/", {"file": file})

    assert response.status_code == 200
    assert refused_in_page(response).startswith(f"timetable.xlsx {refusal}")
    assert not Session.objects.exists()
    assert peak < MAX_MEMORY


def test_a_header_only_timetable_is_refused_rather_than_importing_nothing(review, organiser_client):
    response = post(organiser_client, review, csv_file())

    assert response.status_code == 200
    assert refused_in_page(response) == "timetable.csv has no rows under the header."
    assert not Session.objects.exists()


def test_a_timetable_cell_of_200_kb_is_refused_with_its_row(review, organiser_client):
    upload = csv_file(
        "2026-12-07,09:00,10:00,interview,Fine,Room 1,,,,", "2026-12-07,11:00,12:00,interview," + "x" * 200_000
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 200
    assert refused_in_page(response) == (
        "timetable.csv, row 3: a cell holds more than 131,072 characters; the most is 10,000."
    )
    assert not Session.objects.exists()


def test_a_timetable_over_2_mb_is_refused(review, organiser_client):
    upload = csv_file(*["2026-12-07,09:00,10:00,interview,Session,Room 1,,,," for _ in range(45_000)])

    response = post(organiser_client, review, upload)

    assert refused_in_page(response) == "timetable.csv is 2.2 MB; the most is 2 MB. Split the list into smaller files."
    assert not Session.objects.exists()


def test_read_only_and_peer_roles_cannot_import(review, observer_client, peer_client):
    for client in (observer_client, peer_client):
        response = post(client, review, csv_file("2026-12-07,09:00,10:00,interview,X,Room 1,,,,"))

        assert response.status_code == 403
    assert not Session.objects.exists()
    assert not Interviewee.objects.exists()


def test_times_past_midnight_or_minutes_past_the_hour_are_refused(review, organiser_client):
    upload = csv_file("2026-12-07,24:00,09:75,interview,Odd,Room 1,,,,")

    response = post(organiser_client, review, upload)

    assert errors(response) == [
        "Row 2, column “start”: “24:00” is not a time; use the form 09:30.",
        "Row 2, column “end”: “09:75” is not a time; use the form 09:30.",
    ]


def test_an_imported_session_held_in_the_future_is_refused_by_row_and_column(review, organiser_client):
    from django.utils import timezone

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    tomorrow = timezone.localdate() + datetime.timedelta(days=1)
    upload = csv_file(
        f"{yesterday.isoformat()},09:00,10:00,interview,Already held,Room 1,,,,held",
        f"{tomorrow.isoformat()},09:00,10:00,interview,Not yet,Room 1,,,,Held",
    )

    response = post(organiser_client, review, upload)

    assert response.status_code == 400
    assert errors(response) == [
        f"Row 3, column “status”: A session on {tomorrow.day} {tomorrow:%B %Y} has not happened yet: "
        "record it as held once that day has come."
    ]
    assert not Session.objects.exists()
