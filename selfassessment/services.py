"""Self-assessment workflows that span several records."""

import datetime
import re

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Prefetch, Q

from reviews import scope
from reviews.models import EvidenceDocument, Finding, FindingEvidence, Review
from reviews.services import store_document

from .models import DocumentRequest, Entry, Inspection, Judgement, Rag, Recommendation, Submission

STAGE = "self-assessment"


def set_up_entries(*, review: Review, include_themes: bool) -> int:
    """One entry per scope area of the review's framework (and per theme if asked); existing ones are kept."""
    with transaction.atomic():
        have_areas = set(review.self_assessment_entries.values_list("scope_area_id", flat=True))
        have_themes = set(review.self_assessment_entries.values_list("theme_id", flat=True))
        new = [Entry(review=review, scope_area=area) for area in scope.scope_areas(review).exclude(pk__in=have_areas)]
        if include_themes:
            new += [Entry(review=review, theme=theme) for theme in review.framework.themes.exclude(pk__in=have_themes)]
        Entry.objects.bulk_create(new)
    return len(new)


def send_standard_requests(*, review: Review, user, due_date: datetime.date) -> int:
    """Start the information health check from the framework's template; a request already made is kept."""
    with transaction.atomic():
        existing = {title.lower() for title in review.document_requests.values_list("title", flat=True)}
        new = [
            DocumentRequest(
                review=review, title=item.title, description=item.description, due_date=due_date, requested_by=user
            )
            for item in review.framework.document_request_templates.order_by("order")
            if item.title.lower() not in existing
        ]
        DocumentRequest.objects.bulk_create(new)
    return len(new)


def submit_self_assessment(*, review: Review, user) -> Submission:
    with transaction.atomic():
        Review.objects.select_for_update().filter(pk=review.pk).first()
        if Submission.objects.filter(review=review).exists():
            raise ValidationError("The self assessment has already been submitted.")
        entries = list(review.self_assessment_entries.select_related("scope_area", "theme"))
        if not entries:
            raise ValidationError("There are no entries to submit yet.")
        waiting = [entry for entry in entries if entry.status in {Entry.Status.DRAFT, Entry.Status.CHANGES_REQUESTED}]
        if waiting:
            names = "; ".join(entry.subject_title for entry in waiting[:5])
            more = f" and {len(waiting) - 5} more" if len(waiting) > 5 else ""
            raise ValidationError(
                f"{len(waiting)} {'entry is' if len(waiting) == 1 else 'entries are'} not submitted yet: {names}{more}."
            )
        return Submission.objects.create(review=review, submitted_by=user)


def answer_request(*, request_id: int, user, documents: list, uploaded_file=None) -> DocumentRequest:
    """Send documents for a request; a new upload joins the review's register as a document of its own."""
    with transaction.atomic():
        item = DocumentRequest.objects.select_for_update(of=("self",)).select_related("review").get(pk=request_id)
        if item.status == DocumentRequest.Status.ACCEPTED:
            raise ValidationError("This request has been accepted; it cannot take more documents.")
        if uploaded_file is not None:
            documents = [
                *documents,
                store_document(review=item.review, user=user, uploaded_file=uploaded_file, title=item.title),
            ]
        item.mark_uploaded(user=user, documents=documents)
    return item


def raise_finding(*, entry: Entry, finding: Finding, documents, user, focus_areas=()) -> Finding:
    """Save a finding raised from an entry, with the entry (and its documents) as evidence."""
    if entry.scope_area_id and not finding.scope_area_id:
        finding.scope_area = entry.scope_area
    return _raise_finding(
        source=entry,
        note="The self-assessment entry this finding was raised from.",
        review=entry.review,
        finding=finding,
        documents=documents,
        user=user,
        focus_areas=focus_areas,
    )


def raise_finding_from_recommendation(
    *, recommendation: Recommendation, finding: Finding, documents, user, focus_areas=()
) -> Finding:
    """Save a finding raised from the progress on a recommendation, with it (and chosen documents) as evidence."""
    return _raise_finding(
        source=recommendation,
        note="The council's progress on this recommendation of the last inspection, and the peers' view of it.",
        review=recommendation.review,
        finding=finding,
        documents=documents,
        user=user,
        focus_areas=focus_areas,
    )


def _raise_finding(*, source, note: str, review: Review, finding: Finding, documents, user, focus_areas) -> Finding:
    """Saved whole or not at all: the finding, its focus areas and circumstances, and its evidence."""
    with transaction.atomic():
        finding.review = review
        finding.raised_by = user
        finding.stage = STAGE
        finding.save()
        finding.focus_areas.set(focus_areas)
        FindingEvidence.objects.bulk_create(
            FindingEvidence(
                finding=finding,
                content_type=ContentType.objects.get_for_model(item),
                object_id=item.pk,
                note=note if item is source else "A document the finding rests on.",
                added_by=user,
            )
            for item in [source, *documents]
        )
    return finding


def entry_counts(review: Review) -> dict[str, int]:
    return entry_counts_many([review])[review.pk]


