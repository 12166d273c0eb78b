from conference.models import Letter, LetterComment, LetterVersion

from .factories import ActionFactory, CandidateFactory, PriorityFactory, RoundFactory


def walker_objects(review, lead) -> dict[str, int]:
    round_ = RoundFactory(review=review)
    CandidateFactory(round=round_)
    CandidateFactory(round=round_)
    priority = PriorityFactory(review=review)
    letter = Letter.objects.create(
        review=review,
        addressee_name="Ruth Calloway",
        addressee_role="Director of Children's Services",
        body="<h2>Context and scope</h2>\n<p>A draft.</p>",
    )
    version = LetterVersion.objects.create(letter=letter, number=1, body=letter.body, status=letter.status, event="")
    comment = LetterComment.objects.create(letter=letter, paragraph=2, version=1, quoted="<p>A draft.</p>", text="?")
    return {
        "round_id": round_.pk,
        "priority_id": priority.pk,
        "action_id": ActionFactory(priority=priority).pk,
        "letter_comment_id": comment.pk,
        "version_number": version.number,
    }
