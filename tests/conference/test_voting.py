import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from conference import services
from conference.models import (
    BALLOT_CODE_LENGTH,
    CODE_ALPHABET,
    Ballot,
    Choice,
    Round,
    hash_ballot_code,
    normalise_ballot_code,
)
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


def card(round_) -> str:
    """A fresh card's code, as printed (KQ7M-4XPA)."""
    [(_, code)] = services.issue_cards(round_=round_, count=1)
    return code


def vote(round_, values: list[int]) -> Ballot:
    ballot = Ballot.objects.for_code(card(round_))
    return services.cast_vote(ballot_id=ballot.pk, values=dict(zip(ids(round_), values, strict=True)))


def form_data(round_, values: list[int]) -> dict[str, int]:
    return {f"candidate_{pk}": value for pk, value in zip(ids(round_), values, strict=True)}


def ballot_url(code: str) -> str:
    return reverse("vote:ballot", args=[normalise_ballot_code(code)])


def scores(round_) -> list[tuple[int, str, int, bool]]:
    return [(row["place"], row["candidate"].title, row["score"], row["tied"]) for row in services.results(round_)]


# Counting


def test_points_are_added_up_and_a_tie_shares_the_place(points_round):
    vote(points_round, [5, 5, 0])
    vote(points_round, [3, 3, 4])

    points_round.close()

    assert scores(points_round) == [
        (1, "Front door", 8, True),
        (1, "Child's voice", 8, True),
        (3, "Caseloads", 4, False),
    ]


def test_ranks_score_by_position_with_ties(rank_round):
    vote(rank_round, [1, 2, 3])
    vote(rank_round, [2, 1, 3])

    rank_round.close()

    assert scores(rank_round) == [
        (1, "Front door", 5, True),
        (1, "Child's voice", 5, True),
        (3, "Caseloads", 2, False),
    ]


def test_points_beyond_the_allowance_are_refused_and_the_card_stays_unused(points_round):
    with pytest.raises(ValidationError) as error:
        vote(points_round, [6, 5, 0])

    assert error.value.messages == ["You gave 11 points; you have 10 to give."]
    assert list(Ballot.objects.values_list("status", flat=True)) == ["unused"]
    assert Choice.objects.count() == 0


def test_a_rank_used_twice_is_refused(rank_round):
    with pytest.raises(ValidationError) as error:
        vote(rank_round, [1, 1, 3])

    assert error.value.messages == ["Rank every candidate once, from 1 to 3."]


def test_voting_after_the_round_closes_is_refused(points_round):
    code = card(points_round)
    points_round.close()

    with pytest.raises(ValidationError) as error:
        services.cast_vote(
            ballot_id=Ballot.objects.for_code(code).pk, values=dict(zip(ids(points_round), [5, 5, 0], strict=True))
        )

    assert error.value.messages == ["Voting in this round has closed."]


def test_a_used_card_records_a_choice_for_every_candidate_so_a_second_set_is_refused_by_the_database(points_round):
    ballot = vote(points_round, [10, 0, 0])

    with pytest.raises(IntegrityError), transaction.atomic():
        Choice.objects.create(ballot=ballot, candidate_id=ids(points_round)[1], value=10)

    assert sorted(ballot.choices.values_list("value", flat=True)) == [0, 0, 10]


def test_unused_and_void_cards_and_ballots_of_devices_before_cards_count_as_they_should(points_round):
    vote(points_round, [4, 0, 6])
    services.issue_cards(round_=points_round, count=3)
    services.void_cards(round_=points_round, numbers=[2])
    legacy = Ballot.objects.create(
        round=points_round,
        kind=Ballot.Kind.DEVICE,
        status=Ballot.Status.USED,
        device_hash="a" * 64,
        cast_at="2026-03-13T10:00Z",
    )
    Choice.objects.create(ballot=legacy, candidate_id=ids(points_round)[0], value=10)

    points_round.close()

    assert services.ballot_counts(points_round) == {
        "issued": 4,
        "cards_used": 1,
        "unused": 2,
        "void": 1,
        "members": 0,
        "devices": 1,
        "votes": 2,
    }
    assert scores(points_round) == [
        (1, "Front door", 14, False),
        (2, "Caseloads", 6, False),
        (3, "Child's voice", 0, False),
    ]
    assert Round.objects.with_ballot_count().get().ballot_count == 2


