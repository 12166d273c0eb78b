"""Rules for the dates people type: inside the window a review can have, and in order with a child's life."""

from datetime import date

from django.core.exceptions import ValidationError
from django.utils import timezone

EARLIEST_DATE = date(2000, 1, 1)
LATEST_DATE = date(2100, 12, 31)
WINDOW_MESSAGE = "Enter a date between 1 January 2000 and 31 December 2100."

# The oldest a child of each age band (Case.AgeBand) can be at the review, in years; an unborn child's
# work starts in pregnancy, so the year before the review.
OLDEST_AGE = {"unborn": 0, "0": 0, "1-4": 4, "5-9": 9, "10-15": 15, "16-17": 17, "18+": 25}


def review_date_validator(value: date) -> None:
    """A date of a review (a meeting, an event, a due or closing date, the schedule) between 2000 and 2100."""
    if value is not None and not EARLIEST_DATE <= value <= LATEST_DATE:
        raise ValidationError(WINDOW_MESSAGE, code="date_window")


def earliest_birth_year(age_band: str, as_of: date) -> int | None:
    """The earliest year a child of the age band can have been born, at `as_of`; None for an unknown band."""
    oldest = OLDEST_AGE.get(age_band)
    return None if oldest is None else as_of.year - oldest - 1


def check_chronology_date(day: date, *, age_band: str, as_of: date) -> None:
    """An event in a child's chronology is no later than today and no earlier than the child's birth year.

    `as_of` is when the age band was true: the review's on-site week, or today before one is set. A date
    outside the review window is left to `review_date_validator`, so that it gets one message.
    """
    if not EARLIEST_DATE <= day <= LATEST_DATE:
        return
    if day > timezone.localdate():
        raise ValidationError(
            {"date": f"{day:%-d %B %Y} is in the future; a chronology records what has happened."}, code="future_event"
        )
    earliest = earliest_birth_year(age_band, as_of)
    if earliest is not None and day.year < earliest:
        raise ValidationError(
            {
                "date": f"The event must be in {earliest} or later: a child in this age band "
                f"was born in {earliest} at the earliest."
            },
            code="before_birth",
        )


def check_has_happened(day: date, *, what: str, done: str = "held") -> None:
    """Something recorded as held or done (a session, a workshop, a check) is on or before today.

    Planning ahead is fine; calling it held is not, until the day comes. `what` names it in the message,
    such as "A session"; `done` is what it is recorded as ("held", "done").
    """
    if day is not None and EARLIEST_DATE <= day <= LATEST_DATE and day > timezone.localdate():
        raise ValidationError(
            f"{what} on {day.day} {day:%B %Y} has not happened yet: record it as {done} once that day has come.",
            code="not_yet_happened",
        )
