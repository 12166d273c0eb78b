"""Property-based tests of the public vote pages: whatever code or vote is sent to /vote/ and /vote/ballot/<code>/,
the answer is a page (never a server error), and one card never counts more than once."""

from urllib.parse import quote

from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from conference import services
from conference.models import Ballot, Round

from .factories import CandidateFactory, RoundFactory

EXAMPLES = 100

CODE_TEXTS = st.one_of(
    st.text(max_size=60),
    st.text(alphabet="ABCDEFGHJKLMNPQRSTUVWXYZ23456789-  abcz01OI", min_size=0, max_size=12),
    st.sampled_from(["", " ", "-", "\x00", "ZZZZ-ZZZZ", "a" * 5000, "<script>", "../..", "%00"]),
)


# Wrong codes are the point here, so the limit on them is out of the way.
@override_settings(VOTE_FAILED_CODES_PER_ADDRESS=10**9, VOTE_FAILED_CODES_PER_ROUND=10**9)
class AnythingSentToTheVotePages(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.round = RoundFactory(method=Round.Method.POINTS, points=10)
        cls.candidates = [CandidateFactory(round=cls.round, title=title) for title in ["One", "Two", "Three"]]

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(code=CODE_TEXTS)
    def test_any_typed_code_gets_a_page_not_a_server_error(self, code):
        typed = Client().post("/vote/", {"code": code})
        opened = Client().get(f"/vote/ballot/{quote(code, safe='')}/")

        self.assertIn(typed.status_code, {200})
        self.assertIn(opened.status_code, {200, 404})

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(
        fields=st.dictionaries(
            st.one_of(st.sampled_from(["candidate_1", "candidate_999999", "code"]), st.text(max_size=20)),
            st.one_of(st.text(max_size=30), st.integers().map(str)),
            max_size=6,
        ),
        values=st.lists(st.one_of(st.integers(), st.text(max_size=10)), min_size=3, max_size=3),
        times=st.integers(min_value=1, max_value=3),
    )
    def test_any_vote_on_a_card_gets_a_page_and_the_card_counts_at_most_once(self, fields, values, times):
        [(_, code)] = services.issue_cards(round_=self.round, count=1)
        data = {**fields, **{f"candidate_{c.pk}": str(v) for c, v in zip(self.candidates, values, strict=True)}}

        statuses = [Client().post(f"/vote/ballot/{code}/", data).status_code for _ in range(times)]

        card = Ballot.objects.for_code(code)
        self.assertEqual(set(statuses), {200})
        self.assertIn(card.choices.count(), {0, 3})
        self.assertEqual(card.status == Ballot.Status.USED, card.choices.count() == 3)
