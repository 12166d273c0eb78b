"""The feedback letter: drafted from the programme's template, edited, checked for factual accuracy by the council's
sponsor, then published; every version kept.

States: a draft is shared with the sponsor for factual accuracy, then published. While it is shared the lead may
still edit it (each save is a new version) and the sponsor always reads the latest version: a correction the lead
accepts is visible to the sponsor at once, and their comments keep the paragraph as it read when they commented.
The letter is published only once every comment is accepted or declined.
"""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe

from reviews import richtext, scope, stages
from reviews.docx import html_to_docx
from reviews.models import Finding, FocusArea, Review, ReviewMembership, Role
from reviews.notifications import services as notifications
from reviews.notifications.models import Notification

from .models import Letter, LetterComment, LetterTemplate, LetterVersion, render_wording
from .services import STAGE, draft_findings, findings_by_theme

DEFAULT_ADDRESSEE_ROLE = "Director of Children's Services"
MAX_COMMENT_LENGTH = 5000
STALE = "Someone else changed the letter since you opened it. Your changes were not saved."


# Who the letter is to and from


def lead_membership(review: Review) -> ReviewMembership | None:
    """The review's lead, who signs the letter (the challenge manager when there is no lead)."""
    memberships = review.memberships.select_related("user").filter(role__in=[Role.LEAD, Role.CHALLENGE_MANAGER])
    return min(memberships, key=lambda m: (m.role != Role.LEAD, m.pk), default=None)


def default_addressee(review: Review) -> tuple[str, str]:
    """The council's sponsor by name and job title, usually the Director of Children's Services."""
    sponsor = review.memberships.select_related("user").filter(role=Role.SPONSOR).order_by("pk").first()
    if sponsor is None:
        return "", DEFAULT_ADDRESSEE_ROLE
    return sponsor.user.get_full_name() or sponsor.user.get_username(), sponsor.job_title or DEFAULT_ADDRESSEE_ROLE


def _person(membership: ReviewMembership | None) -> dict:
    if membership is None:
        return {"name": "", "role": "", "organisation": ""}
    return {
        "name": membership.user.get_full_name() or membership.user.get_username(),
        "role": membership.job_title or membership.get_role_display(),
        "organisation": membership.organisation,
    }


def _day(value) -> str:
    return f"{value:%-d %B %Y}" if value else ""


# The draft


def wording_context(review: Review, *, addressee_name: str, addressee_role: str, counts: dict) -> dict:
    """What a template's placeholders may name: plain strings and numbers only."""
    return {
        "council": review.council.name,
        "review": review.title,
        "addressee": {"name": addressee_name, "role": addressee_role},
        "lead": _person(lead_membership(review)),
        "dates": {
            "onsite_start": _day(review.onsite_start),
            "onsite_end": _day(review.onsite_end),
            "conference": _day(review.conference_date),
            "letter_due": _day(review.letter_due),
            "today": _day(timezone.localdate()),
        },
        **counts,
    }


def _wording(text: str, context: dict) -> SafeString:
    """Wording as paragraphs: a blank line starts a paragraph, a single line break stays a line break."""
    rendered = render_wording(text, context).replace("\r\n", "\n")
    paragraphs = [chunk.strip() for chunk in rendered.split("\n\n") if chunk.strip()]
    # The rendered wording is escaped text (autoescape), so only the markup added here is HTML.
    return mark_safe("".join(f"<p>{chunk.replace(chr(10), '<br>')}</p>" for chunk in paragraphs))


def _heading(level: int, text: str, context: dict) -> SafeString:
    rendered = render_wording(text, context).strip()
    return format_html("<h{}>{}</h{}>", level, mark_safe(rendered), level) if rendered else mark_safe("")


def _list(items, tag: str = "ul") -> SafeString:
    items = list(items)
    if not items:
        return mark_safe("")
    return format_html("<{}>{}</{}>", tag, format_html_join("", "<li>{}</li>", ((item,) for item in items)), tag)


def _findings_html(groups: list[dict], key: str) -> SafeString:
    parts = [
        format_html("<h3>{}</h3>{}", group["theme"].name, _list(f.summary for f in group[key]))
        for group in groups
        if group[key]
    ]
    return mark_safe("".join(parts))


def stage_work(review: Review) -> list[tuple[str, str]]:
    """What the team did: each stage's progress summary, and the cases in the sample."""
    rows = [("Cases in the sample", str(review.cases.count()))]
    for stage in stages.all_stages():
        if stage.slug == STAGE:
            continue
        progress = stages.progress_for(stage, [review])[review.pk]
        rows.append((stage.title, progress.summary or f"{progress.done} of {progress.total}"))
    return rows


