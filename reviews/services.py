"""Workflows that span several models or have side effects (files, tasks)."""

import hashlib
import logging
import uuid
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from . import baseline, scope, storage
from .evidence import describe_evidence  # noqa: F401 (pages describe evidence through the services)
from .models import (
    DocumentVersion,
    EvidenceDocument,
    Notification,
    Report,
    ReportSharing,
    Review,
    ScopeArea,
    Theme,
)
from .notifications import services as notifications
from .pdf import render_document
from .uploads import validate_upload

logger = logging.getLogger(__name__)

# The conference stage adds the improvement-plan report when it lands.
REQUESTABLE_REPORT_KINDS = {Report.Kind.BASELINE: Report.Kind.BASELINE.label}


def request_report(*, review: Review, kind: str, user: AbstractBaseUser) -> tuple[Report, bool]:
    """Queue a report, or return the one of that kind already queued or running."""
    from .rendering import start_rendering

    with transaction.atomic():
        # The review row is the lock that serialises requests for its reports.
        Review.objects.select_for_update().filter(pk=review.pk).first()
        review.reports.fail_stale()  # a report lost with its worker must not block a new one
        active = review.reports.active().filter(kind=kind).first()
        if active is not None:
            return active, False
        latest = review.reports.filter(kind=kind).aggregate(latest=Max("version"))["latest"] or 0
        try:
            with transaction.atomic():
                report = Report.objects.create(review=review, kind=kind, version=latest + 1, requested_by=user)
        except IntegrityError:
            # Another request won the race; the database's constraint keeps it to one.
            return review.reports.active().get(kind=kind), False
        transaction.on_commit(lambda: start_rendering(report_id=report.pk))
    return report, True


def retry_report(*, report: Report, user: AbstractBaseUser) -> tuple[bool, str]:
    """Queue a failed report again, made from the records as they are now: asked for by `user` now."""
    from .rendering import start_rendering

    with transaction.atomic():
        locked = Report.objects.select_for_update().get(pk=report.pk)
        if locked.status != Report.Status.FAILED:
            return False, "Only a report that failed can be tried again."
        if Report.objects.active().filter(review_id=locked.review_id, kind=locked.kind).exists():
            return False, "Another report of this kind is being prepared; wait for it to finish."
        locked.status = Report.Status.QUEUED
        locked.error = ""
        locked.requested_by = user
        locked.requested_at = timezone.now()
        locked.started_at = None
        locked.finished_at = None
        locked.save()
        transaction.on_commit(lambda: start_rendering(report_id=locked.pk))
    return True, ""


@dataclass(frozen=True)
class ReportBuilder:
    """How one kind of report is made: its PDF template and data, and optionally Word and PowerPoint copies.

    `docx` and `pptx` take the same context as the template and return the file's bytes.
    """

    template_name: str
    make_context: Callable[[Review], dict]
    docx: Callable[[dict], bytes] | None = None
    pptx: Callable[[dict], bytes] | None = None


@dataclass
class BuiltReport:
    pdf: bytes
    page_count: int
    office_files: dict[str, bytes] = field(default_factory=dict)  # extension -> bytes


REPORT_BUILDERS: dict[str, ReportBuilder] = {
    Report.Kind.BASELINE: ReportBuilder(baseline.TEMPLATE, baseline.baseline_context, docx=baseline.baseline_docx),
}


def report_context(report: Report) -> tuple[ReportBuilder, dict]:
    if report.kind not in REPORT_BUILDERS:
        raise ValueError(f"No template is set up for the {report.get_kind_display().lower()}.")
    builder = REPORT_BUILDERS[report.kind]
    context = builder.make_context(report.review)
    context["report"] = report
    return builder, context


def build_report(report: Report) -> BuiltReport:
    """Every file of a report, from one context so the PDF and its Word or PowerPoint copy agree."""
    builder, context = report_context(report)
    rendered = render_document(builder.template_name, context)
    built = BuiltReport(pdf=rendered.content, page_count=rendered.page_count)
    for extension, make in (("docx", builder.docx), ("pptx", builder.pptx)):
        if make is not None:
            built.office_files[extension] = make(context)
    return built


def build_file(builder: ReportBuilder, context: dict, extension: str) -> bytes:
    """One file of a builder's document, for a document made on request and downloaded at once rather than
    stored as a Report. ValueError if the builder makes no such file."""
    if extension == "pdf":
        return render_document(builder.template_name, context).content
    make = {"docx": builder.docx, "pptx": builder.pptx}.get(extension)
    if make is None:
        raise ValueError(f"This document has no {extension} copy.")
    return make(context)