def entry_counts_many(reviews: list[Review]) -> dict[int, dict[str, int]]:
    """Entry, request and recommendation counts for progress, for any number of reviews in four queries."""
    ids = [review.pk for review in reviews]
    counts = {
        pk: {
            "entries": 0,
            "submitted": 0,
            "accepted": 0,
            "reviewed": 0,
            "requests": 0,
            "requests_accepted": 0,
            "overdue": 0,
            "recommendations": 0,
            "assessed": 0,
        }
        for pk in ids
    }
    entries = (
        Entry.objects.filter(review_id__in=ids)
        .values("review_id")
        .annotate(
            entries=Count("id"),
            submitted=Count("id", filter=Q(status__in=[Entry.Status.SUBMITTED, Entry.Status.ACCEPTED])),
            accepted=Count("id", filter=Q(status=Entry.Status.ACCEPTED)),
            reviewed=Count("id", filter=Q(peer_analysis__isnull=False)),
        )
        .order_by()
    )
    for row in entries:
        counts[row.pop("review_id")].update(row)
    requests = (
        DocumentRequest.objects.filter(review_id__in=ids)
        .values("review_id")
        .annotate(requests=Count("id"), requests_accepted=Count("id", filter=Q(status=DocumentRequest.Status.ACCEPTED)))
        .order_by()
    )
    for row in requests:
        counts[row.pop("review_id")].update(row)
    overdue = (
        DocumentRequest.objects.filter(review_id__in=ids)
        .overdue()
        .values("review_id")
        .annotate(n=Count("id"))
        .order_by()
    )
    for row in overdue:
        counts[row["review_id"]]["overdue"] = row["n"]
    recommendations = (
        Recommendation.objects.filter(review_id__in=ids)
        .values("review_id")
        .annotate(recommendations=Count("id"), assessed=Count("id", filter=~Q(rag=Rag.NOT_ASSESSED)))
        .order_by()
    )
    for row in recommendations:
        counts[row.pop("review_id")].update(row)
    return counts


def entries_for(review: Review):
    """The review's entries, scope areas first then themes, with grades, analysis and document counts."""
    return (
        review.self_assessment_entries.select_related("scope_area", "theme", "grade", "peer_analysis__grade")
        .annotate(document_count=Count("documents"))
        .order_by("theme_id", "scope_area__order", "theme__order")
    )


def describe_gap(gap: int | None) -> str:
    if gap is None:
        return "Not comparable yet"
    if gap == 0:
        return "Same grade"
    grades = "grade" if abs(gap) == 1 else "grades"
    return f"Council {abs(gap)} {grades} {'higher' if gap > 0 else 'lower'}"


def grade_rows(review: Review, *, show_unpublished: bool) -> list[dict]:
    """Each entry with the council's grade beside the peers' (hidden until published unless asked), in one query."""
    rows = []
    for entry in entries_for(review):
        analysis = getattr(entry, "peer_analysis", None)
        if analysis is not None and not (show_unpublished or analysis.is_published):
            analysis = None
        gap = analysis.grade_gap() if analysis else None
        rows.append(
            {
                "entry": entry,
                "analysis": analysis,
                "difference": describe_gap(gap),
                "flag": gap is not None and abs(gap) > 1,
            }
        )
    return rows


# The last inspection and progress since it

LEADING_NUMBERING = re.compile(
    r"^\s*(?:\(?(?:\d{1,3}|[a-zA-Z]|[ivxIVX]{1,5})[.)](?:\s+|$)|[-\u2022*\u2013\u2014\u00b7\u25aa]\s*)"
)


def clean_pasted_line(line: str) -> str:
    """A pasted line without its leading number or bullet ("1.", "2)", "(a)", "-", "•") and outer spaces."""
    return LEADING_NUMBERING.sub("", line, count=1).strip()


def same_text(text: str) -> str:
    return " ".join(text.split()).casefold()


def import_recommendations(
    *, review: Review, kind: str, items: list[tuple[int, str]]
) -> tuple[list[Recommendation], list[int]]:
    """Add pasted items after the existing ones, all together; returns them and the line numbers already listed."""
    with transaction.atomic():
        inspection = Inspection.objects.select_for_update().get(review=review)
        existing = list(inspection.recommendations.values_list("order", "text"))
        seen = {same_text(text) for _order, text in existing}
        last = max((order for order, _text in existing), default=0)
        new, duplicates = [], []
        for number, text in items:
            if same_text(text) in seen:
                duplicates.append(number)
                continue
            seen.add(same_text(text))
            new.append(
                Recommendation(review=review, inspection=inspection, order=last + len(new) + 1, kind=kind, text=text)
            )
        Recommendation.objects.bulk_create(new)
    return new, duplicates


def findings_resting_on(recommendation: Recommendation):
    """The findings that have this recommendation among their evidence."""
    return Finding.objects.filter(
        evidence__content_type=ContentType.objects.get_for_model(Recommendation),
        evidence__object_id=recommendation.pk,
    ).distinct()


class ListChanged(Exception):
    """The item (a recommendation or a judgement) moved, changed or went after the page was opened; nothing was done."""


