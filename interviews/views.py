from itertools import groupby

from django import forms
from django.contrib import messages
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import F, Prefetch
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, derived, permissions, scope, tables
from reviews.forms import FindingForm
from reviews.models import FindingEvidence, FocusArea, Review, ReviewMembership
from reviews.params import int_param
from reviews.views import load_review

from . import services
from .forms import (
    ImportForm,
    IntervieweeForm,
    LineForm,
    NotesForm,
    ReviewRoleForm,
    RulesForm,
    SessionFilterForm,
    SessionForm,
)
from .models import Interviewee, IntervieweeRole, LineOfEnquiry, ProgrammeRules, ReviewRole, Session, SessionNote

SESSIONS_PER_PAGE = 100


def _sessions(review: Review):
    return (
        Session.objects.filter(review=review)
        .prefetch_related(
            "peers",
            Prefetch(
                "interviewees", queryset=Interviewee.objects.select_related("agency", "review_role").order_by("pk")
            ),
            Prefetch("lines", queryset=LineOfEnquiry.objects.order_by("pk")),
        )
        .order_by("day", "start", "pk")
    )


def _require_peer_side(membership: ReviewMembership) -> None:
    """Peer-side working material does not exist for host roles: a 404, like a record of another review."""
    if not permissions.can_see_peer_material(membership):
        raise Http404("No such page.")


def _clashes(review: Review) -> tuple[list[services.Clash], dict[int, list[services.Clash]]]:
    sessions = list(Session.objects.filter(review=review).active().prefetch_related("peers"))
    clashes = services.find_clashes(review=review, sessions=sessions, rules=services.rules_for(review))
    by_session: dict[int, list[services.Clash]] = {}
    for clash in clashes:
        for pk in clash.session_ids:
            by_session.setdefault(pk, []).append(clash)
    return clashes, by_session


def _days(page) -> list[dict]:
    return [{"day": day, "sessions": list(items)} for day, items in groupby(page, key=lambda s: s.day)]


def _week_grid(sessions: list[Session]) -> dict:
    """The week at a glance: a row per hour, a column per day, each cell the sessions starting in it."""
    days = sorted({s.day for s in sessions})
    hours = sorted({s.start.hour for s in sessions})
    cells = {(s.day, s.start.hour): [] for s in sessions}
    for session in sessions:
        cells[(session.day, session.start.hour)].append(session)
    rows = [{"hour": f"{hour:02d}:00", "cells": [cells.get((day, hour), []) for day in days]} for hour in hours]
    return {"days": days, "rows": rows}


# The timetable


