"""Seed the programme's default letter template, turn plain-text letters into HTML and keep their first version."""

import re
from html import escape
from itertools import groupby

from django.db import migrations

DEFAULT_NAME = "Default letter (programme)"

DEFAULT_TEMPLATE = {
    "salutation": "Dear {{ addressee.name }},",
    "opening": (
        "Thank you for hosting the children's safeguarding peer review of {{ council }}"
        "{% if dates.onsite_start %}, on site from {{ dates.onsite_start }} to {{ dates.onsite_end }}{% endif %}. "
        "On behalf of the peer team, thank you to you, your staff and your partners for the openness with which "
        "you welcomed us.\n\n"
        "This letter sets out what the team found and the priorities agreed at the feedback and prioritisation "
        "conference{% if dates.conference %} on {{ dates.conference }}{% endif %}. It is not an inspection "
        "judgement: it is the view of colleagues, offered to support your own improvement."
    ),
    "scope_heading": "The scope of the review",
    "scope": (
        "The review looked at how well {{ council }} and its partners keep children safe, across the scope areas "
        "below, the focus areas agreed at scoping and the specific circumstances of the children whose cases we "
        "followed."
    ),
    "work_heading": "What the team did",
    "work": (
        "The team read your self assessment and the evidence behind it, mapped cases with practitioners from every "
        "agency, validated a sample of your own audits, heard from staff, partners, parents and children, and met "
        "leaders, managers and partners on site."
        "{% if case_count %} The case sample held {{ case_count }} case{{ case_count|pluralize }}.{% endif %}"
    ),
    "strengths_heading": "Key strengths",
    "strengths": "The team agreed {{ strength_count }} key strength{{ strength_count|pluralize }}, set out by theme.",
    "areas_heading": "Areas for consideration",
    "areas": (
        "The team agreed {{ area_count }} area{{ area_count|pluralize }} for consideration, offered to help you "
        "build on your strengths."
    ),
    "priorities_heading": "Priorities",
    "priorities": (
        "{% if priority_count %}At the conference you and your partners agreed these priorities for improvement, "
        "in order:{% else %}The priorities for improvement are still to be agreed.{% endif %}"
    ),
    "next_steps_heading": "Next steps",
    "next_steps": (
        "You will agree an improvement plan against these priorities, with an owner, a date and a measure for each "
        "action. The peer team will check progress with you three months and twelve months after the review.\n\n"
        "If anything in this letter is unclear, please contact me."
    ),
    "sign_off": (
        "Yours sincerely,\n{{ lead.name }}\n{{ lead.role }}{% if lead.organisation %}, {{ lead.organisation }}"
        "{% endif %}\nOn behalf of the peer review team"
    ),
}

BULLET = re.compile(r"^[-*] +")
NUMBERED = re.compile(r"^\d+[.)] +")


def _kind(line: str) -> str:
    if BULLET.match(line):
        return "ul"
    if NUMBERED.match(line):
        return "ol"
    return "p"


def plain_text_to_html(text: str) -> str:
    """The first letters' plain text: blank lines between paragraphs, '## ' headings, '- ' and '1. ' list lines."""
    blocks = []
    for chunk in (text or "").replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in chunk.strip().split("\n") if line.strip()]
        if lines and lines[0].startswith("## "):
            blocks.append(f"<h2>{escape(lines[0][3:].strip())}</h2>")
            lines = lines[1:]
        for kind, group in groupby(lines, key=_kind):
            group = list(group)
            if kind == "p":
                blocks.append("<p>" + "<br>".join(escape(line) for line in group) + "</p>")
            else:
                pattern = BULLET if kind == "ul" else NUMBERED
                items = "".join(f"<li>{escape(pattern.sub('', line, count=1).strip())}</li>" for line in group)
                blocks.append(f"<{kind}>{items}</{kind}>")
    return "\n".join(blocks)


def forwards(apps, schema_editor):
    LetterTemplate = apps.get_model("conference", "LetterTemplate")
    Letter = apps.get_model("conference", "Letter")
    LetterVersion = apps.get_model("conference", "LetterVersion")
    if not LetterTemplate.objects.exists():
        LetterTemplate.objects.create(name=DEFAULT_NAME, is_current=True, **DEFAULT_TEMPLATE)
    for letter in Letter.objects.all():
        if not letter.body.lstrip().startswith("<"):
            letter.body = plain_text_to_html(letter.body)
            letter.save(update_fields=["body"])
        if not LetterVersion.objects.filter(letter=letter).exists():
            LetterVersion.objects.create(
                letter=letter,
                number=letter.version,
                body=letter.body,
                status=letter.status,
                event="Kept from before versions were recorded",
                created_by_id=letter.updated_by_id,
            )


def backwards(apps, schema_editor):
    apps.get_model("conference", "LetterTemplate").objects.filter(name=DEFAULT_NAME).delete()


class Migration(migrations.Migration):
    dependencies = [("conference", "0005_letter_templates_versions_comments")]

    operations = [migrations.RunPython(forwards, backwards)]
