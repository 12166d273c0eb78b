"""Conference workflows that span several models: merging findings, voting, the letter and the plan."""

from collections import defaultdict
from datetime import date

import segno
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Case, Count, Max, Q, Value, When
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from reviews import exports, stages
from reviews.charts import Series, bar_chart
from reviews.models import Finding, FindingEvidence, Review

from .models import (
    Action,
    Ballot,
    Candidate,
    Checkpoint,
    CheckpointEntry,
    Choice,
    ConferenceSettings,
    Letter,
    Priority,
    Round,
    format_ballot_code,
    hash_ballot_code,
    new_ballot_code,
)

MAX_CARDS_PER_ISSUE = 200

STAGE = "conference"


def settings_for(review: Review) -> ConferenceSettings:
    found = ConferenceSettings.objects.filter(review=review).first()
    return found or ConferenceSettings(review=review)


# Consolidation


def findings_by_theme(review: Review, findings) -> list[dict]:
    """Findings grouped by the framework's themes, strengths first, each with its stages."""
    findings = list(findings)
    groups = {theme.pk: {"theme": theme, "strengths": [], "areas": []} for theme in review.framework.themes.all()}
    for finding in findings:
        group = groups.setdefault(finding.theme_id, {"theme": finding.theme, "strengths": [], "areas": []})
        group["strengths" if finding.kind == Finding.Kind.STRENGTH else "areas"].append(finding)
    return sorted(groups.values(), key=lambda group: group["theme"].order)


def stages_behind(finding: Finding) -> list[str]:
    """The titles of the distinct stages behind a finding (its own and its evidence's), from prefetched evidence."""
    slugs = {stages.slug_for_app(item.content_type.app_label) for item in finding.evidence.all()}
    slugs.add(finding.stage)
    slugs.discard(None)
    slugs.discard(stages.GENERAL)
    return sorted(stages.title_for(slug) for slug in slugs)


def merge_findings(*, keep: Finding, duplicate: Finding, user: AbstractBaseUser) -> Finding:
    """Fold `duplicate` into `keep`: every piece of evidence of both is kept, then the duplicate is removed."""
    if keep.review_id != duplicate.review_id:
        raise ValidationError("Only findings of the same review can be merged.")
    if keep.pk == duplicate.pk:
        raise ValidationError("Choose a different finding to merge.")
    with transaction.atomic():
        keep = Finding.objects.select_for_update().get(pk=keep.pk)
        duplicate = Finding.objects.select_for_update().get(pk=duplicate.pk, review_id=keep.review_id)
        existing = set(keep.evidence.values_list("content_type_id", "object_id"))
        for item in duplicate.evidence.all():
            if (item.content_type_id, item.object_id) not in existing:
                FindingEvidence.objects.create(
                    finding=keep,
                    content_type_id=item.content_type_id,
                    object_id=item.object_id,
                    note=item.note,
                    added_by=item.added_by,
                )
        note = f"Merged from the {stages.title_for(duplicate.stage).lower()} finding: {duplicate.summary}"
        keep.detail = "\n\n".join(part for part in [keep.detail, note, duplicate.detail] if part)
        keep.version += 1
        keep.save()
        duplicate.delete()
    return keep


def agree_findings(*, review: Review, ids: list[int]) -> int:
    return Finding.objects.filter(review=review, pk__in=ids, status=Finding.Status.DRAFT).update(
        status=Finding.Status.AGREED, updated_at=timezone.now()
    )


# Prioritisation rounds


def open_round(
    *, review: Review, user, title: str, method: str, points: int, candidates: list[tuple[str, Finding | None]]
) -> Round:
    if not candidates:
        raise ValidationError("Add at least one candidate priority.")
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        if review.rounds.filter(status=Round.Status.OPEN).exists():
            raise ValidationError("Close the open round before opening another.")
        number = (review.rounds.aggregate(latest=Max("number"))["latest"] or 0) + 1
        for _ in range(5):
            try:
                with transaction.atomic():
                    round_ = Round.objects.create(
                        review=review, number=number, title=title, method=method, points=points, opened_by=user
                    )
                break
            except IntegrityError:
                continue  # a join code clash: draw another
        else:
            raise ValidationError("Could not draw a free join code; try again.")
        Candidate.objects.bulk_create(
            Candidate(round=round_, title=text, finding=finding, order=index)
            for index, (text, finding) in enumerate(candidates, start=1)
        )
    return round_