# Ballot cards


def test_cards_have_grouped_forty_bit_codes_without_look_alike_characters_stored_only_as_keyed_hashes(points_round):
    cards = services.issue_cards(round_=points_round, count=40)

    codes = [code for _, code in cards]
    stored = list(Ballot.objects.order_by("number").values_list("number", "secret_hash", "status", "kind"))
    assert [number for number, _ in cards] == list(range(1, 41))
    assert len(set(codes)) == 40
    assert all(len(code) == 9 and code[4] == "-" for code in codes)
    assert not set("".join(codes).replace("-", "")) & set("0O1I")
    assert len(CODE_ALPHABET) ** BALLOT_CODE_LENGTH >= 2**40
    assert stored == [(n, hash_ballot_code(code.replace("-", "")), "unused", "card") for n, code in cards]
    assert not any(code.replace("-", "") in secret for _, secret, _, _ in stored for code in codes)


def test_more_cards_continue_the_numbers_and_at_most_200_are_issued_at_once(points_round):
    services.issue_cards(round_=points_round, count=2)

    more = services.issue_cards(round_=points_round, count=3)
    with pytest.raises(ValidationError) as error:
        services.issue_cards(round_=points_round, count=201)

    assert [number for number, _ in more] == [3, 4, 5]
    assert error.value.messages == ["Issue between 1 and 200 cards at a time."]
    assert Ballot.objects.count() == 5


def test_a_code_is_found_however_it_is_typed(points_round):
    code = card(points_round)
    ballot = Ballot.objects.get()

    found = [Ballot.objects.for_code(text) for text in [code, code.lower(), code.replace("-", " "), f" {code} "]]

    assert found == [ballot] * 4
    assert Ballot.objects.for_code("ZZZZ-ZZZZ") is None
    assert Ballot.objects.for_code("") is None


def test_the_lead_opens_a_round_with_cards_and_sees_their_codes_once(review, lead_client):
    response = lead_client.post(
        reverse("conference:round_create", args=[review.pk]),
        {"title": "Priorities", "method": "rank", "points": "10", "candidates": "First\nSecond\n\nThird", "cards": "3"},
    )
    round_ = Round.objects.get(review=review)
    cards_url = reverse("conference:ballot_cards", args=[review.pk, round_.pk])

    first = lead_client.get(cards_url)
    again = lead_client.get(cards_url).content.decode()

    page = first.content.decode()
    codes = [b.secret_hash for b in round_.ballots.order_by("number")]
    shown = [line.split(">")[1].split("<")[0] for line in page.splitlines() if "data-card-code" in line]
    assert response.status_code == 302
    assert response["Location"] == cards_url
    assert round_.method == Round.Method.RANK
    assert list(round_.candidates.order_by("order").values_list("title", flat=True)) == ["First", "Second", "Third"]
    assert [hash_ballot_code(code.replace("-", "")) for code in shown] == codes
    assert page.count('aria-label="QR code for ballot card') == 3
    assert f"http://testserver/vote/ballot/{shown[0].replace('-', '')}/" not in page  # only inside the QR's paths
    assert "http://testserver/vote/" in page
    assert first["Cache-Control"] == "no-store"
    assert "data-card-code" not in again
    assert "The codes are shown only once" in again


def test_issuing_more_cards_on_the_round_page_shows_only_the_new_codes(points_round, lead_client):
    services.issue_cards(round_=points_round, count=2)
    url = reverse("conference:ballot_issue", args=[points_round.review_id, points_round.pk])

    response = lead_client.post(url, {"count": "2"}, follow=True)

    page = response.content.decode()
    assert page.count("data-card-code") == 2
    assert "Card 3 ·" in page and "Card 4 ·" in page and "Card 1 ·" not in page
    assert "2 ballot cards issued. Print them now." in page


def test_issuing_too_many_cards_names_the_field(points_round, lead_client):
    url = reverse("conference:ballot_issue", args=[points_round.review_id, points_round.pk])

    response = lead_client.post(url, {"count": "500"})

    assert response.status_code == 200
    assert "Issue at most 200 ballot cards at a time." in response.content.decode()
    assert '<a href="#id_count">' in response.content.decode()
    assert Ballot.objects.count() == 0


