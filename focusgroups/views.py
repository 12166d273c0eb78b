import re

from django import forms as django_forms
from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, derived, exports, permissions
from reviews.charts import Series, bar_chart
from reviews.compiled import Compiled
from reviews.csrf_failure import keeps_typed_answers
from reviews.forms import FindingForm
from reviews.models import AccessLog, ReviewMembership
from reviews.views import load_review

from . import answer_limits, distribution, services
from .forms import AnswerForm, CopyQuestionnaireForm, QuestionnaireDatesForm, SegmentForm
from .group_forms import AnswerCodeForm, CodeForm, CodePassageForm, FocusGroupForm, NotesForm
from .models import (
    Answer,
    Code,
    Coding,
    FocusGroup,
    Question,
    Questionnaire,
    QuestionnaireSettings,
    SafeguardingAlert,
    Segment,
)

SEEN_COOKIE = "answered_{}"


def _require_peer_side(membership: ReviewMembership) -> None:
    """Focus-group notes and coding do not exist for host roles: a 404, like a record of another review."""
    if not permissions.can_see_peer_material(membership):
        raise Http404("No such page.")


# A questionnaire's questions, in order, and a link's questionnaire with its review's settings: every answer sent to
# a public link asks both, so their SQL is made once a process (reviews/compiled.py).
_QUESTIONS = Compiled(
    lambda questionnaire_id: (
        Question.objects.filter(section__questionnaire_id=questionnaire_id)
        .select_related("section")
        .order_by("section__order", "order")
    )
)
_LINKED = Compiled(
    lambda token: Questionnaire.objects.filter(token=token, review__isnull=False).select_related(
        "review__questionnaire_settings"
    )[:1],
    text=(True,),
)


def _questions(questionnaire: Questionnaire) -> list[Question]:
    return _QUESTIONS(questionnaire.pk)


# Answering without an account

# A questionnaire's link token as the site makes them (secrets.token_urlsafe): anything else is no questionnaire.
LINK_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
NOT_SENT_CHECK = (
    "Your answers have not been sent yet: this page was open for a long time, or your browser did not keep a "
    "cookie this page needs. Check your answers below, then press the button at the end again. If you see this "
    "message again, allow cookies for this site, or ask whoever gave you the link for another way to answer."
)


def _open_questionnaire(request: HttpRequest, token: str) -> tuple[Questionnaire, HttpResponse | None]:
    """The questionnaire of this link, with the page saying it is closed if it is (404 for a link this site never
    made)."""
    if not LINK_TOKEN.fullmatch(token):
        raise Http404("No such questionnaire.")  # never a link this site made; not worth a query (nor a NUL byte)
    # The review's settings come in the same query: the answer and the thanks page both need them.
    found = _LINKED(token)
    if not found:
        raise Http404("No such questionnaire.")
    questionnaire = found[0]
    archived = questionnaire.review.archived_at is not None
    if archived or not questionnaire.is_open():
        context = {"questionnaire": questionnaire, "archived": archived}
        return questionnaire, render(request, "focusgroups/closed.html", context, status=410)
    return questionnaire, None


def _answer_form(request: HttpRequest, questionnaire: Questionnaire) -> tuple[AnswerForm, bool]:
    # A cookie notices a second answer from the same browser; it holds no identity and is not stored with the response.
    seen_before = request.COOKIES.get(SEEN_COOKIE.format(questionnaire.pk)) == "1"
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questionnaire=questionnaire,
        questions=_questions(questionnaire),
        seen_before=seen_before,
    )
    return form, seen_before


def _not_sent(request, questionnaire, form, seen_before: bool, message: str, status: int) -> HttpResponse:
    """The questionnaire again with what they wrote and why it was not sent; nothing is stored."""
    form.is_valid()
    form.add_error(None, message)
    config = QuestionnaireSettings.for_review(questionnaire.review)
    context = {"questionnaire": questionnaire, "form": form, "seen_before": seen_before, "help_text": config.help_text}
    return render(request, "focusgroups/answer.html", context, status=status)


def _answer_check_failed(request: HttpRequest, token: str) -> HttpResponse:
    """The form's security check failed (reviews/csrf_failure.py): the answers are shown again, not sent, with a
    fresh token, so what a child wrote is not lost to an expired page or a cookie their browser dropped."""
    questionnaire, closed = _open_questionnaire(request, token)
    if closed is not None:
        return closed
    form, seen_before = _answer_form(request, questionnaire)
    return _not_sent(request, questionnaire, form, seen_before, NOT_SENT_CHECK, status=403)