def _lock_list(recommendation: Recommendation) -> Recommendation | None:
    """Lock the inspection (which serialises every change to the order of its list), then the item itself."""
    Inspection.objects.select_for_update().filter(pk=recommendation.inspection_id).first()
    return Recommendation.objects.select_for_update(of=("self",)).filter(pk=recommendation.pk).first()


def move_recommendation(*, recommendation: Recommendation, up: bool, seen_order: int) -> int:
    """Swap an item with the one above or below it; returns its new place. The order stays unique and gap-free."""
    with transaction.atomic():
        item = _lock_list(recommendation)
        if item is None or item.order != seen_order:
            raise ListChanged
        target = item.order - 1 if up else item.order + 1
        neighbour = (
            Recommendation.objects.select_for_update(of=("self",))
            .filter(inspection_id=item.inspection_id, order=target)
            .first()
        )
        if neighbour is None:
            raise ValidationError(f"Item {item.order} is already {'first' if up else 'last'} on the list.")
        # Through a free place (0), so no two items share a place even for a moment.
        Recommendation.objects.filter(pk=item.pk).update(order=0)
        Recommendation.objects.filter(pk=neighbour.pk).update(order=item.order)
        Recommendation.objects.filter(pk=item.pk).update(order=target)
    return target


def delete_recommendation(*, recommendation: Recommendation, seen_version: int | None) -> None:
    """Delete an item with its progress and peers' view, then close the gap in the list; refused while it is evidence."""
    with transaction.atomic():
        item = _lock_list(recommendation)
        if item is None or item.version != seen_version:
            raise ListChanged
        if findings_resting_on(item).exists():
            raise ValidationError(
                f"Item {item.order} is evidence for a finding of the review, so it cannot be deleted: the finding "
                "would lose its evidence. If its wording is wrong, change the wording instead."
            )
        place = item.order
        item.delete()
        # One at a time, upwards: each item moves into the place just freed, so places stay unique.
        later = Recommendation.objects.filter(inspection_id=item.inspection_id, order__gt=place).order_by("order")
        for pk, order in list(later.values_list("pk", "order")):
            Recommendation.objects.filter(pk=pk).update(order=order - 1)


def delete_judgement(*, judgement: Judgement, seen_version: int | None) -> None:
    """Delete a judgement seen at `seen_version`, then close the gap in the order of the inspection's judgements."""
    with transaction.atomic():
        # The inspection row serialises every change to the order of its judgements.
        Inspection.objects.select_for_update().filter(pk=judgement.inspection_id).first()
        item = Judgement.objects.select_for_update().filter(pk=judgement.pk).first()
        if item is None or item.version != seen_version:
            raise ListChanged
        place = item.order
        item.delete()
        # One at a time, upwards: each judgement moves into the place just freed, so places stay unique.
        later = Judgement.objects.filter(inspection_id=item.inspection_id, order__gt=place).order_by("order")
        for pk, order in list(later.values_list("pk", "order")):
            Judgement.objects.filter(pk=pk).update(order=order - 1)


def recommendations_for(review: Review):
    """The review's recommendations in order, with the peers' view and linked documents, in two queries."""
    return (
        review.inspection_recommendations.select_related("peer_view")
        .prefetch_related(Prefetch("documents", queryset=EvidenceDocument.objects.order_by("title")))
        .order_by("order")
    )


def progress_rows(review: Review, *, show_unpublished: bool) -> list[dict]:
    """Each recommendation with the council's progress beside the peers' view (hidden until published unless asked)."""
    rows = []
    for recommendation in recommendations_for(review):
        view = getattr(recommendation, "peer_view", None)
        if view is not None and not (show_unpublished or view.is_published):
            view = None
        rows.append({"recommendation": recommendation, "peer_view": view})
    return rows


def rag_counts(rows: list[dict]) -> list[dict]:
    """How many recommendations the council and the peers put at each status, in one pass over the rows."""
    council = dict.fromkeys(Rag.values, 0)
    peers = dict.fromkeys(Rag.values, 0)
    for row in rows:
        council[row["recommendation"].rag] += 1
        peers[row["peer_view"].rag if row["peer_view"] else Rag.NOT_ASSESSED] += 1
    order = [Rag.RED, Rag.AMBER, Rag.GREEN, Rag.NOT_ASSESSED]
    return [{"rag": rag, "label": rag.label, "council": council[rag], "peers": peers[rag]} for rag in order]


def inspection_for(review: Review) -> Inspection | None:
    return Inspection.objects.filter(review=review).select_related("kind__grade_scale", "updated_by").first()


def judgements_for(inspection: Inspection | None) -> list:
    if inspection is None:
        return []
    return list(inspection.judgements.select_related("grade").order_by("order"))


def inspection_report_context(review: Review) -> dict:
    """The chapter "Progress since the last inspection", with every peer view as in the rest of the report."""
    inspection = inspection_for(review)
    rows = progress_rows(review, show_unpublished=True) if inspection else []
    return {
        "inspection": inspection,
        "judgements": judgements_for(inspection),
        "progress_rows": rows,
        "rag_counts": rag_counts(rows),
    }
