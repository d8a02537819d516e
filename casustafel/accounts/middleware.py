"""Session rules: an idle timeout, no page without the second factor, and no page with a
temporary password."""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import NoReverseMatch, reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from casustafel.accounts.held_input import hold_posted_input
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record

LAST_ACTIVITY_KEY = "last_activity"
# The moment of last activity is written back to the session at most this often: writing it on
# every request turned every page view, reads included, into an UPDATE of the session row. The
# cost is precision: a session expires between SESSION_IDLE_TIMEOUT_MINUTES minus this many
# seconds and SESSION_IDLE_TIMEOUT_MINUTES after the last request.
ACTIVITY_WRITE_INTERVAL_SECONDS = 60


def _redirect(request: HttpRequest, url: str) -> HttpResponse:
    # HtmxMiddleware runs later in the chain, so read the header itself.
    if request.headers.get("HX-Request") == "true":
        response = HttpResponse(status=204)
        response["HX-Redirect"] = url
        return response
    return HttpResponseRedirect(url)


class IdleTimeoutMiddleware:
    """Logs a user out after SESSION_IDLE_TIMEOUT_MINUTES without a request, with a message
    saying why, so that an unattended screen does not stay open on case data. The session is
    written only when its recorded activity is older than ACTIVITY_WRITE_INTERVAL_SECONDS."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if _is_status_check(request):
            # The page's idle timer asking how long is left is no activity, and never expires
            # a session itself: the view answers from the last activity.
            return self.get_response(request)
        if request.user.is_authenticated:
            now = time.time()
            last = request.session.get(LAST_ACTIVITY_KEY)
            if last is not None and now - float(last) > settings.SESSION_IDLE_TIMEOUT_MINUTES * 60:
                # A form posted after the timeout is kept, for the page it was typed on.
                page = hold_posted_input(request, request.user) if request.method == "POST" else request.get_full_path()  # type: ignore[arg-type]
                return session_expire(request, page=page)
            if last is None or now - float(last) >= ACTIVITY_WRITE_INTERVAL_SECONDS:
                request.session[LAST_ACTIVITY_KEY] = now
        return self.get_response(request)


def _is_status_check(request: HttpRequest) -> bool:
    try:
        return request.path == reverse("accounts:session_status")
    except NoReverseMatch:  # a URL configuration without the accounts app (some tests)
        return False


def seconds_left(request: HttpRequest) -> float:
    """Seconds until the idle timeout ends the session (0 when it has, or nobody is logged in)."""
    if not request.user.is_authenticated:
        return 0.0
    last = request.session.get(LAST_ACTIVITY_KEY)
    if last is None:
        return float(settings.SESSION_IDLE_TIMEOUT_MINUTES * 60)
    return max(0.0, settings.SESSION_IDLE_TIMEOUT_MINUTES * 60 - (time.time() - float(last)))


def session_expire(request: HttpRequest, *, page: str) -> HttpResponse:
    """End the session for inactivity: audited, with a Dutch message, back to `page` after
    logging in again (htmx requests get an HX-Redirect)."""
    user = request.user
    audit_record(actor=Actor(user=user), action=AuditAction.SESSION_EXPIRED, obj=user)  # type: ignore[arg-type]
    logout(request)
    messages.info(
        request,
        _("Uw sessie is verlopen na %(minutes)s minuten zonder activiteit. Log opnieuw in.")
        % {"minutes": settings.SESSION_IDLE_TIMEOUT_MINUTES},
    )
    query = urlencode({"next": page}) if page else ""
    return _redirect(request, reverse("accounts:login") + (f"?{query}" if query else ""))


# Paths a user who passed the password but not yet the second factor may open.
_OPEN_PREFIXES = ("/static/", "/i18n/")


class SecondFactorMiddleware:
    """Sends users who logged in with their password to TOTP verification or enrolment."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if settings.MFA_REQUIRED and user.is_authenticated and not user.is_verified():  # type: ignore[union-attr,attr-defined]
            allowed = {reverse("accounts:mfa_verify"), reverse("accounts:mfa_setup"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(_OPEN_PREFIXES):
                from casustafel.accounts.selectors import has_confirmed_device

                target = "accounts:mfa_verify" if has_confirmed_device(user) else "accounts:mfa_setup"  # type: ignore[arg-type]
                url = reverse(target)
                if request.method == "GET" and request.path != "/":
                    url += "?" + urlencode({"next": request.get_full_path()})
                return _redirect(request, url)
        return self.get_response(request)


class PasswordChangeRequiredMiddleware:
    """Sends a user whose password an administrator set (`User.must_change_password`) to the
    password change page until they chose their own: nobody works under a password someone
    else knows. Runs after the second factor, so enrolment comes first."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated and getattr(user, "must_change_password", False):
            allowed = {reverse("accounts:password_change"), reverse("accounts:logout")}
            if request.path not in allowed and not request.path.startswith(_OPEN_PREFIXES):
                if request.method == "GET" and not request.headers.get("HX-Request"):
                    messages.info(
                        request, _("U bent ingelogd met een tijdelijk wachtwoord. Kies eerst een eigen wachtwoord.")
                    )
                return _redirect(request, reverse("accounts:password_change"))
        return self.get_response(request)