def test_cards_are_not_issued_for_a_closed_round(points_round, lead_client):
    points_round.close()
    url = reverse("conference:ballot_issue", args=[points_round.review_id, points_round.pk])

    response = lead_client.post(url, {"count": "5"})

    assert "Voting in this round has closed, so no more cards can be issued." in response.content.decode()
    assert Ballot.objects.count() == 0


def test_the_lead_sees_cards_issued_used_unused_and_void_and_members_who_voted(points_round, lead, lead_client):
    services.issue_cards(round_=points_round, count=5)
    for ballot in Ballot.objects.order_by("number")[:2]:
        services.cast_vote(ballot_id=ballot.pk, values={ids(points_round)[0]: 10})
    services.void_cards(round_=points_round, numbers=[5])
    services.cast_member_vote(round_=points_round, user=lead, values={ids(points_round)[1]: 10})

    page = lead_client.get(points_round.get_absolute_url()).content.decode()

    table = page[page.index('id="ballots"') : page.index("</table>", page.index('id="ballots"'))]
    cells = [part.split("<")[0] for part in table.split('govuk-table__cell--numeric">')[1:]]
    assert cells == ["5", "2", "2", "1", "1", "3"]
    assert "3 votes so far." in page
    assert "You have voted in this round with your account." in page


def test_the_lead_voids_one_card_or_every_unused_card(points_round, lead_client):
    services.issue_cards(round_=points_round, count=4)
    services.cast_vote(ballot_id=Ballot.objects.get(number=1).pk, values={ids(points_round)[0]: 3})
    url = reverse("conference:ballot_void", args=[points_round.review_id, points_round.pk])

    one = lead_client.post(url, {"number": "2"}, follow=True).content.decode()
    used = lead_client.post(url, {"number": "1"}, follow=True).content.decode()
    rest = lead_client.post(url, {"all": "unused"}, follow=True).content.decode()

    assert "Card 2 is void: it can no longer be used." in one
    assert "Card 1 is not an unused card of this round." in used
    assert "2 unused ballot cards voided." in rest
    assert list(Ballot.objects.order_by("number").values_list("status", flat=True)) == ["used", "void", "void", "void"]


@pytest.mark.parametrize("name", ["ballot_issue", "ballot_void", "round_close"])
def test_a_peer_and_the_host_may_not_issue_void_or_close(points_round, peer_client, organiser_client, name):
    services.issue_cards(round_=points_round, count=1)
    url = reverse(f"conference:{name}", args=[points_round.review_id, points_round.pk])

    responses = [
        client.post(url, {"count": "5", "all": "unused"}).status_code for client in (peer_client, organiser_client)
    ]

    assert responses == [403, 403]
    assert list(Ballot.objects.values_list("status", flat=True)) == ["unused"]
    assert Round.objects.get().is_open


def test_the_cards_page_is_for_those_who_run_rounds(points_round, peer_client, lead_client):
    url = reverse("conference:ballot_cards", args=[points_round.review_id, points_round.pk])

    assert peer_client.get(url).status_code == 403
    assert lead_client.get(url).status_code == 200
    assert lead_client.post(url).status_code == 405


def test_voiding_needs_a_post_with_a_csrf_token(points_round, lead):
    services.issue_cards(round_=points_round, count=1)
    client = Client(enforce_csrf_checks=True)
    client.force_login(lead)
    url = reverse("conference:ballot_void", args=[points_round.review_id, points_round.pk])

    got = client.get(url)
    posted = client.post(url, {"all": "unused"})

    assert got.status_code == 405
    assert posted.status_code == 403
    assert list(Ballot.objects.values_list("status", flat=True)) == ["unused"]


# Voting with a card on a phone


TITLES = ("Front door", "Child's voice", "Caseloads")


@pytest.mark.parametrize(
    ("fixture", "values", "expected"),
    [
        ("points_round", ["11", "x", "-1"], [f"Give “{t}” a whole number of points from 0 to 10." for t in TITLES]),
        ("rank_round", ["4", "", "two"], [f"Give “{t}” a rank from 1 to 3." for t in TITLES]),
    ],
)
def test_each_candidate_s_bad_value_is_named_by_its_title(db, request, fixture, values, expected):
    round_ = request.getfixturevalue(fixture)
    code = card(round_)

    response = Client().post(ballot_url(code), dict(zip(form_data(round_, [0, 0, 0]), values, strict=True)))

    page = response.content.decode()
    assert [message for message in expected if message.replace("'", "&#x27;") in page] == expected
    assert Ballot.objects.get(round=round_).status == Ballot.Status.UNUSED