@login_not_required
@access.not_logged("a questionnaire's link is its secret, and an answer must never be linked to a person")
@keeps_typed_answers(_answer_check_failed)
@require_http_methods(["GET", "POST"])
def answer(request: HttpRequest, token: str) -> HttpResponse:
    questionnaire, closed = _open_questionnaire(request, token)
    if closed is not None:
        return closed
    form, seen_before = _answer_form(request, questionnaire)
    refused = answer_limits.refusing(request, questionnaire) if request.method == "POST" else None
    if refused:
        # Nothing is stored; the page keeps what they wrote so they can send it again in a few minutes.
        return _not_sent(request, questionnaire, form, seen_before, refused, status=429)
    if request.method == "POST" and form.is_valid():
        _, alert = services.submit_response(
            questionnaire=questionnaire,
            answers=form.answers(),
            segment=form.cleaned_data.get("segment"),
            mode="online",
            site_url=request.build_absolute_uri("/"),
        )
        config = QuestionnaireSettings.for_review(questionnaire.review)
        context = {"questionnaire": questionnaire, "alert": alert, "help_text": config.help_text}
        response = render(request, "focusgroups/thanks.html", context)
        response.set_cookie(
            SEEN_COOKIE.format(questionnaire.pk),
            "1",
            max_age=60 * 60 * 24 * 90,
            secure=request.is_secure(),
            httponly=True,
            samesite="Lax",
        )
        return response
    context = {"questionnaire": questionnaire, "form": form, "seen_before": seen_before}
    return render(request, "focusgroups/answer.html", context)


# The stage's pages


@require_GET
def index(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    return _index_page(request, review, membership)


def _index_page(request, review, membership, copy_form=None, status: int = 200) -> HttpResponse:
    """The stage's page; with a refused copy, the copying form again with its error."""
    config = QuestionnaireSettings.for_review(review)
    groups = []
    if permissions.can_see_peer_material(membership):
        groups = FocusGroup.objects.filter(review=review).annotate(coded=Count("codings")).order_by("held_on", "title")
    alerts = None
    if permissions.can_see_safeguarding_alerts(membership, config.safeguarding_lead_id):
        alerts = review.safeguarding_alerts.filter(status=SafeguardingAlert.Status.NEW).count()
    context = {
        "review": review,
        "membership": membership,
        "summary": services.audience_summary(review, config.minimum_group),
        "core_tables": services.core_tables(review, config.minimum_group),
        "groups": groups,
        "peer_side": permissions.can_see_peer_material(membership),
        "alerts": alerts,
        "config": config,
        "copy_form": None,
    }
    if permissions.can_manage_questionnaires(membership):
        context["copy_form"] = copy_form or CopyQuestionnaireForm()
        context["copy_form"].helper.form_action = reverse("focusgroups:questionnaire_copy", args=[review.pk])
    return render(request, "focusgroups/index.html", context, status=status)


@require_POST
def questionnaire_copy(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_questionnaires(membership))
    form = CopyQuestionnaireForm(request.POST)
    if not form.is_valid():
        return _index_page(request, review, membership, copy_form=form, status=400)
    copy = form.cleaned_data["questionnaire"].copy_to(review)
    messages.success(
        request, f"“{copy.title}” copied into this review. It is closed until you set the date it opens, below."
    )
    return redirect(copy.get_absolute_url() + "#dates")


@require_http_methods(["GET", "POST"])
def questionnaire_detail(request: HttpRequest, review_id: int, questionnaire_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    questionnaire = get_object_or_404(Questionnaire, review=review, pk=questionnaire_id)
    questionnaire.review = review  # already read: its settings and rates ask for it
    can_manage = permissions.can_manage_questionnaires(membership)
    if request.method == "POST":
        permissions.require(can_manage)
        with transaction.atomic():
            questionnaire = Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)
            form = QuestionnaireDatesForm(request.POST, instance=questionnaire)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, "Dates saved.")
                return redirect(questionnaire)
        questionnaire = Questionnaire.objects.get(pk=questionnaire.pk)  # show the saved dates, not the refused ones
    else:
        form = QuestionnaireDatesForm(instance=questionnaire)
    config = QuestionnaireSettings.for_review(review)
    if permissions.can_code_focus_groups(membership):
        services.ensure_codebook(review)
    # Tabulated, charted and rendered when the review's records change (reviews/derived.py), not on every view.
    results, results_html = derived.cached(
        f"question-results-{questionnaire.pk}-{config.minimum_group}",
        [review.pk],
        lambda: _rendered_results(questionnaire, config.minimum_group),
    )
    context = {
        "review": review,
        "membership": membership,
        "questionnaire": questionnaire,
        "form": form if can_manage else None,
        "results": results,
        "results_html": results_html,
        "texts": services.text_answers_by_theme(questionnaire, config),
        "can_read_alerts": permissions.can_see_safeguarding_alerts(membership, config.safeguarding_lead_id),
        "config": config,
        "public_url": request.build_absolute_uri(questionnaire.public_url()),
        "can_key_in": permissions.can_key_in_paper_responses(membership),
        "can_code": permissions.can_code_focus_groups(membership),
        # The same choices under every answer: made once, not once an answer.
        "code_options": format_html_join(
            "",
            '<option value="{}">{}</option>',
            ((code.pk, str(code)) for code in Code.objects.filter(review=review).order_by("name")),
        )
        if permissions.can_code_focus_groups(membership)
        else None,
        "response_count": questionnaire.responses.count(),
        "rates": distribution.rates(questionnaire) if questionnaire.rated_by_segment else None,
        "distributions": questionnaire.distributions.count() if can_manage else 0,
    }
    return render(request, "focusgroups/questionnaire.html", context)