def run_again(*, round_: Round, user) -> Round:
    candidates = [(c.title, c.finding) for c in round_.candidates.select_related("finding").order_by("order")]
    return open_round(
        review=round_.review,
        user=user,
        title=round_.title,
        method=round_.method,
        points=round_.points,
        candidates=candidates,
    )


def issue_cards(*, round_: Round, count: int) -> list[tuple[int, str]]:
    """Issue `count` ballot cards for an open round: (card number, code) pairs, the codes formatted for printing.

    Only a keyed hash of each code is stored, so this is the one moment the codes exist in plain form.
    """
    if not 1 <= count <= MAX_CARDS_PER_ISSUE:
        raise ValidationError(f"Issue between 1 and {MAX_CARDS_PER_ISSUE} cards at a time.")
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_open:
            raise ValidationError("Voting in this round has closed, so no more cards can be issued.")
        first = (locked.ballots.filter(kind=Ballot.Kind.CARD).aggregate(last=Max("number"))["last"] or 0) + 1
        for _ in range(5):
            codes = [new_ballot_code() for _ in range(count)]
            try:
                with transaction.atomic():
                    Ballot.objects.bulk_create(
                        Ballot(round=locked, kind=Ballot.Kind.CARD, number=first + i, secret_hash=hash_ballot_code(c))
                        for i, c in enumerate(codes)
                    )
                break
            except IntegrityError:
                continue  # two codes drew the same 40 bits: draw the batch again
        else:
            raise ValidationError("Could not draw free ballot codes; try again.")
    return [(first + i, format_ballot_code(code)) for i, code in enumerate(codes)]


def void_cards(*, round_: Round, numbers: list[int] | None = None) -> int:
    """Void unused cards of a round (those numbered, or all of them): a voided card can never be used."""
    cards = Ballot.objects.filter(round=round_, kind=Ballot.Kind.CARD, status=Ballot.Status.UNUSED)
    if numbers is not None:
        cards = cards.filter(number__in=numbers)
    return cards.update(status=Ballot.Status.VOID)


def ballot_counts(round_: Round) -> dict[str, int]:
    """Cards issued, used, unused and void, and the members who voted with their account, in one query."""
    card = Q(kind=Ballot.Kind.CARD)
    counts = round_.ballots.aggregate(
        issued=Count("pk", filter=card),
        cards_used=Count("pk", filter=card & Q(status=Ballot.Status.USED)),
        unused=Count("pk", filter=card & Q(status=Ballot.Status.UNUSED)),
        void=Count("pk", filter=card & Q(status=Ballot.Status.VOID)),
        members=Count("pk", filter=Q(kind=Ballot.Kind.MEMBER)),
        devices=Count("pk", filter=Q(kind=Ballot.Kind.DEVICE)),
    )
    counts["votes"] = counts["cards_used"] + counts["members"] + counts["devices"]
    return counts


def _checked_choices(round_: Round, values: dict[int, int]) -> dict[int, int]:
    """The vote as one value for every candidate of the round (0 for no points), or a ValidationError."""
    candidate_ids = set(round_.candidates.values_list("pk", flat=True))
    if set(values) - candidate_ids:
        raise ValidationError("Vote only for this round's candidates.")
    if any(value < 0 for value in values.values()):
        raise ValidationError("Points and ranks cannot be negative.")
    if round_.method == Round.Method.POINTS:
        total = sum(values.values())
        if total > round_.points:
            raise ValidationError(f"You gave {total} points; you have {round_.points} to give.")
        if total == 0:
            raise ValidationError("Give at least one point.")
        return {pk: values.get(pk, 0) for pk in candidate_ids}
    ranks = sorted(values.values())
    if ranks != list(range(1, len(candidate_ids) + 1)) or set(values) != candidate_ids:
        raise ValidationError(f"Rank every candidate once, from 1 to {len(candidate_ids)}.")
    return values


