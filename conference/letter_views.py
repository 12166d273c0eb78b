"""The feedback letter's pages: drafting, editing, the sponsor's factual-accuracy round, publishing, downloads."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from reviews import access, permissions, richtext
from reviews.docx import DOCX_CONTENT_TYPE
from reviews.forms import posting_to
from reviews.pdf import RenderError, render_pdf
from reviews.views import load_review

from . import letter as service
from .forms import LetterCommentForm, LetterDraftForm, LetterForm, LetterResolveForm, PublishForm
from .models import Letter, LetterComment, LetterVersion


def _letter_for(review, membership) -> Letter | None:
    letter = Letter.objects.filter(review=review).first()
    return letter if letter is not None and permissions.can_see_letter(membership, letter) else None


def _form_errors(error: ValidationError, form) -> None:
    """A service's refusal onto the form: against its field when it names one the form has."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _letter_page(request, review, membership, *, draft_form=None, comment_form=None, status: int = 200):
    current = _letter_for(review, membership)
    may_comment = permissions.can_comment_on_letter(membership, current)
    comments = (
        service.comments_for(current) if current is not None and permissions.can_see_letter_comments(membership) else []
    )
    if draft_form is None and permissions.can_edit_letter(membership):
        name, role = (
            (current.addressee_name, current.addressee_role)
            if current is not None and current.addressee_name
            else service.default_addressee(review)
        )
        draft_form = LetterDraftForm(initial={"addressee_name": name, "addressee_role": role})
    context = {
        "review": review,
        "membership": membership,
        "letter": current,
        "blocks": service.numbered_blocks(current, comments) if current is not None else [],
        "comments": comments,
        "open_comments": sum(1 for comment in comments if comment.is_open),
        "can_edit": permissions.can_edit_letter(membership),
        "can_share": permissions.can_share_letter(membership),
        "can_comment": may_comment,
        "show_numbers": current is not None and bool(comments or current.is_shared) and not current.is_published,
        "comment_form": comment_form,
        "draft_form": draft_form,
        "versions": (
            service.versions_for(current)
            if current is not None and permissions.can_see_letter_versions(membership)
            else []
        ),
        "has_sponsor": service.sponsors(review).exists() if permissions.can_share_letter(membership) else False,
    }
    return render(request, "conference/letter.html", context, status=status)


