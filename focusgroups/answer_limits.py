"""How many answers a questionnaire's public link takes: per network address, then per link, in a window of ten
minutes, with what to tell someone sending past a limit. What they wrote is kept on the page for them to send
again."""

from django.conf import settings
from django.http import HttpRequest

from reviews import throttle

from .models import Questionnaire

ANSWER_WINDOW_SECONDS = 600
TOO_MANY_ANSWERS = (
    "Your answers have not been sent yet: a lot of answers have come from your network in the last few minutes. "
    "Wait {minutes} minutes, then press the button at the end again. What you wrote is still here."
)
TOO_MANY_FOR_LINK = (
    "Your answers have not been sent yet: a lot of answers have been sent with this link in the last few minutes. "
    "Wait {minutes} minutes, then press the button at the end again. What you wrote is still here."
)


def refusing(request: HttpRequest, questionnaire: Questionnaire) -> str | None:
    """What to tell someone sending answers past a limit (None when within them): per network address first, then
    per questionnaire link, the link counted only for sends their address's limit lets through, so that one
    address sending too many cannot hold up everyone else's answers."""
    by_address = throttle.Limit("answer-address", settings.QUESTIONNAIRE_ANSWERS_PER_ADDRESS, ANSWER_WINDOW_SECONDS)
    by_link = throttle.Limit("answer-link", settings.QUESTIONNAIRE_ANSWERS_PER_LINK, ANSWER_WINDOW_SECONDS)
    refused = throttle.hit_in_turn(
        (by_address, (throttle.client_address(request) or "",)), (by_link, (questionnaire.token,))
    )
    if refused is None:
        return None
    return (TOO_MANY_ANSWERS if refused is by_address else TOO_MANY_FOR_LINK).format(minutes=refused.minutes)
