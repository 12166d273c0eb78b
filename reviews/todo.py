"""What is each person's to do, and what needs a reminder today: a registry the stage apps add to.

Each stage app registers, in its AppConfig.ready(), a `tasks(user, today)` callable (the open items that are
this person's, across every review they are a member of, in a fixed number of queries) and optionally a
`reminders(today)` callable (the open items that need a reminder today). The home page and the scheduled
reminders iterate the registry, so `reviews` never imports a stage app.
"""

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

# How many days ahead "due soon" reminders look, and how often an overdue item is reminded of again.
DUE_SOON_DAYS = 3
OVERDUE_EVERY_DAYS = 7


@dataclass(frozen=True)
class Task:
    """One thing for one person to do."""

    review_id: int
    review_title: str
    kind: str  # what sort of work, such as "Document request"
    title: str
    url: str
    due: datetime.date | None = None
    note: str = ""  # such as why it came back

    def is_overdue(self, today: datetime.date) -> bool:
        return self.due is not None and self.due < today


@dataclass(frozen=True)
class Reminder:
    """A reminder a stage wants sent today, about one open item, to one person."""

    recipient_id: int
    review: Any  # the Review, or None
    item: str  # such as "selfassessment.documentrequest:12"
    kind: str  # a Notification.Kind value
    title: str
    link: str
    body: str = ""


@dataclass(frozen=True)
class Source:
    name: str
    tasks: Callable[[Any, datetime.date], list[Task]]
    reminders: Callable[[datetime.date], list[Reminder]] | None = None


_registry: dict[str, Source] = {}


def register(source: Source) -> None:
    existing = _registry.get(source.name)
    if existing is not None and existing != source:
        raise ValueError(f"A different source of tasks is already registered as {source.name!r}.")
    _registry[source.name] = source


def unregister(name: str) -> None:
    _registry.pop(name, None)


def sources() -> list[Source]:
    return [_registry[name] for name in sorted(_registry)]


def tasks_for(user, *, today: datetime.date) -> list[Task]:
    """Everything that is the user's to do across their reviews: overdue first, then by due date, undated last."""
    found = [task for source in sources() for task in source.tasks(user, today)]
    return sorted(
        found,
        key=lambda task: (
            not task.is_overdue(today),
            task.due is None,
            task.due or datetime.date.max,
            task.review_title,
            task.title,
        ),
    )


def reminders_due(today: datetime.date) -> list[Reminder]:
    return [reminder for source in sources() if source.reminders for reminder in source.reminders(today)]


def reminder_kind(due: datetime.date, today: datetime.date) -> str | None:
    """Whether an open item due on `due` needs a reminder today: "due_soon" exactly DUE_SOON_DAYS before,
    "overdue" the day after, then every OVERDUE_EVERY_DAYS days while it stays open; otherwise None."""
    if due == today + datetime.timedelta(days=DUE_SOON_DAYS):
        return "due_soon"
    late = (today - due).days
    if late >= 1 and late % OVERDUE_EVERY_DAYS == 1:
        return "overdue"
    return None


def reminder_dates(today: datetime.date) -> list[datetime.date]:
    """The due dates that need a reminder today (a stage filters its open items on them in one query)."""
    return [today + datetime.timedelta(days=DUE_SOON_DAYS)] + [
        today - datetime.timedelta(days=1 + OVERDUE_EVERY_DAYS * weeks) for weeks in range(0, 53)
    ]
