import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from conference import services
from conference.models import Ballot, Round
from conference.views import DEVICE_COOKIE
from reviews.stages import get

from .factories import CandidateFactory, RoundFactory


@pytest.fixture
def points_round(review, lead):
    round_ = RoundFactory(review=review, method=Round.Method.POINTS, points=10, code="ABCDEF")
    for title in ["Front door", "Child's voice", "Caseloads"]:
        CandidateFactory(round=round_, title=title)
    return round_


@pytest.fixture
def rank_round(review, lead):
    round_ = RoundFactory(review=review, method=Round.Method.RANK, code="RANKED")
    for title in ["Front door", "Child's voice", "Caseloads"]:
        CandidateFactory(round=round_, title=title)
    return round_


def ids(round_) -> list[int]:
    return list(round_.candidates.order_by("order").values_list("pk", flat=True))


def vote(round_, device: str, values: list[int]) -> Ballot:
    return services.cast_vote(
        round_id=round_.pk, device_token=device, values=dict(zip(ids(round_), values, strict=True))
    )


def scores(round_) -> list[tuple[int, str, int, bool]]:
    return [(row["place"], row["candidate"].title, row["score"], row["tied"]) for row in services.results(round_)]


def test_points_are_added_up_and_a_tie_shares_the_place(points_round):
    vote(points_round, "device-a", [5, 5, 0])
    vote(points_round, "device-b", [3, 3, 4])

    points_round.close()

    assert scores(points_round) == [
        (1, "Front door", 8, True),
        (1, "Child's voice", 8, True),
        (3, "Caseloads", 4, False),
    ]


def test_ranks_score_by_position_with_ties(rank_round):
    vote(rank_round, "device-a", [1, 2, 3])
    vote(rank_round, "device-b", [2, 1, 3])

    rank_round.close()

    assert scores(rank_round) == [
        (1, "Front door", 5, True),
        (1, "Child's voice", 5, True),
        (3, "Caseloads", 2, False),
    ]


def test_points_beyond_the_allowance_are_refused_and_nothing_is_saved(points_round):
    with pytest.raises(ValidationError) as error:
        vote(points_round, "device-a", [6, 5, 0])

    assert error.value.messages == ["You gave 11 points; you have 10 to give."]
    assert Ballot.objects.count() == 0


def test_a_rank_used_twice_is_refused(rank_round):
    with pytest.raises(ValidationError) as error:
        vote(rank_round, "device-a", [1, 1, 3])

    assert error.value.messages == ["Rank every candidate once, from 1 to 3."]


def test_a_device_votes_once_per_round(points_round):
    vote(points_round, "device-a", [5, 5, 0])

    with pytest.raises(ValidationError) as error:
        vote(points_round, "device-a", [0, 0, 10])

    assert error.value.messages == ["This device has already voted in this round."]
    assert Ballot.objects.count() == 1


def test_voting_after_the_round_closes_is_refused(points_round):
    points_round.close()

    with pytest.raises(ValidationError) as error:
        vote(points_round, "device-a", [5, 5, 0])

    assert error.value.messages == ["Voting in this round has closed."]


def test_a_ballot_stores_no_person_and_no_raw_device_token(points_round):
    vote(points_round, "secret-device-token", [5, 5, 0])

    ballot = Ballot.objects.get()

    assert "secret-device-token" not in ballot.device_hash
    assert [field.name for field in Ballot._meta.fields] == ["id", "round", "device_hash", "cast_at"]


def test_a_phone_joins_without_an_account_and_votes_once(points_round):
    phone = Client()
    joined = phone.post(reverse("vote:join"), {"code": "abc def"})
    page = phone.get(joined["Location"])
    first, second, third = ids(points_round)

    voted = phone.post(
        page.request["PATH_INFO"], {f"candidate_{first}": 7, f"candidate_{second}": 3, f"candidate_{third}": 0}
    )
    again = phone.post(
        page.request["PATH_INFO"], {f"candidate_{first}": 0, f"candidate_{second}": 0, f"candidate_{third}": 10}
    )

    assert joined.status_code == 302
    assert joined["Location"] == "/vote/ABCDEF/"
    assert DEVICE_COOKIE in page.cookies
    assert "Your vote has been counted" in voted.content.decode()
    assert "This device has already voted." in again.content.decode()
    assert Ballot.objects.count() == 1