def test_a_phone_enters_a_card_code_and_votes_once(points_round):
    code = card(points_round)
    phone = Client()

    joined = phone.post(reverse("vote:join"), {"code": code.lower().replace("-", " ")})
    page = phone.get(joined["Location"])
    voted = phone.post(joined["Location"], form_data(points_round, [7, 3, 0]))
    again = phone.post(joined["Location"], form_data(points_round, [0, 0, 10]))

    assert joined.status_code == 302
    assert joined["Location"] == ballot_url(code)
    assert page.status_code == 200
    assert f"Ballot card {code}" in page.content.decode()
    assert phone.cookies == {} or "conference_device" not in phone.cookies
    assert "Your vote has been counted" in voted.content.decode()
    assert "This ballot card has already been used. Each card counts once." in again.content.decode()
    assert list(Ballot.objects.values_list("status", flat=True)) == ["used"]
    assert sorted(Choice.objects.values_list("value", flat=True)) == [0, 3, 7]


def test_ballot_stuffing_one_card_voted_ten_times_with_cookies_discarded_counts_once(points_round):
    code = card(points_round)

    responses = [Client().post(ballot_url(code), form_data(points_round, [10, 0, 0])) for _ in range(10)]
    points_round.close()

    assert [r.status_code for r in responses] == [200] * 10
    assert sum("Your vote has been counted" in r.content.decode() for r in responses) == 1
    assert sum("This ballot card has already been used." in r.content.decode() for r in responses) == 9
    assert services.ballot_counts(points_round)["votes"] == 1
    assert scores(points_round)[0] == (1, "Front door", 10, False)


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_two_submissions_of_one_card_at_the_same_moment_count_once(postgresql, points_round):
    """On PostgreSQL, two phones send one card's vote at once: the row locks let one through and refuse the other."""
    code = card(points_round)
    start = threading.Barrier(2)
    pages = []

    def submit(values: list[int]) -> None:
        try:
            start.wait(timeout=10)
            pages.append(Client().post(ballot_url(code), form_data(points_round, values)).content.decode())
        finally:
            postgresql.close()

    phones = [threading.Thread(target=submit, args=(values,)) for values in ([10, 0, 0], [0, 0, 10])]
    for phone in phones:
        phone.start()
    for phone in phones:
        phone.join(timeout=30)

    assert len(pages) == 2
    assert sum("Your vote has been counted" in page for page in pages) == 1
    assert sum("This ballot card has already been used." in page for page in pages) == 1
    assert services.ballot_counts(points_round)["votes"] == 1
    assert Choice.objects.count() == 3


def test_a_used_card_is_refused_with_a_clear_message_when_typed_again(points_round):
    code = card(points_round)
    Client().post(ballot_url(code), form_data(points_round, [5, 5, 0]))

    typed = Client().post(reverse("vote:join"), {"code": code})
    opened = Client().get(ballot_url(code))

    assert typed.status_code == 200
    assert "This ballot card has already been used. Each card counts once." in typed.content.decode()
    assert 'href="#id_code"' in typed.content.decode()
    assert opened.status_code == 200
    assert "This ballot card has already been used. Each card counts once." in opened.content.decode()
    assert "Send my vote" not in opened.content.decode()


def test_a_card_of_an_earlier_round_is_refused_while_another_round_is_open(points_round, review, lead):
    old_code = card(points_round)
    points_round.close()
    later = services.run_again(round_=points_round, user=lead)

    typed = Client().post(reverse("vote:join"), {"code": old_code})
    posted = Client().post(ballot_url(old_code), form_data(later, [10, 0, 0]))

    assert "Voting in this round has closed." in typed.content.decode()
    assert "Voting in this round has closed." in posted.content.decode()
    assert Choice.objects.count() == 0


def test_a_card_cannot_vote_for_another_rounds_candidates(points_round, other_review):
    code = card(points_round)
    elsewhere = CandidateFactory(round=RoundFactory(review=other_review), title="Elsewhere")

    with pytest.raises(ValidationError) as error:
        services.cast_vote(ballot_id=Ballot.objects.for_code(code).pk, values={elsewhere.pk: 10})

    assert error.value.messages == ["Vote only for this round's candidates."]
    assert Choice.objects.count() == 0


