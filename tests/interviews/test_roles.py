"""The timetable's roles: listed on the import page and in the template, common synonyms understood, and a
review may add roles of its own."""

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from interviews.models import Interviewee, IntervieweeRole, ReviewRole, Session

from ..factories import ReviewFactory

HEADER = "day,start,end,kind,title,location,online_link,interviewees,peers,status"


def _post(client, review, *rows):
    upload = SimpleUploadedFile("t.csv", "\n".join([HEADER, *rows]).encode(), content_type="text/csv")
    return client.post(f"/reviews/{review.pk}/interviews/import/", {"file": upload})


def test_designated_nurse_and_lscb_chair_are_understood_as_their_roles(review, organiser_client, police):
    response = _post(
        organiser_client,
        review,
        "2026-12-07,09:00,10:00,interview,Health,Room 1,,Designated Nurse | Testshire Police;"
        "LSCB chair | Testshire Police;Director of Children’s Services | Testshire Police,,",
    )

    assert response.status_code == 302
    assert list(Interviewee.objects.order_by("pk").values_list("role", flat=True)) == [
        IntervieweeRole.DESIGNATED_HEALTH,
        IntervieweeRole.LSCB_CHAIR,
        IntervieweeRole.DCS,
    ]


def test_an_unknown_role_is_refused_with_the_names_allowed(review, organiser_client, police):
    response = _post(
        organiser_client, review, "2026-12-07,09:00,10:00,interview,X,Room 1,,Archbishop | Testshire Police,,"
    )

    message = str(response.context["row_errors"][0])
    assert response.status_code == 400
    assert message.startswith("Row 2, column “interviewees”: “Archbishop” is not a known role. Use one of: ")
    assert "Designated health professional" in message and "LSCB chair or independent scrutineer" in message
    assert message.endswith("or add it as a role of this review on the import page.")
    assert not Session.objects.exists()


def test_the_import_page_lists_the_roles_and_their_other_names(review, organiser_client):
    html = organiser_client.get(f"/reviews/{review.pk}/interviews/import/").content.decode()

    assert "<li>Designated health professional</li>" in html
    assert "designated nurse" in html and "lscb chair" in html
    assert f"/reviews/{review.pk}/interviews/import/template/?format=xlsx" in html


def test_the_template_lists_the_roles_allowed_including_the_reviews_own(review, organiser_client):
    ReviewRole.objects.create(review=review, name="Head of the MASH")

    response = organiser_client.get(f"/reviews/{review.pk}/interviews/import/template/?format=xlsx")
    csv = organiser_client.get(f"/reviews/{review.pk}/interviews/import/template/?format=csv")

    sheet = load_workbook(io.BytesIO(response.content))["Allowed values"]
    roles = [row[1] for row in sheet.iter_rows(values_only=True) if row[0] == "role"]
    assert response["Content-Disposition"] == 'attachment; filename="timetable-template.xlsx"'
    assert "Designated health professional" in roles and "Head of the MASH" in roles
    assert csv.content.decode().splitlines()[0] == HEADER


def test_a_review_adds_a_role_of_its_own_and_a_timetable_uses_it(review, organiser_client, police):
    added = organiser_client.post(f"/reviews/{review.pk}/interviews/import/roles/", {"name": "Head of the MASH"})
    imported = _post(
        organiser_client, review, "2026-12-07,09:00,10:00,interview,MASH,Room 1,,head of the mash | Testshire Police,,"
    )

    assert (added.status_code, imported.status_code) == (302, 302)
    person = Interviewee.objects.get()
    assert (person.role, person.review_role.name, str(person)) == (
        "other",
        "Head of the MASH",
        "Head of the MASH, Testshire Police",
    )


def test_a_role_of_another_review_is_not_understood(review, organiser_client, police):
    ReviewRole.objects.create(review=ReviewFactory(), name="Head of the MASH")

    response = _post(
        organiser_client, review, "2026-12-07,09:00,10:00,interview,MASH,Room 1,,Head of the MASH | Testshire Police,,"
    )

    assert response.status_code == 400
    assert not Session.objects.exists()


def test_adding_a_role_with_bad_input_names_the_problem_and_saves_nothing(review, organiser_client):
    url = f"/reviews/{review.pk}/interviews/import/roles/"
    ReviewRole.objects.create(review=review, name="Head of the MASH")

    empty = organiser_client.post(url, {"name": "  "})
    national = organiser_client.post(url, {"name": "designated nurse"})
    twice = organiser_client.post(url, {"name": "HEAD OF THE MASH"})
    long = organiser_client.post(url, {"name": "x" * 121})

    assert [r.status_code for r in (empty, national, twice, long)] == [400] * 4
    assert empty.context["role_form"].errors == {"name": ["Enter the name of the role."]}
    assert national.context["role_form"].errors == {
        "name": ["“designated nurse” is already a role timetables can use."]
    }
    assert twice.context["role_form"].errors == {"name": ["“HEAD OF THE MASH” is already a role timetables can use."]}
    assert long.context["role_form"].errors == {"name": ["Use 120 characters or fewer."]}
    assert ReviewRole.objects.count() == 1


def test_only_timetable_editors_add_roles(review, observer_client, peer_client):
    url = f"/reviews/{review.pk}/interviews/import/roles/"

    statuses = [client.post(url, {"name": "Head of the MASH"}).status_code for client in (observer_client, peer_client)]

    assert statuses == [403, 403]
    assert not ReviewRole.objects.exists()


def test_a_session_meets_someone_in_a_role_of_the_reviews_own(review, organiser_client, police):
    from .conftest import make_session

    session = make_session(review)
    own = ReviewRole.objects.create(review=review, name="Head of the MASH")
    stranger = ReviewRole.objects.create(review=ReviewFactory(), name="Elsewhere")
    url = f"/reviews/{review.pk}/interviews/sessions/{session.pk}/interviewees/"

    added = organiser_client.post(url, {"role": f"own-{own.pk}", "agency": police.pk})
    refused = organiser_client.post(url, {"role": f"own-{stranger.pk}", "agency": police.pk})

    assert added.status_code == 302
    assert refused.status_code == 400
    assert refused.context["interviewee_form"].errors == {"role": ["Choose one of the roles listed."]}
    assert [str(person) for person in Interviewee.objects.all()] == ["Head of the MASH, Testshire Police"]