def _record_choices(ballot: Ballot, choices: dict[int, int]) -> None:
    # Every candidate gets a row, even with no points, so a second set of choices on one ballot is refused by the
    # database (one choice per ballot and candidate), whatever path it came by.
    Choice.objects.bulk_create(Choice(ballot=ballot, candidate_id=pk, value=value) for pk, value in choices.items())


USED_CARD = "This ballot card has already been used. Each card counts once."
ARCHIVED = "Voting has closed: the review has finished and is archived."


def cast_vote(*, ballot_id: int, values: dict[int, int]) -> Ballot:
    """Cast the vote of an unused card. `values` maps candidate ids to points, or to ranks (1 is first).

    The round and the card are locked, and the card is marked used only if it is still unused, so two submissions
    of one card at the same moment count once.
    """
    with transaction.atomic():
        ballot = Ballot.objects.select_related("round").get(pk=ballot_id, kind=Ballot.Kind.CARD)
        round_ = Round.objects.select_for_update().get(pk=ballot.round_id)
        ballot = Ballot.objects.select_for_update().get(pk=ballot_id)
        if not round_.is_open:
            raise ValidationError("Voting in this round has closed.")
        if Review.objects.filter(pk=round_.review_id, archived_at__isnull=False).exists():
            raise ValidationError(ARCHIVED)
        if ballot.status == Ballot.Status.VOID:
            raise ValidationError("This ballot card has been cancelled by the lead. Ask for another card.")
        if ballot.status == Ballot.Status.USED:
            raise ValidationError(USED_CARD)
        choices = _checked_choices(round_, values)
        marked = Ballot.objects.filter(pk=ballot.pk, status=Ballot.Status.UNUSED).update(
            status=Ballot.Status.USED, cast_at=timezone.now()
        )
        if marked != 1:
            raise ValidationError(USED_CARD)
        _record_choices(ballot, choices)
    ballot.refresh_from_db()
    return ballot


def cast_member_vote(*, round_: Round, user: AbstractBaseUser, values: dict[int, int]) -> Ballot:
    """A signed-in member's vote with their account: one ballot per member and round, held by a constraint."""
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_open:
            raise ValidationError("Voting in this round has closed.")
        choices = _checked_choices(locked, values)
        try:
            with transaction.atomic():
                ballot = Ballot.objects.create(
                    round=locked, kind=Ballot.Kind.MEMBER, status=Ballot.Status.USED, user=user, cast_at=timezone.now()
                )
        except IntegrityError as error:
            raise ValidationError("You have already voted in this round.") from error
        _record_choices(ballot, choices)
    return ballot


def has_voted(round_: Round, user: AbstractBaseUser) -> bool:
    return round_.ballots.filter(user=user).exists()


def close_needs_confirming(round_: Round) -> bool:
    """Closing now would shut out cards not yet used, or show the results of no vote at all."""
    counts = ballot_counts(round_)
    return bool(counts["unused"] or not counts["votes"])


def close_round(*, round_: Round) -> None:
    with transaction.atomic():
        locked = Round.objects.select_for_update().get(pk=round_.pk)
        if not locked.is_open:
            raise ValidationError("The round is already closed.")
        locked.close()


def results(round_: Round) -> list[dict]:
    """Each candidate's score, highest first, with shared places for ties. Points add up; a rank of r among
    n candidates scores n - r + 1 (a Borda count)."""
    candidates = list(round_.candidates.order_by("order"))
    n = len(candidates)
    sums = defaultdict(int)
    choices = Choice.objects.filter(ballot__round=round_, ballot__status=Ballot.Status.USED)
    for candidate_id, value in choices.values_list("candidate_id", "value"):
        sums[candidate_id] += value if round_.method == Round.Method.POINTS else n - value + 1
    rows = [{"candidate": c, "score": sums[c.pk]} for c in candidates]
    rows.sort(key=lambda row: (-row["score"], row["candidate"].order))
    place = 0
    previous = None
    for index, row in enumerate(rows, start=1):
        if row["score"] != previous:
            place = index
            previous = row["score"]
        row["place"] = place
        row["tied"] = sum(1 for other in rows if other["score"] == row["score"]) > 1
    return rows