def test_a_voided_card_is_refused(points_round):
    code = card(points_round)
    services.void_cards(round_=points_round)

    typed = Client().post(reverse("vote:join"), {"code": code})
    posted = Client().post(ballot_url(code), form_data(points_round, [10, 0, 0]))

    message = "This ballot card has been cancelled by the lead. Ask for another card."
    assert message in typed.content.decode()
    assert message in posted.content.decode()
    assert Choice.objects.count() == 0


def test_an_unknown_code_gets_a_message_on_the_field_and_a_page_when_opened(points_round):
    typed = Client().post(reverse("vote:join"), {"code": "ZZZZ-ZZZZ"})
    opened = Client().get("/vote/ballot/ZZZZZZZZ/")

    assert typed.status_code == 200
    assert "No ballot card has that code. Check the code on your card and try again." in typed.content.decode()
    assert opened.status_code == 404
    assert "Ballot code not recognised" in opened.content.decode()


def test_the_round_join_code_is_no_longer_a_way_to_vote(points_round):
    assert Client().get("/vote/ABCDEF/").status_code == 404
    assert Client().post(reverse("vote:join"), {"code": "ABCDEF"}).status_code == 200
    assert Ballot.objects.count() == 0


def test_points_beyond_the_allowance_on_the_phone_get_a_message_and_the_card_stays_unused(points_round):
    code = card(points_round)

    response = Client().post(ballot_url(code), form_data(points_round, [9, 9, 0]))

    assert "You gave 18 points; you have 10 to give." in response.content.decode()
    assert list(Ballot.objects.values_list("status", flat=True)) == ["unused"]


def test_joining_needs_a_csrf_token(points_round):
    code = card(points_round)

    response = Client(enforce_csrf_checks=True).post(reverse("vote:join"), {"code": code})

    assert response.status_code == 403


def test_a_signed_in_non_member_votes_with_a_card_like_anyone_else(points_round, outsider_client):
    code = card(points_round)

    join_page = outsider_client.get(reverse("vote:join")).content.decode()
    member_page = outsider_client.get(reverse("conference:member_vote", args=[points_round.review_id, points_round.pk]))
    voted = outsider_client.post(ballot_url(code), form_data(points_round, [1, 2, 3]))
    again = outsider_client.post(ballot_url(code), form_data(points_round, [1, 2, 3]))

    assert "vote with your account" not in join_page
    assert member_page.status_code == 404
    assert "Your vote has been counted" in voted.content.decode()
    assert "This ballot card has already been used." in again.content.decode()
    assert list(Ballot.objects.values_list("kind", "status", "user")) == [("card", "used", None)]


# Throttles


@pytest.fixture
def low_limits(settings):
    settings.VOTE_FAILED_CODES_PER_ADDRESS = 3
    settings.VOTE_FAILED_CODES_PER_ROUND = 5
    return settings


def test_wrong_codes_from_one_address_get_429_and_other_addresses_are_unaffected(points_round, low_limits):
    code = card(points_round)
    room, other = Client(REMOTE_ADDR="198.51.100.7"), Client(REMOTE_ADDR="203.0.113.9")

    wrong = [room.post(reverse("vote:join"), {"code": f"ZZZZ-ZZZ{c}"}).status_code for c in "ABC"]
    refused = room.post(reverse("vote:join"), {"code": code})
    refused_link = room.get(ballot_url(code))
    accepted = other.post(reverse("vote:join"), {"code": code})

    assert wrong == [200, 200, 200]
    assert refused.status_code == 429
    assert "Too many wrong ballot codes" in refused.content.decode()
    assert "Wait 10 minutes, then enter the code on your card again." in refused.content.decode()
    assert refused_link.status_code == 429
    assert accepted.status_code == 302
    assert list(Ballot.objects.values_list("status", flat=True)) == ["unused"]