def build_report_pdf(report: Report) -> bytes:
    return build_report(report).pdf


# Evidence documents


def _digest(uploaded_file) -> tuple[str, int]:
    """The SHA-256 and size of an upload, read chunk by chunk before it is stored.

    Measured beforehand rather than on the way into the storage: an object store reads the file its own way
    (in parts, from several threads), where the file system takes it chunk by chunk.
    """
    digest, size = hashlib.sha256(), 0
    for chunk in uploaded_file.chunks():
        digest.update(chunk)
        size += len(chunk)
    uploaded_file.seek(0)
    return digest.hexdigest(), size


def store_document(
    *,
    review: Review,
    user: AbstractBaseUser,
    uploaded_file,
    title: str,
    description: str = "",
    kind: str = EvidenceDocument.Kind.OTHER,
    themes: Iterable[Theme] = (),
    scope_areas: Iterable[ScopeArea] = (),
    document: EvidenceDocument | None = None,
) -> EvidenceDocument:
    """Check and store an uploaded file as a new document, or as the next version of `document`.

    The file goes to the private storage under a random name; the rows are written in one
    transaction, and if they fail the stored file is removed again, so nothing is half-saved.
    """
    detected = validate_upload(uploaded_file)
    themes, scope_areas = list(themes), list(scope_areas)
    if document is not None and document.review_id != review.pk:
        raise ValidationError("The document belongs to another review.")
    if any(theme.framework_id != review.framework_id for theme in themes) or not all(
        scope.belongs_to(review, area) for area in scope_areas
    ):
        raise ValidationError("Choose themes and scope areas of this review's framework.")
    original_name = uploaded_file.name
    sha256, size = _digest(uploaded_file)
    content = File(uploaded_file, name=f"{uuid.uuid4().hex}{detected.extension}")
    stored_name = ""
    try:
        with transaction.atomic():
            if document is None:
                document = EvidenceDocument(
                    review=review, title=title, description=description, kind=kind, created_by=user
                )
                document.full_clean()
                document.save()
                document.themes.set(themes)
                document.scope_areas.set(scope_areas)
            else:
                # The document row is the lock that numbers concurrent replacements one after another.
                document = EvidenceDocument.objects.select_for_update().get(pk=document.pk, review=review)
            number = (document.versions.aggregate(latest=Max("number"))["latest"] or 0) + 1
            version = DocumentVersion(
                document=document,
                number=number,
                original_name=original_name,
                content_type=detected.content_type,
                uploaded_by=user,
            )
            with storage.writing():
                stored_name = version.file.storage.save(f"documents/{content.name}", content)
            version.file.name = stored_name
            version.size = size
            version.sha256 = sha256
            version.save()
            document.version_count = number
            document.save(update_fields=["version_count"])
    except BaseException:
        storage.delete_quietly(stored_name)
        raise
    return document


def share_report(report: Report, user: AbstractBaseUser) -> bool:
    """Let the council's side of the review read and download a finished report, and tell each of them so; who
    shared it, and when, is kept with the report. False, and no one is told again, if it was already shared."""
    from .permissions import HOST_SIDE

    review = report.review
    with transaction.atomic():
        shared = Report.objects.filter(pk=report.pk, shared_with_host=False).update(shared_with_host=True)
        if not shared:
            return False
        ReportSharing.objects.create(report=report, action=ReportSharing.Action.SHARED, by=user)
        what = f"{report.get_kind_display()} version {report.version}"
        for membership in review.memberships.filter(role__in=HOST_SIDE).select_related("user"):
            notifications.notify(
                recipient=membership.user,
                review=review,
                kind=Notification.Kind.REPORT,
                title=f"The peer team has shared the {what.lower()} of {review.title} with you",
                body="Read it or download it from the review's reports.",
                link=reverse("reviews:reports", args=[review.pk]),
            )
    return True


def withdraw_report(report: Report, user: AbstractBaseUser) -> bool:
    """Take a shared report back from the council's side; who withdrew it, and when, is kept with the report.
    False, and nothing kept, if it was not shared."""
    with transaction.atomic():
        if not Report.objects.filter(pk=report.pk, shared_with_host=True).update(shared_with_host=False):
            return False
        ReportSharing.objects.create(report=report, action=ReportSharing.Action.WITHDRAWN, by=user)
    return True