@require_GET
def letter(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    return _letter_page(request, review, membership)


@require_POST
def letter_generate(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    form = LetterDraftForm(request.POST)
    if form.is_valid():
        try:
            service.generate_letter(review=review, user=request.user, **form.cleaned_data)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "A draft of the letter has been written from the review. Edit it below.")
        return redirect("conference:letter", review.pk)
    return _letter_page(request, review, membership, draft_form=form)


@require_http_methods(["GET", "POST"])
def letter_edit(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    current = get_object_or_404(Letter, review=review)
    if current.is_published:
        messages.error(request, "The letter is published; it cannot be changed.")
        return redirect("conference:letter", review.pk)
    form = LetterForm(request.POST if request.method == "POST" else None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            service.save_letter(
                letter=current,
                body=form.cleaned_data["body"],
                version=form.cleaned_data["version"],
                addressee_name=form.cleaned_data["addressee_name"],
                addressee_role=form.cleaned_data["addressee_role"],
                user=request.user,
            )
        except ValidationError as error:
            _form_errors(error, form)
        else:
            messages.success(request, "The letter has been saved as a new version.")
            return redirect("conference:letter", review.pk)
    posting_to(form, "conference:letter_edit", review.pk)
    context = {
        "review": review,
        "membership": membership,
        "form": form,
        "letter": current,
        "allowed": richtext.ALLOWED_DESCRIPTION,
    }
    return render(request, "conference/letter_form.html", context)


@require_POST
def letter_share(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_share_letter(membership))
    current = get_object_or_404(Letter, review=review)
    try:
        service.share_letter(letter=current, user=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request, "The draft is shared with the council's sponsor, who can now comment on each paragraph."
        )
    return redirect("conference:letter", review.pk)


@require_POST
def letter_comment(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    current = _letter_for(review, membership)
    if current is None:
        raise Http404("No letter yet.")
    permissions.require(permissions.can_comment_on_letter(membership, current))
    form = LetterCommentForm(request.POST)
    if form.is_valid():
        try:
            comment = service.add_comment(
                letter=current,
                paragraph=form.cleaned_data["paragraph"],
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            _form_errors(error, form)
        else:
            messages.success(request, f"Your comment on paragraph {comment.paragraph} has been sent to the peer lead.")
            return redirect(reverse("conference:letter", args=[review.pk]) + f"#paragraph-{comment.paragraph}")
    return _letter_page(request, review, membership, comment_form=form, status=400)


@require_http_methods(["GET", "POST"])
def letter_resolve(request: HttpRequest, review_id: int, letter_comment_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_share_letter(membership))
    comment = get_object_or_404(
        LetterComment.objects.select_related("letter", "author"), letter__review=review, pk=letter_comment_id
    )
    current = comment.letter
    parts = current.blocks()
    paragraph_now = parts[comment.paragraph - 1] if comment.paragraph <= len(parts) else ""
    if request.method == "POST":
        form = LetterResolveForm(request.POST)
        if form.is_valid():
            try:
                service.resolve_comment(
                    comment=comment,
                    decision=form.cleaned_data["decision"],
                    response=form.cleaned_data["response"],
                    paragraph_html=form.cleaned_data["paragraph_html"],
                    version=form.cleaned_data["version"],
                    user=request.user,
                )
            except ValidationError as error:
                _form_errors(error, form)
            else:
                messages.success(request, f"The comment on paragraph {comment.paragraph} is resolved.")
                return redirect("conference:letter", review.pk)
    else:
        form = LetterResolveForm(initial={"paragraph_html": paragraph_now, "version": current.version})
    context = {
        "review": review,
        "membership": membership,
        "comment": comment,
        "letter": current,
        "paragraph_now": paragraph_now,
        "form": form,
        "allowed": richtext.ALLOWED_DESCRIPTION,
    }
    return render(request, "conference/letter_resolve.html", context, status=400 if form.errors else 200)


@require_http_methods(["GET", "POST"])
def letter_publish(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_edit_letter(membership))
    current = get_object_or_404(Letter, review=review)
    form = PublishForm(request.POST if request.method == "POST" else None)
    drafts = service.draft_findings(review).count()
    if request.method == "POST" and form.is_valid():
        try:
            published = service.publish_letter(
                letter=current, user=request.user, include_drafts=form.cleaned_data["include_drafts"]
            )
        except ValidationError as error:
            form.add_error("include_drafts" if drafts and "draft" in error.messages[0] else None, error)
        else:
            messages.success(request, f"The letter and {published} agreed findings are now visible to the council.")
            return redirect("conference:letter", review.pk)
    context = {
        "review": review,
        "membership": membership,
        "letter": current,
        "form": form,
        "drafts": drafts,
        "open_comments": service.open_comment_count(current),
    }
    return render(request, "conference/letter_publish.html", context)


@require_GET
def letter_version(request: HttpRequest, review_id: int, version_number: int) -> HttpResponse:
    review, membership = load_review(request, review_id)
    permissions.require(permissions.can_see_letter_versions(membership))
    version = get_object_or_404(
        LetterVersion.objects.select_related("created_by"), letter__review=review, number=version_number
    )
    context = {"review": review, "membership": membership, "version": version}
    return render(request, "conference/letter_version.html", context)


def _downloadable(request, review_id: int):
    review, membership = load_review(request, review_id)
    current = _letter_for(review, membership)
    if current is None:
        raise Http404("No letter yet.")
    return review, membership, current


def _logged(request, review, target: str) -> None:
    access.describe(request, target)


@require_GET
def letter_pdf(request: HttpRequest, review_id: int) -> HttpResponse:
    review, membership, current = _downloadable(request, review_id)
    try:
        pdf = render_pdf("reports/letter.html", service.document_context(review, current))
    except RenderError as error:
        context = {"review": review, "membership": membership, "reason": str(error)}
        return render(request, "conference/letter_failed.html", context, status=503)
    _logged(request, review, "Feedback letter")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="feedback-letter-review-{review.pk}.pdf"'
    return response


@require_GET
def letter_docx(request: HttpRequest, review_id: int) -> HttpResponse:
    review, _, current = _downloadable(request, review_id)
    content = service.letter_docx(review, current)
    _logged(request, review, "Feedback letter (Word)")
    response = HttpResponse(content, content_type=DOCX_CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="feedback-letter-review-{review.pk}.docx"'
    return response
