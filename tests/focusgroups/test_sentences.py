"""Focus-group notes split into sentences that keep the abbreviations safeguarding notes are full of."""

import pytest

from focusgroups.services import passages

ABBREVIATED = [
    "s.",
    "s.17",
    "s.20",
    "s.31",
    "s.47",
    "ss.17",
    "sec.",
    "sch.",
    "ch.",
    "para.",
    "paras.",
    "art.",
    "reg.",
    "regs.",
    "No.",
    "Nos.",
    "p.",
    "pp.",
    "ref.",
    "vol.",
    "e.g.",
    "i.e.",
    "viz.",
    "cf.",
    "vs.",
    "v.",
    "approx.",
    "incl.",
    "Dr.",
    "Mr.",
    "Mrs.",
    "Ms.",
    "Prof.",
    "Cllr.",
    "DS.",
    "DC.",
    "Supt.",
    "Sgt.",
    "St.",
    "Dept.",
    "Jan.",
    "Sept.",
    "a.m.",
    "p.m.",
    "J.",
]


def sentences(text: str) -> list[str]:
    return [sentence["text"] for paragraph in passages(text) for sentence in paragraph["sentences"]]


def test_the_list_covers_at_least_thirty_abbreviations():
    assert len(ABBREVIATED) >= 30


@pytest.mark.parametrize("abbreviation", ABBREVIATED)
def test_an_abbreviation_does_not_end_the_sentence(abbreviation):
    text = f"The team discussed {abbreviation} 47 with Police colleagues. Then they agreed a plan."

    assert sentences(text) == [
        f"The team discussed {abbreviation} 47 with Police colleagues.",
        "Then they agreed a plan.",
    ]


@pytest.mark.parametrize("abbreviation", ["Dr.", "DS.", "Cllr.", "Mrs.", "J."])
def test_a_title_before_a_name_does_not_end_the_sentence(abbreviation):
    assert sentences(f"We met {abbreviation} Patel at the hub. It went well.") == [
        f"We met {abbreviation} Patel at the hub.",
        "It went well.",
    ]


def test_section_47_enquiries_stay_in_one_sentence():
    text = "Staff worried about s.47 enquiries. Most said the s. 47 threshold is clear!"

    assert sentences(text) == ["Staff worried about s.47 enquiries.", "Most said the s. 47 threshold is clear!"]


def test_sentences_end_at_full_stops_questions_and_exclamations_and_keep_their_offsets():
    text = "First point. Was it late? Yes!\nA new paragraph (with a bracket.) Last one"

    found = [sentence for paragraph in passages(text) for sentence in paragraph["sentences"]]

    assert [sentence["text"] for sentence in found] == [
        "First point.",
        "Was it late?",
        "Yes!",
        "A new paragraph (with a bracket.)",
        "Last one",
    ]
    assert all(text[sentence["start"] : sentence["end"]] == sentence["text"] for sentence in found)


def test_a_full_stop_before_lower_case_or_a_number_does_not_end_the_sentence():
    assert sentences("It took approx. three weeks and cost 4.5 hours of time. Done.") == [
        "It took approx. three weeks and cost 4.5 hours of time.",
        "Done.",
    ]
