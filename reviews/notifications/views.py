"""A person's notifications, the emails the site sent them, and how they want to be emailed."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from . import services
from .forms import NotificationSettingsForm
from .models import EmailRecord, Notification, NotificationSettings

PAGE_SIZE = 25


@require_GET
def notification_list(request: HttpRequest) -> HttpResponse:
    notifications = (
        Notification.objects.filter(recipient=request.user)
        .select_related("review", "email")
        .order_by("-created_at", "-pk")
    )
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/list.html", {"page": page, "notifications": list(page)})


@require_POST
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    if not services.mark_read(user=request.user, notification_id=notification_id):
        raise Http404("No such notification.")
    messages.success(request, "Marked as read.")
    return redirect("notifications:list")


@require_POST
def mark_all_read(request: HttpRequest) -> HttpResponse:
    count = services.mark_all_read(user=request.user)
    messages.success(request, "No notifications were unread." if count == 0 else f"Marked {count} as read.")
    return redirect("notifications:list")


@require_GET
def email_list(request: HttpRequest) -> HttpResponse:
    emails = EmailRecord.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(emails, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notifications/emails.html", {"page": page, "emails": list(page)})


@require_http_methods(["GET", "POST"])
def email_settings(request: HttpRequest) -> HttpResponse:
    if request.method == "POST":
        with transaction.atomic():
            row, _ = NotificationSettings.objects.select_for_update().get_or_create(user=request.user)
            form = NotificationSettingsForm(request.POST, instance=row)
            if form.is_valid():
                saved = form.save_next_version()
                messages.success(request, f"Your choice is saved: {saved.get_email_display().lower()}.")
                return redirect("notifications:list")
            transaction.set_rollback(True)  # a first choice that fails leaves no row behind
    else:
        row = NotificationSettings.objects.filter(user=request.user).first() or NotificationSettings(user=request.user)
        form = NotificationSettingsForm(instance=row)
        if row.pk is None:
            form.fields["version"].initial = 1
    return render(request, "notifications/settings.html", {"form": form})