def results_chart(round_: Round, rows: list[dict]):
    label = "Points" if round_.method == Round.Method.POINTS else "Score (rank points)"
    return bar_chart(
        title=f"Round {round_.number} results: {label.lower()} per candidate (the table beside it has the figures)",
        categories=[row["candidate"].title for row in rows],
        series=[Series(label, "#1d70b8", [row["score"] for row in rows])],
        chart_id=f"round-{round_.pk}-results",
    )


def qr_svg(url: str, label: str, scale: int = 6) -> SafeString:
    """A QR code of a link as inline SVG: only path data made here from a URL we built and our own label."""
    svg = segno.make(url, error="m").svg_inline(scale=scale, title=label, svgclass="app-qr")
    return mark_safe(svg.replace("<svg ", f'<svg role="img" aria-label="{escape(label)}" ', 1))


def adopt_priorities(*, round_: Round) -> int:
    """Make a closed round's ranking the review's first priorities, in the order of the vote; a priority already
    there keeps its plan, and those the round did not rank follow it in their order. Returns how many were ranked."""
    if round_.is_open:
        raise ValidationError("Close the round before adopting its ranking.")
    rows = [row for row in results(round_) if row["score"] > 0]
    with transaction.atomic():
        lock_priorities(round_.review_id)
        existing = list(Priority.objects.filter(review_id=round_.review_id).numbered())
        by_title = {p.title: p for p in existing}
        ranked = []
        for row in rows:
            candidate = row["candidate"]
            priority = by_title.get(candidate.title)
            if priority is None:
                priority = Priority(review_id=round_.review_id, title=candidate.title, finding=candidate.finding)
            priority.votes = row["score"]
            ranked.append(priority)
        number_priorities(ranked + [p for p in existing if p not in ranked], saving=ranked)
    return len(rows)


def lock_priorities(review_id: int) -> None:
    """Take the lock that every change to a review's priority numbers takes first: the row of its review."""
    Review.objects.select_for_update().filter(pk=review_id).first()


def place_priority(*, priority: Priority, number: int) -> None:
    """Give a saved priority the number asked for (past the last: the last), moving the others down or up one."""
    with transaction.atomic():
        lock_priorities(priority.review_id)
        others = [p for p in Priority.objects.filter(review_id=priority.review_id).numbered() if p.pk != priority.pk]
        others.insert(max(number, 1) - 1, priority)
        number_priorities(others)


def number_priorities(priorities: list[Priority], *, saving: list[Priority] = ()) -> None:
    """Store the numbers of all of a review's priorities, 1 to n in the order given, so that the `order` kept is the
    number `numbered()` shows; a priority's finding takes the same number. Saves each priority in `saving` and each
    whose number changed, with its history and its version raised (a form opened before shows a number that is no
    longer so, and is refused), and nothing else. The caller holds `lock_priorities`."""
    for number, priority in enumerate(priorities, start=1):
        if priority in saving or priority.pk is None or priority.order != number:
            if priority.pk is not None:
                priority.version += 1
            priority.order = number
            priority.save()
    numbers = {p.finding_id: number for number, p in enumerate(priorities, start=1) if p.finding_id}
    if numbers:
        Finding.objects.filter(pk__in=numbers).update(
            priority=Case(*(When(pk=pk, then=Value(number)) for pk, number in numbers.items()))
        )


# The letter (its workflow is in letter.py)


def draft_findings(review: Review):
    return review.findings.filter(status=Finding.Status.DRAFT)


# The improvement plan


def plan_actions(review: Review):
    return (
        Action.objects.for_review(review)
        .with_current_rag()
        .select_related("priority", "owner")
        .annotate(update_count=Count("updates"))
        .order_by("priority__order", "priority_id", "due_date", "pk")
    )


def plan_rows(review: Review, today: date | None = None, actions=None) -> list[dict]:
    today = today or timezone.localdate()
    actions = list(actions if actions is not None else plan_actions(review))
    priorities = list(review.priorities.numbered())
    by_priority = defaultdict(list)
    for action in actions:
        action.overdue = action.is_overdue(today)
        by_priority[action.priority_id].append(action)
    return [{"priority": p, "actions": by_priority[p.pk]} for p in priorities]


