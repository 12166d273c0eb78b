"""Views that edit a review's copy of a questionnaire: its sections and questions, for questionnaire managers."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Max, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from reviews import permissions
from reviews.versioning import is_stale_post
from reviews.views import load_review

from .forms import QuestionForm, SectionForm
from .models import Question, Questionnaire, Section


def _editable(request: HttpRequest, review_id: int, questionnaire_id: int):
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_manage_questionnaires(membership))
    questionnaire = get_object_or_404(
        Questionnaire.objects.select_related("review"), review=review, pk=questionnaire_id
    )
    return review, membership, questionnaire


def _lock(questionnaire: Questionnaire) -> Questionnaire:
    """Lock the questionnaire so that changes to its order of sections and questions happen one at a time."""
    return Questionnaire.objects.select_for_update().get(pk=questionnaire.pk)


def _editor_url(questionnaire: Questionnaire, anchor: str = "") -> str:
    url = reverse("focusgroups:editor", args=[questionnaire.review_id, questionnaire.pk])
    return f"{url}#{anchor}" if anchor else url


def _direction(request: HttpRequest) -> bool | None:
    """True to move up, False to move down, None for anything else."""
    return {"up": True, "down": False}.get(request.POST.get("direction", ""))


@require_http_methods(["GET", "POST"])
def questionnaire_editor(request: HttpRequest, review_id: int, questionnaire_id: int) -> HttpResponse:
    """The questionnaire's sections and questions, with buttons to move and remove them and a form to add a section."""
    review, membership, questionnaire = _editable(request, review_id, questionnaire_id)
    form = SectionForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _lock(questionnaire)
            top = questionnaire.sections.aggregate(top=Max("order"))["top"] or 0
            section = form.save(commit=False)
            section.questionnaire, section.order = questionnaire, top + 1
            section.save()
        messages.success(request, f"Section “{section.title}” added. Add its questions below.")
        return redirect(_editor_url(questionnaire, f"section-{section.pk}"))
    form.helper.form_action = reverse("focusgroups:editor", args=[review.pk, questionnaire.pk])
    sections = questionnaire.sections.prefetch_related(
        Prefetch("questions", queryset=Question.objects.select_related("theme").order_by("order"))
    ).order_by("order")
    context = {
        "review": review,
        "membership": membership,
        "questionnaire": questionnaire,
        "sections": sections,
        "has_responses": questionnaire.has_responses(),
        "form": form,
    }
    return render(request, "focusgroups/editor.html", context)


@require_http_methods(["GET", "POST"])
def section_edit(request: HttpRequest, review_id: int, questionnaire_id: int, section_id: int) -> HttpResponse:
    review, membership, questionnaire = _editable(request, review_id, questionnaire_id)
    section = get_object_or_404(Section, questionnaire=questionnaire, pk=section_id)
    if request.method == "POST":
        with transaction.atomic():
            section = Section.objects.select_for_update().get(pk=section.pk)
            form = SectionForm(request.POST, instance=section)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, "Section title saved.")
                return redirect(_editor_url(questionnaire, f"section-{section.pk}"))
    else:
        form = SectionForm(instance=section)
    context = {"review": review, "membership": membership, "questionnaire": questionnaire, "form": form}
    return render(request, "focusgroups/section_form.html", context)


@require_POST
def section_move(request: HttpRequest, review_id: int, questionnaire_id: int, section_id: int) -> HttpResponse:
    _, _, questionnaire = _editable(request, review_id, questionnaire_id)
    section = get_object_or_404(Section, questionnaire=questionnaire, pk=section_id)
    up = _direction(request)
    if up is None:
        messages.error(request, "Choose to move the section up or down.")
    else:
        with transaction.atomic():
            _lock(questionnaire)
            section.refresh_from_db()
            if not section.move(up=up):
                messages.error(request, f"“{section.title}” is already the {'first' if up else 'last'} section.")
    return redirect(_editor_url(questionnaire, f"section-{section.pk}"))