def draft_letter_html(
    review: Review, *, addressee_name: str, addressee_role: str, template: LetterTemplate | None = None
) -> str:
    """The letter written from the programme's current template, the agreed findings and the priorities."""
    template = template or LetterTemplate.objects.current()
    if template is None:
        raise ValidationError("There is no current letter template. An administrator sets one in the admin.")
    findings = review.findings.filter(status__in=[Finding.Status.AGREED, Finding.Status.PUBLISHED])
    groups = findings_by_theme(review, findings.select_related("theme").order_by("theme__order", "pk"))
    priorities = list(review.priorities.numbered())
    counts = {
        "strength_count": sum(len(group["strengths"]) for group in groups),
        "area_count": sum(len(group["areas"]) for group in groups),
        "priority_count": len(priorities),
        "case_count": review.cases.count(),
    }
    context = wording_context(review, addressee_name=addressee_name, addressee_role=addressee_role, counts=counts)
    focus = list(scope.focus_areas(review))
    team = review.memberships.select_related("user").filter(
        role__in=[Role.LEAD, Role.CHALLENGE_MANAGER, Role.PEER, Role.CASE_AUDITOR]
    )
    address = [line for line in [addressee_name, addressee_role, review.council.name] if line]
    parts = [
        format_html("<p>{}</p>", mark_safe("<br>".join(escape(line) for line in address))),
        _wording(template.salutation, context),
        _wording(template.opening, context),
        _heading(2, template.scope_heading, context),
        _wording(template.scope, context),
        format_html("<h3>Scope areas</h3>{}", _list(a.title for a in scope.scope_areas(review))),
        format_html("<h3>Focus areas</h3>{}", _list(a.title for a in focus if a.kind == FocusArea.Kind.FOCUS)),
        format_html(
            "<h3>Specific circumstances</h3>{}",
            _list(a.title for a in focus if a.kind == FocusArea.Kind.CIRCUMSTANCE),
        ),
        _heading(2, template.work_heading, context),
        _wording(template.work, context),
        _list(format_html("{}: {}", title, summary) for title, summary in stage_work(review)),
        format_html(
            "<h3>The peer team</h3>{}",
            _list(
                ", ".join(
                    part
                    for part in [m.user.get_full_name() or m.user.get_username(), m.get_role_display(), m.organisation]
                    if part
                )
                for m in sorted(team, key=lambda m: (m.role, m.pk))
            ),
        ),
        _heading(2, template.strengths_heading, context),
        _wording(template.strengths, context),
        _findings_html(groups, "strengths"),
        _heading(2, template.areas_heading, context),
        _wording(template.areas, context),
        _findings_html(groups, "areas"),
        _heading(2, template.priorities_heading, context),
        _wording(template.priorities, context),
        _list((p.title for p in priorities), tag="ol"),
        _heading(2, template.next_steps_heading, context),
        _wording(template.next_steps, context),
        _wording(template.sign_off, context),
    ]
    return richtext.sanitise_html("".join(parts))


# Versions


def _record_version(letter: Letter, *, user, event: str) -> LetterVersion:
    return LetterVersion.objects.create(
        letter=letter,
        number=letter.version,
        body=letter.body,
        status=letter.status,
        event=event,
        created_by=user if user and user.is_authenticated else None,
    )


def _locked(letter: Letter) -> Letter:
    return Letter.objects.select_for_update().get(pk=letter.pk)


def generate_letter(*, review: Review, user, addressee_name: str, addressee_role: str) -> Letter:
    """Write the draft from the current template; an existing draft is replaced (its earlier versions are kept)."""
    with transaction.atomic():
        letter = Letter.objects.select_for_update().filter(review=review).first()
        if letter is not None and letter.is_published:
            raise ValidationError("The letter is published; it cannot be drafted again.")
        if letter is not None and letter.is_shared:
            raise ValidationError(
                "The draft is shared with the sponsor for factual accuracy; edit it rather than drafting it again, "
                "so their comments still point at the right paragraphs."
            )
        body = draft_letter_html(review, addressee_name=addressee_name, addressee_role=addressee_role)
        if letter is None:
            letter = Letter(review=review)
        else:
            letter.version += 1
        letter.addressee_name = addressee_name
        letter.addressee_role = addressee_role
        letter.body = body
        letter.updated_by = user
        letter.save()
        _record_version(letter, user=user, event="Drafted from the review")
    return letter


