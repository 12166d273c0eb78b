import pytest
from django.core.exceptions import ValidationError

from reviews.models import Council
from reviews.pseudonyms import check_case_reference, identifier_in


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("Family moved to NE1 4ST last year", "it contains a postcode"),
        ("NHS number 943 476 5919", "it contains what looks like an NHS number"),
        ("Call mum on 07700 900123", "it contains a phone number"),
        ("Call the school on +44 20 7946 0000", "it contains a phone number"),
        ("Office (0161) 496 0000", "it contains a phone number"),
        ("Nan on (01632) 960123", "it contains a phone number"),
        ("Dad abroad: 0044 7700 900123", "it contains a phone number"),
        ("GP +44 (0)161 496 0000", "it contains a phone number"),
        ("Mobile 07700.900.123", "it contains a phone number"),
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
        "Seen on 14.03.2025 and again (01/04/2025) at 09:30",
        "Caseload (0.5 FTE) of 18 children",
    ],
)
def test_ordinary_case_notes_pass(text):
    assert identifier_in(text) is None


@pytest.mark.parametrize(
    ("reference", "reason"),
    [
        ("JaneSmith", "it has no digits, so it could be a name"),
        ("Jane-Smith", "it has no digits, so it could be a name"),
        ("2015-03-14", "it contains what looks like a date, such as a date of birth"),
        ("C-14-03-2015", "it contains what looks like a date, such as a date of birth"),
        ("C-3-4-15", "it contains what looks like a date, such as a date of birth"),
        ("C14032015", "it contains what looks like a date, such as a date of birth"),
        ("C-20150314", "it contains what looks like a date, such as a date of birth"),
    ],
)
def test_a_case_reference_like_a_name_or_date_is_refused(reference, reason):
    council = Council(name="Testshire Council", record_number_pattern="")

    with pytest.raises(ValidationError) as refused:
        check_case_reference(reference, council)

    assert refused.value.messages == [f"“{reference}” cannot be a case reference: {reason}. Use one such as C-01."]


@pytest.mark.parametrize("reference", ["C-01", "NM-C01", "W-001", "C-1403", "C-99-99-2015", "X-2024"])
def test_ordinary_case_references_pass(reference):
    check_case_reference(reference, Council(name="Testshire Council", record_number_pattern=r"^TS\d{6}$"))