@require_POST
def section_remove(request: HttpRequest, review_id: int, questionnaire_id: int, section_id: int) -> HttpResponse:
    _, _, questionnaire = _editable(request, review_id, questionnaire_id)
    section = get_object_or_404(Section, questionnaire=questionnaire, pk=section_id)
    with transaction.atomic():
        _lock(questionnaire)
        section = Section.objects.select_for_update().get(pk=section.pk)
        if is_stale_post(request, section):
            messages.error(request, f"“{section.title}” was changed after you opened this page, so it was not removed.")
        elif section.has_answers():
            messages.error(
                request,
                f"“{section.title}” has questions that people have answered, so it cannot be removed: "
                "their answers would be lost from the results.",
            )
        else:
            section.delete()
            messages.success(request, f"Section “{section.title}” and its questions removed.")
    return redirect(_editor_url(questionnaire))


@require_http_methods(["GET", "POST"])
def question_create(request: HttpRequest, review_id: int, questionnaire_id: int, section_id: int) -> HttpResponse:
    review, membership, questionnaire = _editable(request, review_id, questionnaire_id)
    section = get_object_or_404(Section, questionnaire=questionnaire, pk=section_id)
    form = QuestionForm(
        request.POST if request.method == "POST" else None, questionnaire=questionnaire, section=section
    )
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            _lock(questionnaire)
            question = form.save(commit=False)
            question.order = (section.questions.aggregate(top=Max("order"))["top"] or 0) + 1
            question.save()
        messages.success(request, "Question added.")
        return redirect(_editor_url(questionnaire, f"question-{question.pk}"))
    context = {
        "review": review,
        "membership": membership,
        "questionnaire": questionnaire,
        "section": section,
        "form": form,
    }
    return render(request, "focusgroups/question_form.html", context)


@require_http_methods(["GET", "POST"])
def question_edit(request: HttpRequest, review_id: int, questionnaire_id: int, question_id: int) -> HttpResponse:
    review, membership, questionnaire = _editable(request, review_id, questionnaire_id)
    question = get_object_or_404(
        Question.objects.select_related("section"), section__questionnaire=questionnaire, pk=question_id
    )
    if request.method == "POST":
        with transaction.atomic():
            question = Question.objects.select_for_update().select_related("section").get(pk=question.pk)
            form = QuestionForm(request.POST, instance=question, questionnaire=questionnaire, section=question.section)
            if form.is_valid():
                form.save_next_version()
                messages.success(request, "Question saved.")
                return redirect(_editor_url(questionnaire, f"question-{question.pk}"))
    else:
        form = QuestionForm(instance=question, questionnaire=questionnaire, section=question.section)
    context = {
        "review": review,
        "membership": membership,
        "questionnaire": questionnaire,
        "section": question.section,
        "question": question,
        "form": form,
    }
    return render(request, "focusgroups/question_form.html", context)


@require_POST
def question_move(request: HttpRequest, review_id: int, questionnaire_id: int, question_id: int) -> HttpResponse:
    _, _, questionnaire = _editable(request, review_id, questionnaire_id)
    question = get_object_or_404(Question, section__questionnaire=questionnaire, pk=question_id)
    up = _direction(request)
    if up is None:
        messages.error(request, "Choose to move the question up or down.")
    else:
        with transaction.atomic():
            _lock(questionnaire)
            question.refresh_from_db()
            if not question.move(up=up):
                messages.error(request, f"“{question.text}” is already the {'first' if up else 'last'} in its section.")
    return redirect(_editor_url(questionnaire, f"question-{question.pk}"))


@require_POST
def question_remove(request: HttpRequest, review_id: int, questionnaire_id: int, question_id: int) -> HttpResponse:
    _, _, questionnaire = _editable(request, review_id, questionnaire_id)
    question = get_object_or_404(Question, section__questionnaire=questionnaire, pk=question_id)
    with transaction.atomic():
        _lock(questionnaire)
        question = Question.objects.select_for_update().get(pk=question.pk)
        if is_stale_post(request, question):
            messages.error(request, f"“{question.text}” was changed after you opened this page, so it was not removed.")
        elif question.has_answers():
            messages.error(
                request,
                f"“{question.text}” has been answered, so it cannot be removed: its answers would be lost from the "
                "results. You may still change its wording.",
            )
        else:
            question.delete()
            messages.success(request, f"Question “{question.text}” removed.")
    return redirect(_editor_url(questionnaire))
