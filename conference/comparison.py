"""The earlier review's improvement plan: where its actions stand now.

Actions are counted by status, and those not done are listed with their priority, owner and due
date. Plan actions are shared with the council in both reviews, and hold no case-level records.
"""

from reviews.comparison import ComparisonRow, ComparisonTable, Direction
from reviews.models import Review

from .models import Action


def compare(review: Review, earlier: Review) -> list[ComparisonTable]:
    actions = list(
        Action.objects.filter(priority__review=earlier)
        .with_current_rag()
        .select_related("priority")
        .order_by("priority__order", "due_date", "pk")
    )
    if not actions:
        return []
    counts = dict.fromkeys(Action.Status.values, 0)
    for action in actions:
        counts[action.status] += 1
    total = len(actions)
    rows = [
        ComparisonRow(label, f"{counts[status]} of {total}", "-", Direction.NOT_COMPARABLE)
        for status, label in Action.Status.choices
    ]
    open_actions = [
        f"{action.description} (priority: {action.priority.title}; {action.owner_role}, {action.owner_agency}; "
        f"due {action.due_date:%-d %B %Y}; {action.get_status_display().lower()}, "
        f"{action.rag_now_label.lower()})"
        for action in actions
        if action.status != Action.Status.DONE
    ]
    return [
        ComparisonTable(
            "The earlier review's improvement plan",
            rows,
            "Status of its actions",
            "How far the council got with the plan agreed after the earlier review.",
            list_title="Actions not completed",
            list_items=open_actions,
            summary=f"{counts[Action.Status.DONE]} of {total} actions in the earlier plan done, "
            f"{total - counts[Action.Status.DONE]} not completed",
            earlier_only=True,
        )
    ]