def test_a_wrong_join_code_gets_a_message_on_the_field(points_round):
    response = Client().post(reverse("vote:join"), {"code": "ZZZZZZ"})

    assert response.status_code == 200
    assert "No open round has that code. Check the code on the screen." in response.content.decode()
    assert Client().get("/vote/ZZZZZZ/").status_code == 404


def test_points_beyond_the_allowance_on_the_phone_get_a_message(points_round):
    phone = Client()
    phone.get("/vote/ABCDEF/")
    first, second, third = ids(points_round)

    response = phone.post("/vote/ABCDEF/", {f"candidate_{first}": 9, f"candidate_{second}": 9, f"candidate_{third}": 0})

    assert "You gave 18 points; you have 10 to give." in response.content.decode()
    assert Ballot.objects.count() == 0


def test_results_stay_hidden_while_the_round_is_open(points_round, review, lead_client, organiser_client, peer_client):
    vote(points_round, "device-a", [7, 3, 0])
    urls = [
        points_round.get_absolute_url(),
        reverse("conference:rounds", args=[review.pk]),
        reverse("conference:index", args=[review.pk]),
    ]

    pages = [
        client.get(url).content.decode() for client in (lead_client, organiser_client, peer_client) for url in urls
    ]
    ballot_page = Client().get("/vote/ABCDEF/").content.decode()
    section = get("conference").report_section(review)

    assert all('id="results"' not in page and "Score" not in page for page in pages)
    assert "1 vote so far." in lead_client.get(points_round.get_absolute_url()).content.decode()
    assert "Score" not in ballot_page and 'id="results"' not in ballot_page
    assert section.context["rounds"] == []


def test_the_lead_closes_the_round_and_sees_the_ranking(points_round, lead_client):
    vote(points_round, "device-a", [7, 3, 0])

    closed = lead_client.post(reverse("conference:round_close", args=[points_round.review_id, points_round.pk]))
    page = lead_client.get(points_round.get_absolute_url()).content.decode()

    assert closed.status_code == 302
    assert 'id="results"' in page
    assert page.index("Front door") < page.index("Caseloads")


def test_a_peer_cannot_close_a_round(points_round, peer_client):
    response = peer_client.post(reverse("conference:round_close", args=[points_round.review_id, points_round.pk]))

    points_round.refresh_from_db()
    assert response.status_code == 403
    assert points_round.is_open


def test_a_round_can_be_run_again_with_the_same_candidates(points_round, lead, lead_client):
    points_round.close()

    lead_client.post(reverse("conference:round_again", args=[points_round.review_id, points_round.pk]))

    again = Round.objects.exclude(pk=points_round.pk).get()
    assert again.number == points_round.number + 1
    assert again.is_open
    assert list(again.candidates.order_by("order").values_list("title", flat=True)) == [
        "Front door",
        "Child's voice",
        "Caseloads",
    ]
    assert again.code != points_round.code


def test_the_lead_opens_a_round_from_the_form(review, lead_client):
    response = lead_client.post(
        reverse("conference:round_create", args=[review.pk]),
        {"title": "Priorities", "method": "rank", "points": "10", "candidates": "First\nSecond\n\nThird"},
    )

    round_ = Round.objects.get(review=review)
    assert response.status_code == 302
    assert round_.method == Round.Method.RANK
    assert list(round_.candidates.order_by("order").values_list("title", flat=True)) == ["First", "Second", "Third"]


def test_a_second_open_round_is_refused(points_round, review, lead_client):
    response = lead_client.post(
        reverse("conference:round_create", args=[review.pk]),
        {"title": "Priorities", "method": "points", "points": "10", "candidates": "First\nSecond"},
    )

    assert "Close the open round before opening another." in response.content.decode()
    assert Round.objects.count() == 1


def test_adopting_a_closed_round_sets_the_priorities_in_order(points_round, review, lead_client):
    vote(points_round, "device-a", [2, 0, 8])
    points_round.close()

    lead_client.post(reverse("conference:round_adopt", args=[review.pk, points_round.pk]))

    assert list(review.priorities.order_by("order").values_list("title", "votes")) == [
        ("Caseloads", 8),
        ("Front door", 2),
    ]


def test_the_lead_page_shows_a_qr_code_of_the_join_link_while_open(points_round, lead_client):
    open_page = lead_client.get(points_round.get_absolute_url()).content.decode()
    points_round.close()

    closed_page = lead_client.get(points_round.get_absolute_url()).content.decode()

    assert 'aria-label="QR code to join the vote"' in open_page
    assert "http://testserver/vote/ABCDEF/" in open_page
    assert "QR code to join the vote" not in closed_page
