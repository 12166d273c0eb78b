"""Fails if a log holds personal data or case text: the names and addresses of the site's people, what happened in
a case's chronology, or what someone wrote in a questionnaire; or anything that could tell who answered one: the
secret of a questionnaire's link, or a network address in an access-log line of a questionnaire or a vote.

Run by `.ci/production` after the journey, with the production environment, against the logs of gunicorn, the
worker and beat:

    .venv/bin/python e2e/scan_logs.py access.log gunicorn.log worker.log beat.log
"""

import os
import re
import sys
from pathlib import Path

import django

ADDRESS = re.compile(r"\b\d{1,3}(?:\.\d{1,3}){3}\b")  # the journey runs on 127.0.0.1
MIN_TEXT = 24  # shorter snippets of text (such as "Yes") would match by chance


def sensitive_strings() -> dict[str, str]:
    """What must never be logged, each with a label that says what it is without repeating it."""
    from django.contrib.auth import get_user_model

    from casemapping.models import Event
    from focusgroups.models import Answer, Questionnaire

    found: dict[str, str] = {}
    for user in get_user_model().objects.all():
        name = f"{user.first_name} {user.last_name}".strip()
        if user.first_name and user.last_name:
            found[name] = f"the name of user {user.pk}"
        if user.email:
            found[user.email] = f"the email address of user {user.pk}"
    for event in Event.objects.exclude(summary=""):
        if len(event.summary) >= MIN_TEXT:
            found[event.summary[:60]] = f"the chronology of event {event.pk}"
    for questionnaire in Questionnaire.objects.exclude(token=""):
        found[f"/q/{questionnaire.token}"] = f"the link of questionnaire {questionnaire.pk}"
    for answer in Answer.objects.exclude(text=""):
        if len(answer.text) >= MIN_TEXT:
            found[answer.text[:60]] = f"the free text of answer {answer.pk}"
    return found


def main(paths: list[str]) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "peerreview.settings")
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    django.setup()
    secrets = sensitive_strings()
    problems = []
    for path in paths:
        text = Path(path).read_text(errors="replace")
        for value, label in secrets.items():
            if value in text:
                problems.append(f"{Path(path).name} holds {label}")
        for number, line in enumerate(text.splitlines(), start=1):
            if re.search(r'"[A-Z]+ /(?:q|vote)/', line) and ADDRESS.search(line):
                problems.append(f"{Path(path).name} line {number} gives the address of someone answering anonymously")
    if problems:
        print("Personal data or case text reached the logs:", *problems, sep="\n  ", file=sys.stderr)
        return 1
    print(f"{len(paths)} logs scanned for {len(secrets)} names, addresses and pieces of case text: none found.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