def save_action(*, action: Action, data: dict, version: int, user) -> Action:
    with transaction.atomic():
        locked = Action.objects.select_for_update().get(pk=action.pk)
        if locked.version != version:
            raise ValidationError(
                "Someone else changed this action since you opened it. Your changes were not saved; "
                "the form shows the latest version."
            )
        for name, value in data.items():
            setattr(locked, name, value)
        locked.version += 1
        locked.save()
    return locked


def action_counts_many(reviews: list[Review], today: date) -> dict[int, dict[str, int]]:
    rows = (
        Action.objects.filter(priority__review__in=reviews)
        .with_current_rag()
        .order_by()
        .values("priority__review_id")
        .annotate(
            total=Count("id"),
            on_track=Count("id", filter=Q(latest_rag=Action.RAG.GREEN) | Q(status=Action.Status.DONE)),
            overdue=Count("id", filter=Q(due_date__lt=today) & ~Q(status=Action.Status.DONE)),
        )
    )
    return {row["priority__review_id"]: row for row in rows}


def plan_xlsx(review: Review) -> bytes:
    header = [
        "Priority",
        "Desired outcome",
        "Action",
        "Owner's role",
        "Owner's agency",
        "Due",
        "Success measure",
        "Baseline",
        "Target",
        "Current",
        "Status",
        "RAG",
        "Overdue",
    ]
    today = timezone.localdate()
    rows = [
        [
            row["priority"].title,
            row["priority"].outcome,
            action.description,
            action.owner_role,
            action.owner_agency,
            action.due_date,
            action.success_measure,
            action.baseline_value,
            action.target_value,
            action.value_now,
            action.get_status_display(),
            action.rag_now_label,
            "Yes" if action.overdue else "No",
        ]
        for row in plan_rows(review, today)
        for action in row["actions"]
    ]
    return exports.to_xlsx([header, *rows], title="Improvement plan")


def improvement_plan_context(review: Review) -> dict:
    today = timezone.localdate()
    checkpoints = list(review.checkpoints.order_by("months").prefetch_related("entries"))
    rows = plan_rows(review, today)
    entries = {(e.checkpoint_id, e.action_id): e for cp in checkpoints for e in cp.entries.all()}
    for row in rows:
        for action in row["actions"]:
            action.checks = [entries.get((cp.pk, action.pk)) for cp in checkpoints]
    return {
        "review": review,
        "rows": rows,
        "checkpoints": checkpoints,
        "letter": Letter.objects.filter(review=review).first(),
        "generated_at": timezone.now(),
        "today": today,
    }


# Follow-up


def record_checkpoint(*, review: Review, months: int, held_on: date, summary: str) -> Checkpoint:
    """Take the 3- or 12-month check: each action's status, RAG and value as they stand, against the baseline."""

    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        if review.checkpoints.filter(months=months).exists():
            raise ValidationError(f"The {months}-month check has already been recorded.")
        checkpoint = Checkpoint.objects.create(review=review, months=months, held_on=held_on, summary=summary)
        CheckpointEntry.objects.bulk_create(
            CheckpointEntry(checkpoint=checkpoint, action=a, rag=a.rag_now, status=a.status, value=a.value_now)
            for a in Action.objects.for_review(review).with_current_rag()
        )
    return checkpoint


def checkpoint_rows(review: Review) -> list[dict]:
    """Per priority: how many actions were done and green at each check, in one query for the entries."""

    checkpoints = list(review.checkpoints.order_by("months"))
    counts = defaultdict(lambda: {"done": 0, "green": 0, "total": 0})
    for row in (
        CheckpointEntry.objects.filter(checkpoint__review=review)
        .order_by()
        .values("checkpoint_id", "action__priority_id")
        .annotate(
            total=Count("id"),
            done=Count("id", filter=Q(status=Action.Status.DONE)),
            green=Count("id", filter=Q(rag=Action.RAG.GREEN)),
        )
    ):
        counts[(row["checkpoint_id"], row["action__priority_id"])] = row
    return [
        {"priority": p, "checks": [counts[(cp.pk, p.pk)] for cp in checkpoints]} for p in review.priorities.numbered()
    ]
