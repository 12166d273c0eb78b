"""Questionnaire responses for seed_scale: each review gets its own copies of library questionnaires and
responses to them, answers leaning positive as they do, a few in words. Fictional, made with bulk inserts.
Safety checks are answered at the safe end: bulk inserts raise no alerts, and a test data set should not."""

import datetime
import random

from reviews.models import Review

from .library import ensure_library
from .models import Answer, Audience, Question, Response

BATCH = 20_000
WORDS = [
    "Supervision is regular and I can talk through a case with my manager.",
    "Information from the police about incidents reaches us late.",
    "The front door is quick to answer but the thresholds are not always clear.",
    "I did not know who to call when the school closed for the holidays.",
]


def scale(reviews: list[Review], sizes, rng: random.Random) -> dict[str, int]:
    library = [q for q in ensure_library() if q.audience in {Audience.STAFF, Audience.PARTNERS, Audience.PARENTS}]
    library = library[:2] or ensure_library()[:2]
    counts = {"questionnaires": 0, "questionnaire responses": 0, "answers": 0}
    answers: list[Answer] = []
    for review in reviews:
        copies = [source.copy_to(review) for source in library]
        counts["questionnaires"] += len(copies)
        day = review.onsite_start or datetime.date(2020, 1, 1)
        for copy in copies:
            questions = list(Question.objects.filter(section__questionnaire=copy).order_by("section__order", "order"))
            share = sizes.responses // len(copies)
            responses = Response.objects.bulk_create(
                Response(questionnaire=copy, submitted_on=day - datetime.timedelta(days=rng.randrange(10, 40)))
                for _ in range(share)
            )
            counts["questionnaire responses"] += len(responses)
            for response in responses:
                answers += _answers(response, questions, rng)
                if len(answers) >= BATCH:
                    counts["answers"] += len(Answer.objects.bulk_create(answers))
                    answers = []
    counts["answers"] += len(Answer.objects.bulk_create(answers))
    return counts


def _answers(response: Response, questions: list[Question], rng: random.Random) -> list[Answer]:
    made = []
    for question in questions:
        if rng.random() < 0.1:
            continue  # a question left unanswered
        options = [value for value, _ in question.options()]
        if question.kind == Question.Kind.TEXT:
            if rng.random() < 0.15:
                made.append(Answer(response=response, question=question, text=rng.choice(WORDS)))
        elif question.kind == Question.Kind.MULTIPLE:
            made += [Answer(response=response, question=question, choice=c) for c in rng.sample(options, k=1)]
        elif question.kind == Question.Kind.SINGLE:
            made.append(Answer(response=response, question=question, choice=rng.choice(options)))
        else:
            if question.safety_check:
                value = options[-1]
            else:
                value = rng.choices(options, weights=sorted(range(1, len(options) + 1), reverse=False))[0]
            made.append(Answer(response=response, question=question, value=int(value)))
    return made