def test_a_room_of_sixty_mistyping_once_each_stays_within_the_default_limit(points_round):
    codes = [code for _, code in services.issue_cards(round_=points_round, count=60)]

    mistakes = [
        Client().post(reverse("vote:join"), {"code": code[:-1] + ("Y" if code.endswith("Z") else "Z")}).status_code
        for code in codes
    ]
    votes = [Client().post(ballot_url(code), form_data(points_round, [4, 3, 3])) for code in codes]

    assert set(mistakes) == {200}
    assert sum("Your vote has been counted" in r.content.decode() for r in votes) == 60


def test_used_cards_tried_again_count_against_their_round_but_never_refuse_a_good_card(points_round, low_limits):
    used = card(points_round)
    good = card(points_round)
    Client().post(ballot_url(used), form_data(points_round, [10, 0, 0]))

    statuses = [Client(REMOTE_ADDR=f"192.0.2.{n}").get(ballot_url(used)).status_code for n in range(1, 8)]
    fresh = Client(REMOTE_ADDR="192.0.2.99").post(ballot_url(good), form_data(points_round, [0, 10, 0]))

    assert statuses == [200, 200, 200, 200, 200, 429, 429]
    assert "Your vote has been counted" in fresh.content.decode()


# Members vote with their account


def member_vote_url(round_) -> str:
    return reverse("conference:member_vote", args=[round_.review_id, round_.pk])


def test_a_member_votes_once_with_their_account(points_round, organiser, organiser_client):
    first = organiser_client.post(member_vote_url(points_round), form_data(points_round, [2, 8, 0]))
    second = organiser_client.post(member_vote_url(points_round), form_data(points_round, [10, 0, 0]), follow=True)
    page = organiser_client.get(member_vote_url(points_round)).content.decode()

    assert first.status_code == 302
    assert "You have already voted." in second.content.decode()
    assert "You have already voted in this round." in page
    assert list(Ballot.objects.values_list("kind", "status", "user")) == [("member", "used", organiser.pk)]
    assert sorted(Choice.objects.values_list("value", flat=True)) == [0, 2, 8]


def test_the_database_holds_one_ballot_per_member_and_round(points_round, lead):
    services.cast_member_vote(round_=points_round, user=lead, values={ids(points_round)[0]: 10})

    with pytest.raises(ValidationError) as error:
        services.cast_member_vote(round_=points_round, user=lead, values={ids(points_round)[1]: 10})

    assert error.value.messages == ["You have already voted in this round."]
    assert Ballot.objects.count() == 1


def test_the_join_page_offers_a_signed_in_member_their_open_round(points_round, peer_client, observer_client):
    page = peer_client.get(reverse("vote:join")).content.decode()
    observer_page = observer_client.get(reverse("vote:join")).content.decode()

    assert f'href="{member_vote_url(points_round)}"' in page
    assert member_vote_url(points_round) not in observer_page


def test_an_observer_may_not_vote_with_their_account(points_round, observer_client):
    response = observer_client.post(member_vote_url(points_round), form_data(points_round, [10, 0, 0]))

    assert response.status_code == 403
    assert Ballot.objects.count() == 0


def test_a_member_cannot_vote_after_the_round_closes(points_round, peer_client):
    points_round.close()

    response = peer_client.post(member_vote_url(points_round), form_data(points_round, [10, 0, 0]), follow=True)

    assert "Voting in this round has closed." in response.content.decode()
    assert Ballot.objects.count() == 0


# The round, its results and its priorities


def test_results_stay_hidden_while_the_round_is_open(points_round, review, lead_client, organiser_client, peer_client):
    code = card(points_round)
    Client().post(ballot_url(code), form_data(points_round, [7, 3, 0]))
    urls = [
        points_round.get_absolute_url(),
        reverse("conference:rounds", args=[review.pk]),
        reverse("conference:index", args=[review.pk]),
    ]

    pages = [
        client.get(url).content.decode() for client in (lead_client, organiser_client, peer_client) for url in urls
    ]
    ballot_page = Client().get(ballot_url(code)).content.decode()
    section = get("conference").report_section(review)

    assert all('id="results"' not in page and "Score" not in page for page in pages)
    assert "1 vote so far." in lead_client.get(points_round.get_absolute_url()).content.decode()
    assert "Score" not in ballot_page and 'id="results"' not in ballot_page
    assert section.context["rounds"] == []


