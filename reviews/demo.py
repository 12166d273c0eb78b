"""Helpers for demo data that every stage's `demo` hook can use. Demo data is fictional, always."""

import datetime
from typing import Any, TypeVar

from django.db import models

from .exports import to_xlsx

M = TypeVar("M", bound=models.Model)


def upsert(model: type[M], lookup: dict[str, Any], values: dict[str, Any], *, bump_version: bool = False) -> M:
    """Find a record by its natural key; create it, or save it only when a value differs."""
    obj = model._default_manager.filter(**lookup).order_by("pk").first()
    if obj is None:
        obj = model(**lookup, **values)
        obj.full_clean()
        obj.save()
        return obj
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        if bump_version:
            obj.version += 1  # type: ignore[attr-defined]
        obj.full_clean()
        obj.save()
    return obj


def moved(day: datetime.date, years: int) -> datetime.date:
    """The same day `years` later (earlier when negative); 29 February becomes the 28th in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def demo_pdf(title: str, lines: list[str]) -> bytes:
    """A small valid one-page PDF of text, written by hand so demo data needs no renderer."""

    def escape(text: str) -> str:
        text = text.encode("latin-1", "replace").decode("latin-1")
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    text = ["BT", "/F1 16 Tf", "72 770 Td", f"({escape(title)}) Tj", "/F1 11 Tf", "0 -28 Td"]
    for line in lines[:50]:
        text += [f"({escape(line)}) Tj", "0 -15 Td"]
    text.append("ET")
    stream = "\n".join(text).encode("latin-1")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> "
        b"/Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def demo_xlsx(rows: list[list]) -> bytes:
    """A one-sheet Excel workbook of the given rows (the first is usually the header)."""
    return to_xlsx(rows)


def add_demo_reports(*, review, user) -> None:
    """The first review's reports page shows a finished baseline report (PDF and Word) and case mapping pack,
    the baseline shared with the council; made once, here and now, so the demo is complete when seeding ends."""
    from .models import Report, ReportSharing
    from .tasks import render_report

    for kind, shared in ((Report.Kind.BASELINE, True), (Report.Kind.CASE_MAPPING_PACK, False)):
        if review.reports.filter(kind=kind).exists():
            continue
        report = Report.objects.create(review=review, kind=kind, version=1, requested_by=user)
        render_report(report_id=report.pk)
        report.refresh_from_db()
        if shared and report.status == Report.Status.DONE:  # only a finished report is ever shared
            Report.objects.filter(pk=report.pk).update(shared_with_host=True)
            ReportSharing.objects.create(report=report, action=ReportSharing.Action.SHARED, by=user)