@require_GET
def timetable(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    days = list(review.sessions.order_by("day").values_list("day", flat=True).distinct())
    filters = SessionFilterForm(request.GET or None, review=review, days=days)
    sessions = _sessions(review)
    if filters.is_valid():
        sessions = filters.apply(sessions)
    page = Paginator(sessions, SESSIONS_PER_PAGE).get_page(request.GET.get("page"))
    clashes, by_session = _clashes(review)
    context = {
        "review": review,
        "membership": membership,
        "filters": filters,
        "page": page,
        "days": _days(page),
        "grid": _week_grid(list(page)),
        "query": filters.querystring(),
        "clashes": clashes,
        "clash_ids": set(by_session),
        "can_edit": permissions.can_edit_timetable(membership),
        "show_names": permissions.can_see_interviewee_names(membership),
        "peer_side": permissions.can_see_peer_material(membership),
        "peers": _peer_team(review),
    }
    return render(request, "interviews/timetable.html", context)


def _peer_team(review: Review) -> list:
    return [
        m.user
        for m in review.memberships.select_related("user").order_by("user__last_name", "user__first_name")
        if permissions.is_peer_side(m)
    ]


@require_http_methods(["GET", "POST"])
def session_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    form = SessionForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        session = form.save()
        messages.success(request, f"Session “{session.title}” added.")
        _warn_clashes(request, review, session)
        return redirect(session)
    return render(request, "interviews/session_form.html", {"review": review, "membership": membership, "form": form})


def _warn_clashes(request: HttpRequest, review: Review, session: Session) -> None:
    _, by_session = _clashes(review)
    for clash in by_session.get(session.pk, []):
        messages.warning(request, clash.message)


@require_GET
def session_detail(request: HttpRequest, review_id: int, session_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    session = get_object_or_404(_sessions(review), pk=session_id)
    _, by_session = _clashes(review)
    peer_side = permissions.can_see_peer_material(membership)
    notes = []
    if peer_side:
        notes = list(
            session.notes.select_related("author", "line").order_by(
                F("line").asc(nulls_last=True), "author__last_name", "pk"
            )
        )
    context = {
        "review": review,
        "membership": membership,
        "session": session,
        "clashes": by_session.get(session.pk, []),
        "notes": notes,
        "peer_side": peer_side,
        "can_edit": permissions.can_edit_timetable(membership),
        "can_write_notes": permissions.can_write_session_notes(membership, session),
        "show_names": permissions.can_see_interviewee_names(membership),
        "interviewee_form": IntervieweeForm(review=review, membership=membership),
    }
    return render(request, "interviews/session_detail.html", context)


@require_http_methods(["GET", "POST"])
def session_edit(request: HttpRequest, review_id: int, session_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    session = get_object_or_404(Session, review=review, pk=session_id)
    if request.method == "POST":
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            form = SessionForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                session = form.save(commit=False)
                session.version = locked.version + 1
                session.save()
                form.save_m2m()
                messages.success(request, f"Session “{session.title}” saved.")
                _warn_clashes(request, review, session)
                return redirect(session)
    else:
        form = SessionForm(instance=session, review=review)
    context = {"review": review, "membership": membership, "form": form, "session": session}
    return render(request, "interviews/session_form.html", context)


@require_POST
def interviewee_add(request: HttpRequest, review_id: int, session_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    session = get_object_or_404(_sessions(review), pk=session_id)
    form = IntervieweeForm(request.POST, review=review, membership=membership)
    if form.is_valid():
        interviewee = form.save(commit=False)
        interviewee.session = session
        interviewee.save()
        messages.success(request, f"{interviewee} added to “{session.title}”.")
        return redirect(session)
    _, by_session = _clashes(review)
    context = {
        "review": review,
        "membership": membership,
        "session": session,
        "clashes": by_session.get(session.pk, []),
        "notes": [],
        "peer_side": permissions.can_see_peer_material(membership),
        "can_edit": True,
        "can_write_notes": permissions.can_write_session_notes(membership, session),
        "show_names": permissions.can_see_interviewee_names(membership),
        "interviewee_form": form,
    }
    return render(request, "interviews/session_detail.html", context, status=400)


@require_POST
def interviewee_remove(request: HttpRequest, review_id: int, session_id: int, interviewee_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    session = get_object_or_404(Session, review=review, pk=session_id)
    interviewee = get_object_or_404(Interviewee, session=session, pk=interviewee_id)
    interviewee.delete()
    messages.success(request, f"{interviewee} removed from “{session.title}”.")
    return redirect(session)


# Per-peer agenda and calendars


def _peer(review: Review, peer_id: int):
    member = get_object_or_404(review.memberships.select_related("user"), user_id=peer_id)
    if not permissions.is_peer_side(member):
        raise Http404("No such peer.")
    return member.user


@require_GET
def peer_agenda(request: HttpRequest, review_id: int, peer_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    peer = _peer(review, peer_id)
    sessions = list(_sessions(review).active().filter(peers=peer))
    context = {
        "review": review,
        "membership": membership,
        "peer": peer,
        "days": _days(sessions),
        "count": len(sessions),
        "show_names": permissions.can_see_interviewee_names(membership),
    }
    return render(request, "interviews/peer_agenda.html", context)


def _calendar_response(request: HttpRequest, review: Review, sessions, name: str, filename: str) -> HttpResponse:
    body = services.build_calendar(review=review, sessions=list(sessions), name=name)
    access.describe(request, name)
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def timetable_calendar(request: HttpRequest, review_id: int) -> HttpResponse:
    review, _ = load_review(request, review_id)
    return _calendar_response(
        request, review, _sessions(review), f"On-site programme: {review.title}", f"programme-review-{review.pk}.ics"
    )


@require_GET
def peer_calendar(request: HttpRequest, review_id: int, peer_id: int) -> HttpResponse:
    review, _ = load_review(request, review_id)
    peer = _peer(review, peer_id)
    name = f"On-site agenda of {peer.get_full_name() or peer.get_username()}: {review.title}"
    sessions = _sessions(review).filter(peers=peer)
    return _calendar_response(request, review, sessions, name, f"agenda-review-{review.pk}-peer-{peer.pk}.ics")


# Import


@require_http_methods(["GET", "POST"])
def timetable_import(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    form = ImportForm(
        request.POST if request.method == "POST" else None, request.FILES if request.method == "POST" else None
    )
    row_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            created = services.import_timetable(review=review, upload=form.cleaned_data["file"])
        except tables.TableError as error:
            form.add_error("file", str(error))
        except services.TimetableImportFailed as failure:
            row_errors = failure.errors
        else:
            messages.success(request, f"{len(created)} session{'s' if len(created) != 1 else ''} imported.")
            return redirect("interviews:index", review.pk)
    return _import_page(request, review, membership, form, row_errors=row_errors)


def _import_page(request, review, membership, form, *, row_errors=(), role_form=None, status=None) -> HttpResponse:
    own_roles = list(ReviewRole.objects.filter(review=review).order_by("name"))
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "row_errors": row_errors,
        "role_names": [label for code, label in IntervieweeRole.choices if code != IntervieweeRole.OTHER],
        "synonyms": services.role_synonyms(),
        "own_roles": own_roles,
        "role_form": role_form or ReviewRoleForm(review=review),
    }
    return render(request, "interviews/import.html", context, status=status or (400 if row_errors else 200))


@require_POST
def role_add(request: HttpRequest, review_id: int) -> HttpResponse:
    """Add a role of the review's own, for timetables and the people a session meets."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    role_form = ReviewRoleForm(request.POST, review=review)
    if role_form.is_valid():
        role = role_form.save()
        messages.success(request, f"“{role.name}” added to the roles timetables can use.")
        return redirect("interviews:import", review.pk)
    return _import_page(request, review, membership, ImportForm(), role_form=role_form, status=400)


@require_GET
def timetable_template(request: HttpRequest, review_id: int) -> HttpResponse:
    """A file to fill in: the columns, an example row and (in XLSX) the values each column allows."""
    review, membership = load_review(request, review_id)
    content, content_type, filename = services.timetable_template(review, request.GET.get("format", "csv"))
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@require_http_methods(["GET", "POST"])
def rules_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_timetable(membership))
    if request.method == "POST":
        with transaction.atomic():
            # The review's row is locked so that two first saves cannot both create the rules.
            Review.objects.select_for_update().get(pk=review.pk)
            rules = ProgrammeRules.objects.filter(review=review).first()
            form = RulesForm(request.POST, instance=rules or ProgrammeRules(review=review))
            if form.is_valid():
                if rules:
                    form.save_next_version()
                else:
                    form.save()
                messages.success(request, "Clash rules saved.")
                return redirect("interviews:index", review.pk)
    else:
        form = RulesForm(instance=ProgrammeRules.objects.filter(review=review).first() or ProgrammeRules(review=review))
    return render(request, "interviews/rules_form.html", {"review": review, "membership": membership, "form": form})


# Notes (peer side)


@require_http_methods(["GET", "POST"])
def session_notes(request: HttpRequest, review_id: int, session_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    session = get_object_or_404(_sessions(review), pk=session_id)
    lines = list(session.lines.all())
    if request.method == "POST":
        permissions.require(permissions.can_edit_findings(membership))
        with transaction.atomic():
            locked = Session.objects.select_for_update().get(pk=session.pk)
            if locked.is_cancelled:
                raise PermissionDenied("Notes cannot be written on a cancelled session.")
            permissions.require(permissions.can_write_session_notes(membership, session))
            mine = _my_notes(session, request.user, lock=True)
            form = NotesForm(request.POST, session=session, lines=lines, notes=mine)
            if form.is_valid() and _save_notes(form, session, request.user, mine):
                messages.success(request, "Notes saved.")
                return redirect(session)
    else:
        mine = _my_notes(session, request.user)
        form = NotesForm(session=session, lines=lines, notes=mine)
    context = {
        "review": review,
        "membership": membership,
        "session": session,
        "form": form,
        "can_write": permissions.can_write_session_notes(membership, session),
    }
    return render(request, "interviews/notes_form.html", context)


def _my_notes(session: Session, user, *, lock: bool = False) -> dict:
    notes = SessionNote.objects.filter(session=session, author=user)
    if lock:
        notes = notes.select_for_update()
    return {note.line_id: note for note in notes}


def _save_notes(form: NotesForm, session: Session, user, mine: dict) -> bool:
    """Save every box, or none if any was changed by another save since the form was opened."""
    evidence_ids = set(
        FindingEvidence.objects.filter(
            content_type=ContentType.objects.get_for_model(SessionNote), object_id__in=[n.pk for n in mine.values()]
        ).values_list("object_id", flat=True)
    )
    changes = []
    for key in form.keys:
        line = form.line_for(key)
        note = mine.get(line.pk if line else None)
        text = form.cleaned_data[key].strip()
        version = form.cleaned_data.get(f"{key}_version") or 0
        if version != (note.version if note else 0):
            form.add_error(key, "These notes were saved from another window after you opened them; open them again.")
            continue
        if note is None and text:
            changes.append(SessionNote(session=session, author=user, line=line, text=text))
        elif note is not None and text != note.text:
            if not text and note.pk in evidence_ids:
                form.add_error(key, "These notes are evidence for a finding, so they cannot be emptied.")
                continue
            note.text = text
            changes.append(note)
    if not changes and not mine:
        form.add_error(None, "Write your notes in at least one box, then save them. Nothing has been saved.")
    if form.errors:
        return False
    for note in changes:
        if note.pk and not note.text:
            note.delete()
        elif note.pk:
            note.version += 1
            note.save()
        else:
            note.save()
    return True


@require_http_methods(["GET", "POST"])
def note_finding(request: HttpRequest, review_id: int, note_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_edit_findings(membership))
    note = get_object_or_404(SessionNote.objects.select_related("session", "line"), session__review=review, pk=note_id)
    initial = {"stage": "interviews", "detail": note.text}
    if note.line_id:
        initial.update(
            theme=note.line.theme_id,
            scope_area=note.line.scope_area_id,
            focus_areas=list(scope.focus_areas(review).filter(lines_of_enquiry=note.line).values_list("pk", flat=True)),
        )
    data = None
    if request.method == "POST":
        # A finding raised from notes is always the on-site stage's.
        data = request.POST.copy()
        data["stage"] = "interviews"
    form = FindingForm(data, initial=initial, review=review, membership=membership)
    form.fields["stage"].widget = forms.HiddenInput()
    if request.method == "POST" and form.is_valid():
        finding = services.raise_finding_from_note(
            note=note,
            finding=form.save(commit=False),
            focus_areas=form.cleaned_data["focus_areas"],
            user=request.user,
        )
        messages.success(request, f"Finding “{finding.summary}” raised with the notes as evidence.")
        return redirect(finding)
    context = {"review": review, "membership": membership, "form": form, "note": note}
    return render(request, "interviews/note_finding.html", context)


# Lines of enquiry


@require_GET
def line_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    lines = (
        review.lines_of_enquiry.select_related("theme", "scope_area")
        .prefetch_related(
            Prefetch("sessions", queryset=Session.objects.order_by("day", "start")),
            Prefetch("focus_areas", queryset=FocusArea.objects.order_by("kind", "order", "pk")),
        )
        .order_by("theme__order", "scope_area__order", "pk")
    )
    theme = int_param(request, "theme")
    if theme is not None:
        lines = lines.filter(theme_id=theme)
    page = Paginator(lines, 50).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "page": page,
        "themes": review.framework.themes.order_by("order"),
        "theme": theme,
        "query": f"theme={theme}" if theme is not None else "",
        "can_edit": permissions.can_edit_lines_of_enquiry(membership),
    }
    return render(request, "interviews/line_list.html", context)


@require_http_methods(["GET", "POST"])
def line_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_lines_of_enquiry(membership))
    form = LineForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        line = form.save()
        messages.success(request, f"Line of enquiry “{line.text}” added.")
        return redirect("interviews:lines", review.pk)
    return render(request, "interviews/line_form.html", {"review": review, "membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
def line_edit(request: HttpRequest, review_id: int, line_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_lines_of_enquiry(membership))
    line = get_object_or_404(LineOfEnquiry, review=review, pk=line_id)
    if request.method == "POST":
        with transaction.atomic():
            locked = LineOfEnquiry.objects.select_for_update().get(pk=line.pk)
            form = LineForm(request.POST, instance=locked, review=review)
            if form.is_valid():
                line = form.save(commit=False)
                line.version = locked.version + 1
                line.save()
                form.save_m2m()
                messages.success(request, f"Line of enquiry “{line.text}” saved.")
                return redirect("interviews:lines", review.pk)
    else:
        form = LineForm(instance=line, review=review)
    context = {"review": review, "membership": membership, "form": form, "line": line}
    return render(request, "interviews/line_form.html", context)


@require_POST
def lines_adopt(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_lines_of_enquiry(membership))
    added = services.adopt_framework_lines(review=review)
    if added:
        messages.success(request, f"{added} line{'s' if added != 1 else ''} of enquiry copied from the framework.")
    else:
        messages.info(request, "The review already has every line of enquiry of its framework.")
    return redirect("interviews:lines", review.pk)


# Coverage


@require_GET
def coverage(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)

    def figures() -> dict:
        rows = services.coverage(review)
        del rows["stages"]  # the registry's own objects, not kept
        return rows

    # Worked out from the whole review's sessions, notes and findings: kept until the review changes.
    kept = derived.cached("interview-coverage-1", [review.pk], figures)
    context = {"review": review, "membership": membership, "stages": services.coverage_stages(), **kept}
    return render(request, "interviews/coverage.html", context)