def test_the_lead_closes_the_round_and_sees_the_ranking(points_round, lead_client):
    vote(points_round, [7, 3, 0])

    closed = lead_client.post(reverse("conference:round_close", args=[points_round.review_id, points_round.pk]))
    page = lead_client.get(points_round.get_absolute_url()).content.decode()

    assert closed.status_code == 302
    assert 'id="results"' in page
    assert "with 1 vote." in page
    assert page.index("Front door") < page.index("Caseloads")


def test_closing_with_cards_still_unused_asks_the_lead_to_confirm_first(points_round, lead_client):
    vote(points_round, [7, 3, 0])
    card(points_round)
    card(points_round)
    url = reverse("conference:round_close", args=[points_round.review_id, points_round.pk])

    asked = lead_client.post(url)
    points_round.refresh_from_db()
    still_open = points_round.is_open
    confirmed = lead_client.post(url, {"confirm": "yes"})
    points_round.refresh_from_db()

    page = asked.content.decode()
    assert asked.status_code == 200 and still_open
    assert "2 of the 3 ballot cards issued have not been used." in page
    assert "Close the round anyway</button>" in page and 'id="results"' not in page
    assert "Close the round and show the results" not in page  # one way to close on this page, the confirmed one
    assert confirmed.status_code == 302 and not points_round.is_open


def test_closing_a_round_nobody_has_voted_in_asks_first_and_a_stray_confirm_is_harmless(points_round, lead_client):
    url = reverse("conference:round_close", args=[points_round.review_id, points_round.pk])

    asked = lead_client.post(url, {"confirm": "no"})
    points_round.refresh_from_db()

    assert "Nobody has voted in this round yet." in asked.content.decode()
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
    assert again.ballots.count() == 0


def test_the_lead_opens_a_round_without_cards_to_issue_them_later(review, lead_client):
    response = lead_client.post(
        reverse("conference:round_create", args=[review.pk]),
        {"title": "Priorities", "method": "points", "points": "10", "candidates": "First\nSecond", "cards": "0"},
    )

    round_ = Round.objects.get(review=review)
    assert response["Location"] == round_.get_absolute_url()
    assert round_.ballots.count() == 0


def test_a_second_open_round_is_refused(points_round, review, lead_client):
    response = lead_client.post(
        reverse("conference:round_create", args=[review.pk]),
        {"title": "Priorities", "method": "points", "points": "10", "candidates": "First\nSecond", "cards": "5"},
    )

    assert "Close the open round before opening another." in response.content.decode()
    assert Round.objects.count() == 1
    assert Ballot.objects.count() == 0


def test_opening_a_round_while_one_is_open_says_so_before_the_form_is_filled_in(points_round, review, lead_client):
    page = lead_client.get(reverse("conference:round_create", args=[review.pk])).content.decode()

    assert f"Round {points_round.number}, “{points_round.title}”, is still open" in page
    assert points_round.get_absolute_url() in page
    assert 'name="candidates"' not in page


def test_with_no_round_open_the_form_to_open_one_is_shown(review, lead_client):
    page = lead_client.get(reverse("conference:round_create", args=[review.pk])).content.decode()

    assert 'name="candidates"' in page and "is still open" not in page


def test_adopting_a_closed_round_sets_the_priorities_in_order(points_round, review, lead_client):
    vote(points_round, [2, 0, 8])
    points_round.close()

    lead_client.post(reverse("conference:round_adopt", args=[review.pk, points_round.pk]))

    assert list(review.priorities.order_by("order").values_list("title", "votes")) == [
        ("Caseloads", 8),
        ("Front door", 2),
    ]


def test_the_admin_shows_ballots_read_only_without_codes(points_round, admin_client):
    code = card(points_round)
    ballot = Ballot.objects.get()

    listing = admin_client.get(reverse("admin:conference_ballot_changelist"))
    detail = admin_client.get(reverse("admin:conference_ballot_change", args=[ballot.pk]))
    posted = admin_client.post(reverse("admin:conference_ballot_change", args=[ballot.pk]), {"status": "used"})

    assert listing.status_code == 200
    assert "Card 1 in Round" in listing.content.decode()
    assert detail.status_code == 200
    assert ballot.secret_hash not in detail.content.decode()
    assert code not in detail.content.decode() and code.replace("-", "") not in detail.content.decode()
    assert posted.status_code == 403
    assert admin_client.get(reverse("admin:conference_ballot_add")).status_code == 403
    assert Ballot.objects.get().status == "unused"