def _rendered_results(questionnaire: Questionnaire, minimum_group: int) -> tuple[list, str]:
    """Each scale or choice question's table and chart, and their HTML: the same for everyone who may see the
    results (the figures below the minimum group are hidden in the tables themselves), so kept whole."""
    tables = services.question_tables(questionnaire, minimum_group)
    charts = [
        bar_chart(
            title=f"{table.question.text}: answers from all respondents",
            categories=[row["label"] for row in table.rows],
            series=[Series("All respondents", "#1d70b8", [row["cells"][-1] for row in table.rows])],
            chart_id=f"question-{table.question.pk}",
        )
        if not table.suppressed
        else None
        for table in tables
    ]
    results = list(zip(tables, charts, strict=True))
    html = render_to_string("focusgroups/_results.html", {"results": results, "minimum": minimum_group})
    return results, html


@require_GET
def questionnaire_export(request: HttpRequest, review_id: int, questionnaire_id: int, fmt: str) -> HttpResponse:
    review, membership = load_review(request, review_id)
    questionnaire = get_object_or_404(Questionnaire, review=review, pk=questionnaire_id)
    config = QuestionnaireSettings.for_review(review)
    rows = services.export_rows(services.question_tables(questionnaire, config.minimum_group))
    access.describe(request, f"Questionnaire results {questionnaire.pk} ({fmt})", AccessLog.Action.EXPORT)
    if fmt == "csv":
        response = HttpResponse(services.to_csv(rows), content_type=exports.CSV_CONTENT_TYPE)
    else:
        response = HttpResponse(services.to_xlsx(rows, "Results"), content_type=exports.XLSX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="questionnaire-{questionnaire.pk}-results.{fmt}"'
    return response


@require_http_methods(["GET", "POST"])
def paper_entry(request: HttpRequest, review_id: int, questionnaire_id: int) -> HttpResponse:
    """Staff key in a paper return or an answer given with a trusted adult, recording how it was given."""
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_key_in_paper_responses(membership))
    questionnaire = get_object_or_404(Questionnaire, review=review, pk=questionnaire_id)
    form = AnswerForm(
        request.POST if request.method == "POST" else None,
        questionnaire=questionnaire,
        questions=_questions(questionnaire),
        keyed_in=True,
    )
    if request.method == "POST" and form.is_valid():
        _, alert = services.submit_response(
            questionnaire=questionnaire,
            answers=form.answers(),
            segment=form.cleaned_data.get("segment"),
            mode=form.cleaned_data["mode"],
            site_url=request.build_absolute_uri("/"),
        )
        messages.success(request, "Response saved. Key in the next one below.")
        if alert is not None:
            messages.warning(request, "This response raised a safeguarding alert for the safeguarding lead.")
        return redirect("focusgroups:paper", review.pk, questionnaire.pk)
    context = {"review": review, "membership": membership, "questionnaire": questionnaire, "form": form}
    return render(request, "focusgroups/paper.html", context)