def save_letter(
    *,
    letter: Letter,
    body: str,
    version: int,
    user,
    addressee_name: str | None = None,
    addressee_role: str | None = None,
) -> Letter:
    """Save an edit: the body is sanitised again here, whatever sent it; a stale version is refused."""
    body = richtext.sanitise_html(body)
    if not body:
        raise ValidationError("Enter the text of the letter.")
    with transaction.atomic():
        locked = _locked(letter)
        if locked.version != version:
            raise ValidationError(STALE)
        if locked.is_published:
            raise ValidationError("The letter is published; it cannot be changed.")
        locked.body = body
        if addressee_name is not None:
            locked.addressee_name = addressee_name
        if addressee_role is not None:
            locked.addressee_role = addressee_role
        locked.version += 1
        locked.updated_by = user
        locked.save()
        _record_version(locked, user=user, event="Edited")
    return locked


def sponsors(review: Review):
    return review.memberships.select_related("user").filter(role=Role.SPONSOR).order_by("pk")


def share_letter(*, letter: Letter, user) -> Letter:
    """Share the draft with the council's sponsor for factual accuracy."""
    with transaction.atomic():
        locked = _locked(letter)
        if locked.is_published:
            raise ValidationError("The letter is already published.")
        if locked.is_shared:
            raise ValidationError("The draft is already shared with the sponsor.")
        if not sponsors(locked.review).exists():
            raise ValidationError(
                "The review has no sponsor to share the draft with. Add the council's sponsor to the review first."
            )
        locked.status = Letter.Status.SHARED
        locked.shared_at = timezone.now()
        locked.version += 1
        locked.updated_by = user
        locked.save()
        _record_version(locked, user=user, event="Shared with the sponsor for factual accuracy")
        _tell_council_of_share(locked)
    return locked


def _tell_council_of_share(letter: Letter) -> None:
    """The sponsor, who comments, and the organiser, who arranges the council's side, hear of the shared draft
    in the app and by email as each chose. Only the sponsor may read the draft, so only theirs links to it."""
    review = letter.review
    due = f" The letter is due on {review.letter_due:%-d %B %Y}." if review.letter_due else ""
    for membership in review.memberships.select_related("user").filter(role__in=[Role.SPONSOR, Role.ORGANISER]):
        if membership.role == Role.SPONSOR:
            title = f"The draft feedback letter of {review.title} is shared with you for factual accuracy"
            body = (
                "Read the draft and comment on any paragraph that is not factually accurate. The peer lead answers "
                f"each comment before the letter is published.{due}"
            )
            link = reverse("conference:letter", args=[review.pk])
        else:
            title = f"The draft feedback letter of {review.title} is shared with the sponsor for factual accuracy"
            body = f"The council's sponsor can now comment on each paragraph of the draft.{due}"
            link = review.get_absolute_url()
        notifications.notify(
            recipient=membership.user,
            review=review,
            kind=Notification.Kind.LETTER,
            title=title,
            body=body,
            link=link,
        )


def add_comment(*, letter: Letter, paragraph: int, text: str, user) -> LetterComment:
    """The sponsor's comment on one paragraph of the draft as it stands now."""
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": "Enter your comment."})
    if len(text) > MAX_COMMENT_LENGTH:
        raise ValidationError({"text": f"Your comment can be at most {MAX_COMMENT_LENGTH:,} characters."})
    with transaction.atomic():
        locked = _locked(letter)
        if not locked.is_shared:
            raise ValidationError("The letter is no longer open for comments on its factual accuracy.")
        parts = locked.blocks()
        if not 1 <= paragraph <= len(parts):
            raise ValidationError(
                {"paragraph": f"There is no paragraph {paragraph}: the letter has paragraphs 1 to {len(parts)}."}
            )
        return LetterComment.objects.create(
            letter=locked,
            paragraph=paragraph,
            version=locked.version,
            quoted=parts[paragraph - 1],
            text=text,
            author=user,
        )


ACCEPT, DECLINE = "accept", "decline"


