import pytest

from reviews.pseudonyms import identifier_in


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Family moved to NE1 4ST last year", "it contains a postcode"),
        ("NHS number 943 476 5919", "it contains what looks like an NHS number"),
        ("Call mum on 07700 900123", "it contains a phone number"),
        ("Call the school on +44 20 7946 0000", "it contains a phone number"),
        ("Email jo.bloggs@family.example", "it contains an email address"),
        ("DOB: 03/04/2015", "it contains a date of birth"),
        ("born on 3 April 2015", "it contains a date of birth"),
    ],
)
def test_text_with_a_personal_identifier_is_recognised_with_the_reason(text, reason):
    assert identifier_in(text) == reason


@pytest.mark.parametrize(
    "text",
    [
        "Strategy discussion under s.47 held on 14 March 2025",
        "Stepped down to Level 2 after the review conference",
        "Referral C-01 passed to the front door at 09:30",
        "Ten working days after the referral, 3 visits in 6 weeks",
        "1234567890 is not a valid NHS number",
    ],
)
def test_ordinary_case_notes_pass(text):
    assert identifier_in(text) is None
