"""Notification pages. Every user sees only their own notifications; another user's gives 404.
The texts are neutral (no names, no case content), so the list writes no READ audit event."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.notifications.models import Notification
from casustafel.notifications.services import notification_mark_read, notifications_mark_all_read

PAGE_SIZE = 25


@require_GET
@login_required
def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    notifications = Notification.objects.filter(recipient=request.user).order_by("-created_at", "-pk")
    page = Paginator(notifications, PAGE_SIZE).get_page(request.GET.get("page"))
    unread = Notification.objects.unread().filter(recipient=request.user).count()
    return render(request, "notifications/notification_list.html", {"page": page, "unread": unread})


@require_GET
@login_required
def unread_count(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The header's badge, loaded by htmx after the page: no query added to every page."""
    count = Notification.objects.unread().filter(recipient=request.user).count()
    return render(request, "notifications/partials/unread_count.html", {"count": count})


@require_POST
@login_required
def notification_open(request: AuthenticatedHttpRequest, notification_pk: int) -> HttpResponse:
    notification = get_object_or_404(Notification, pk=notification_pk, recipient=request.user)
    notification_mark_read(actor=Actor.from_request(request), notification=notification)
    if not url_has_allowed_host_and_scheme(notification.url, allowed_hosts={request.get_host()}):
        return HttpResponseRedirect(reverse("notifications:notification_list"))
    return HttpResponseRedirect(notification.url)


@require_POST
@login_required
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    count = notifications_mark_all_read(actor=Actor.from_request(request))
    if count:
        messages.success(request, _("Alle meldingen zijn als gelezen gemarkeerd."))
    return HttpResponseRedirect(reverse("notifications:notification_list"))