@require_http_methods(["GET", "POST"])
def segments(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    form = SegmentForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST":
        permissions.require(permissions.can_manage_questionnaires(membership))
        if form.is_valid():
            form.save()
            messages.success(request, "Segment added.")
            return redirect("focusgroups:segments", review.pk)
    config = QuestionnaireSettings.for_review(review)
    context = {
        "review": review,
        "membership": membership,
        "form": form if permissions.can_manage_questionnaires(membership) else None,
        "segments": Segment.objects.filter(review=review).select_related("partner").order_by("name", "pk"),
        "rates": distribution.review_rates(review, config.minimum_group),
    }
    return render(request, "focusgroups/segments.html", context)


@require_http_methods(["GET", "POST"])
def segment_edit(request: HttpRequest, review_id: int, segment_id: int) -> HttpResponse:
    """Rename a segment, change how many could answer, or link it to one of the council's partner agencies."""
    review, membership = load_review(request, review_id)
    segment = get_object_or_404(Segment, review=review, pk=segment_id)
    permissions.require(permissions.can_manage_questionnaires(membership))
    if request.method == "POST":
        with transaction.atomic():
            segment = Segment.objects.select_for_update().get(pk=segment.pk)
            form = SegmentForm(request.POST, instance=segment, review=review)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, f"Segment “{segment.name}” saved.")
                return redirect("focusgroups:segments", review.pk)
        segment = Segment.objects.get(pk=segment.pk)  # name the saved segment, not the refused edit
    else:
        form = SegmentForm(instance=segment, review=review)
    context = {"review": review, "membership": membership, "segment": segment, "form": form}
    return render(request, "focusgroups/segment_form.html", context)


# Focus groups


@require_http_methods(["GET", "POST"])
def group_create(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_code_focus_groups(membership))
    form = FocusGroupForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST" and form.is_valid():
        group = form.save()
        messages.success(request, f"Focus group “{group.title}” added. Add the notes next.")
        return redirect(group)
    return render(request, "focusgroups/group_form.html", {"review": review, "membership": membership, "form": form})


@require_http_methods(["GET", "POST"])
def group_edit(request: HttpRequest, review_id: int, group_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_code_focus_groups(membership))
    group = get_object_or_404(FocusGroup, review=review, pk=group_id)
    if request.method == "POST":
        with transaction.atomic():
            group = FocusGroup.objects.select_for_update().get(pk=group.pk)
            form = FocusGroupForm(request.POST, instance=group, review=review)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, "Focus group saved.")
                return redirect(group)
    else:
        form = FocusGroupForm(instance=group, review=review)
    context = {"review": review, "membership": membership, "form": form, "group": group}
    return render(request, "focusgroups/group_form.html", context)


@require_http_methods(["GET", "POST"])
def group_detail(request: HttpRequest, review_id: int, group_id: int) -> HttpResponse:
    """The notes by paragraph and sentence, their codings, and the form to code passages (without JavaScript)."""
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    group = get_object_or_404(FocusGroup.objects.prefetch_related("agencies"), review=review, pk=group_id)
    services.ensure_codebook(review)
    paragraphs = services.passages(group.notes)
    sentences = [sentence for paragraph in paragraphs for sentence in paragraph["sentences"]]
    form = CodePassageForm(
        request.POST if request.method == "POST" else None,
        initial={"version": group.version},
        review=review,
        sentences=sentences,
    )
    if request.method == "POST":
        permissions.require(permissions.can_code_focus_groups(membership))
        if form.is_valid():
            try:
                spans = form.spans()
                quote = form.cleaned_data["quote"].strip()
                created = [
                    services.code_passage(
                        group=group,
                        code=form.cleaned_data["code"],
                        start=start,
                        end=end,
                        coder=request.user,
                        version=form.cleaned_data["version"],
                    )
                    for start, end in spans
                ]
                if quote:
                    created.append(
                        services.code_passage(
                            group=group,
                            code=form.cleaned_data["code"],
                            start=0,
                            end=0,
                            quote=quote,
                            coder=request.user,
                            version=form.cleaned_data["version"],
                        )
                    )
            except services.CodingError as error:
                form.add_error("quote" if quote else "passages", str(error))
            else:
                messages.success(request, f"{len(created)} passage(s) coded “{form.cleaned_data['code'].name}”.")
                return redirect(group)
    ticked = set(form["passages"].value() or [])
    for sentence in sentences:
        sentence["ticked"] = f"{sentence['start']}-{sentence['end']}" in ticked
    if sentences:  # the tick boxes are laid out by paragraph, so the error summary is told where the first is
        form.error_targets = {"passages": f"passage-{sentences[0]['start']}"}
    codings = group.codings.select_related("code", "coder").order_by("start", "code__name")
    context = {
        "review": review,
        "membership": membership,
        "group": group,
        "paragraphs": paragraphs,
        "codings": codings,
        "form": form,
        "can_code": permissions.can_code_focus_groups(membership),
        "can_raise": permissions.can_edit_findings(membership),
    }
    return render(request, "focusgroups/group_detail.html", context)