def resolve_comment(
    *, comment: LetterComment, decision: str, response: str, paragraph_html: str, version: int, user
) -> LetterComment:
    """Accept a comment with an edit of its paragraph (a new version of the letter), or decline it with a reason."""
    with transaction.atomic():
        letter = _locked(comment.letter)
        comment = LetterComment.objects.select_for_update().get(pk=comment.pk)
        if letter.version != version:
            raise ValidationError(STALE)
        if letter.is_published:
            raise ValidationError("The letter is published; its comments are closed.")
        if not comment.is_open:
            raise ValidationError("This comment has already been resolved.")
        if decision == ACCEPT:
            try:
                body = richtext.replace_block(letter.body, comment.paragraph, paragraph_html)
            except IndexError:
                raise ValidationError(
                    {"paragraph_html": f"The letter no longer has a paragraph {comment.paragraph}; edit the letter."}
                ) from None
            if body != letter.body:
                letter.body = body
                letter.version += 1
                letter.updated_by = user
                letter.save()
                _record_version(letter, user=user, event=f"Paragraph {comment.paragraph} changed after a comment")
            comment.status = LetterComment.Status.ACCEPTED
            comment.resolved_in_version = letter.version
        elif decision == DECLINE:
            if not response.strip():
                raise ValidationError({"response": "Enter why the comment is declined."})
            comment.status = LetterComment.Status.DECLINED
        else:
            raise ValidationError({"decision": "Choose whether to accept or decline the comment."})
        comment.response = response.strip()
        comment.resolved_by = user
        comment.resolved_at = timezone.now()
        comment.save()
    return comment


def open_comment_count(letter: Letter) -> int:
    return letter.comments.filter(status=LetterComment.Status.OPEN).count()


def publish_letter(*, letter: Letter, user, include_drafts: bool = False) -> int:
    """Publish the letter and the agreed findings to the host side; draft findings stay drafts unless asked.

    Refused while any factual-accuracy comment is open."""
    with transaction.atomic():
        locked = _locked(letter)
        if locked.is_published:
            raise ValidationError("The letter is already published.")
        remaining = open_comment_count(locked)
        if remaining:
            raise ValidationError(
                f"{remaining} comment{'s' if remaining != 1 else ''} from the factual-accuracy round "
                f"{'is' if remaining == 1 else 'are'} still open. Accept or decline "
                f"{'it' if remaining == 1 else 'each one'} before publishing."
            )
        review = locked.review
        if draft_findings(review).exists() and not include_drafts:
            raise ValidationError("Some findings are still draft. Confirm to publish without them.")
        published = review.findings.filter(status=Finding.Status.AGREED).update(
            status=Finding.Status.PUBLISHED, updated_at=timezone.now()
        )
        locked.status = Letter.Status.PUBLISHED
        locked.published_at = timezone.now()
        locked.updated_by = user
        locked.version += 1
        locked.save()
        _record_version(locked, user=user, event="Published to the council")
    return published


# Reading the letter


def numbered_blocks(letter: Letter, comments: list[LetterComment]) -> list[dict]:
    """Each block of the letter with its number and the comments made on that paragraph number."""
    by_paragraph: dict[int, list[LetterComment]] = {}
    for comment in comments:
        by_paragraph.setdefault(comment.paragraph, []).append(comment)
    parts = letter.blocks()
    rows = [
        {"number": number, "html": html, "comments": by_paragraph.pop(number, [])}
        for number, html in enumerate(parts, start=1)
    ]
    # Comments on paragraphs the letter no longer has stay visible, at the end.
    leftover = [comment for number in sorted(by_paragraph) for comment in by_paragraph[number]]
    if leftover and rows:
        rows[-1]["comments"].extend(leftover)
    return rows


def comments_for(letter: Letter) -> list[LetterComment]:
    return list(letter.comments.select_related("author", "resolved_by").order_by("paragraph", "created_at", "pk"))


def versions_for(letter: Letter):
    return letter.versions.select_related("created_by").order_by("-number")


def comment_counts(letter: Letter) -> dict[str, int]:
    return letter.comments.aggregate(
        total=Count("pk"),
        open=Count("pk", filter=Q(status=LetterComment.Status.OPEN)),
    )


def document_context(review: Review, letter: Letter, body: str | None = None) -> dict:
    return {
        "review": review,
        "letter": letter,
        "body": letter.body if body is None else body,
        "generated_at": timezone.now(),
    }


def document_title(review: Review) -> str:
    return f"Feedback letter: {review.title}"


def letter_docx(review: Review, letter: Letter) -> bytes:
    """The letter as a Word document, from the same page the PDF is made from."""
    html = render_to_string("reports/letter.html", document_context(review, letter))
    return html_to_docx(html, title=document_title(review))
