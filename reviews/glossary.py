"""The review's words that need explaining: one place defines each, the glossary page lists them, and the `term`
and `term_hint` template tags link a word on any page to its entry."""

from dataclasses import dataclass

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from .access import not_logged


@dataclass(frozen=True)
class Term:
    slug: str
    name: str
    definition: str

    @property
    def anchor(self) -> str:
        return f"term-{self.slug}"

    @property
    def url(self) -> str:
        return f"{reverse('glossary')}#{self.anchor}"


TERMS = [
    Term(
        "area-for-consideration",
        "Area for consideration",
        "Something the peer team suggests the council and its partners look at to improve. Peer reviews speak of "
        "areas for consideration rather than weaknesses or recommendations: the review is a critical friend, not "
        "an inspection.",
    ),
    Term(
        "counts",
        "Counts such as ‘5 of 26’",
        "How much of a stage's work is done: the first number is what is finished (entries submitted, cases "
        "mapped, sessions held), the second all there is to do. A stage is complete when the two are the same.",
    ),
    Term(
        "focus-area",
        "Focus area and specific circumstance",
        "The lines the review looks along within its scope: focus areas such as the pathways for children in need "
        "of safeguarding, and specific circumstances such as missing children or children with disabilities.",
    ),
    Term(
        "kappa",
        "Kappa (weighted kappa)",
        "How far the council's audit grades and the peers' blind regrades agree, beyond what chance alone would "
        "give: 1 is full agreement, 0 no more than chance, below 0 less than chance. Weighted kappa counts a "
        "grade one step apart as a near miss rather than a miss. Roughly, above 0.6 is substantial agreement and "
        "below 0.4 is weak; with few cases it is only a rough guide.",
    ),
    Term(
        "moderation",
        "Moderation",
        "When the council's grade and the peer's regrade of a case differ, a moderator looks at both and agrees "
        "the grade, with the reason. The direction of the disagreements matters: a council that grades itself "
        "more generously than the peers has weaker quality assurance than one whose grades the peers confirm.",
    ),
    Term(
        "peer-material",
        "Peer team's working material",
        "Peer grades and commentary, interview and focus-group notes and coding, draft findings and votes before a "
        "round closes. Only the peer team sees it until the lead publishes it to the council.",
    ),
    Term(
        "rag",
        "RAG status",
        "Red, amber or green: how an improvement-plan action or an inspection recommendation is going. Red is off "
        "track, amber at risk, green on track.",
    ),
    Term(
        "scope-area",
        "Scope area",
        "One of the questions the council asked the review to look at, such as referral and access arrangements. "
        "The council grades itself against each in its self assessment.",
    ),
    Term(
        "segment",
        "Segment",
        "A group a questionnaire respondent may choose to say they belong to, such as an agency or a team. "
        "Results are broken down by segment, but no figure for a group smaller than the review's minimum "
        "(5 respondents by default) is shown, so that nobody can be identified.",
    ),
    Term(
        "suppressed",
        "Fewer than the minimum (suppressed figures)",
        "A figure for a group smaller than the review's minimum is hidden and shown as “fewer than 5”; when only "
        "one group would be hidden, the next smallest is hidden too, so the hidden one cannot be worked out from "
        "the total.",
    ),
    Term(
        "theme",
        "Theme",
        "One of the five lenses every finding is seen through: effective practice, service delivery and the voice "
        "of the child; outcomes, impact and performance; working together; capacity and managing resources; "
        "vision, strategy and leadership.",
    ),
    Term(
        "triangulated",
        "Triangulated",
        "A finding is triangulated when evidence from more than one stage supports it, for example a case map, an "
        "interview and a questionnaire. The number of distinct stages behind a finding is its triangulation; one "
        "source alone is not yet triangulated.",
    ),
]
BY_SLUG = {term.slug: term for term in TERMS}


def get(slug: str) -> Term:
    """The term by its slug; an unknown slug is a mistake in a template, so it fails loudly."""
    return BY_SLUG[slug]


@not_logged("the same words for everyone; nothing about a review")
@require_GET
def glossary(request: HttpRequest) -> HttpResponse:
    return render(request, "reviews/glossary.html", {"terms": sorted(TERMS, key=lambda term: term.name.lower())})