@require_http_methods(["GET", "POST"])
def group_notes(request: HttpRequest, review_id: int, group_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_code_focus_groups(membership))
    group = get_object_or_404(FocusGroup, review=review, pk=group_id)
    form = NotesForm(
        request.POST if request.method == "POST" else None, initial={"notes": group.notes, "version": group.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.save_notes(group=group, notes=form.cleaned_data["notes"], version=form.cleaned_data["version"])
        except services.CodingError as error:
            form.add_error("notes", str(error))
        else:
            messages.success(request, "Notes saved; coded passages moved with the text.")
            return redirect(group)
    context = {"review": review, "membership": membership, "group": group, "form": form}
    return render(request, "focusgroups/notes_form.html", context)


# Codes


@require_http_methods(["GET", "POST"])
def code_list(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    services.ensure_codebook(review)
    form = CodeForm(request.POST if request.method == "POST" else None, review=review)
    if request.method == "POST":
        permissions.require(permissions.can_code_focus_groups(membership))
        if form.is_valid():
            form.save()
            messages.success(request, "Code added.")
            return redirect("focusgroups:codes", review.pk)
    context = {
        "review": review,
        "membership": membership,
        "codes": services.coded_themes(review),
        "form": form if permissions.can_code_focus_groups(membership) else None,
    }
    return render(request, "focusgroups/code_list.html", context)


@require_GET
def code_detail(request: HttpRequest, review_id: int, code_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    code = get_object_or_404(Code.objects.select_related("parent"), review=review, pk=code_id)
    codings = (
        Coding.objects.filter(code=code)
        .select_related("focus_group", "answer__question", "coder")
        .order_by("focus_group__held_on", "focus_group_id", "start", "pk")
    )
    page = Paginator(codings, 50).get_page(request.GET.get("page"))
    context = {
        "review": review,
        "membership": membership,
        "code": code,
        "page": page,
        "can_raise": permissions.can_edit_findings(membership),
    }
    return render(request, "focusgroups/code_detail.html", context)


@require_POST
def answer_code(request: HttpRequest, review_id: int, questionnaire_id: int) -> HttpResponse:
    """Code a free-text answer with a code of the review's codebook."""
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_code_focus_groups(membership))
    questionnaire = get_object_or_404(Questionnaire, review=review, pk=questionnaire_id)
    form = AnswerCodeForm(request.POST, review=review)
    if not form.is_valid():
        messages.error(request, "Choose a code of this review.")
        return redirect(questionnaire)
    config = QuestionnaireSettings.for_review(review)
    shown = {
        answer.pk
        for group in services.text_answers_by_theme(questionnaire, config)
        for answer in group.get("answers", [])
    }
    if form.cleaned_data["answer"] not in shown:
        raise Http404("No such answer.")
    answer_row = get_object_or_404(Answer, response__questionnaire=questionnaire, pk=form.cleaned_data["answer"])
    services.code_answer(answer=answer_row, code=form.cleaned_data["code"], coder=request.user)
    messages.success(request, f"Answer coded “{form.cleaned_data['code'].name}”.")
    return redirect(questionnaire)


@require_http_methods(["GET", "POST"])
def coding_finding(request: HttpRequest, review_id: int, coding_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    _require_peer_side(membership)
    permissions.require(permissions.can_edit_findings(membership))
    coding = get_object_or_404(Coding.objects.select_related("code"), review=review, pk=coding_id)
    # A finding from a code of a focus area or circumstance carries it, so the coverage counts it for that area.
    initial = {
        "stage": services.STAGE,
        "detail": coding.quote,
        "theme": coding.code.theme_id,
        "scope_area": coding.code.scope_area_id,
        "focus_areas": [coding.code.focus_area_id] if coding.code.focus_area_id else [],
    }
    data = None
    if request.method == "POST":
        data = request.POST.copy()
        data["stage"] = services.STAGE
    form = FindingForm(data, initial=initial, review=review, membership=membership)
    form.fields["stage"].widget = django_forms.HiddenInput()
    if request.method == "POST" and form.is_valid():
        finding = services.raise_finding_from_coding(
            coding=coding,
            finding=form.save(commit=False),
            focus_areas=form.cleaned_data["focus_areas"],
            user=request.user,
        )
        messages.success(request, f"Finding “{finding.summary}” raised with the passage as evidence.")
        return redirect(finding)
    context = {"review": review, "membership": membership, "form": form, "coding": coding}
    return render(request, "focusgroups/coding_finding.html", context)
