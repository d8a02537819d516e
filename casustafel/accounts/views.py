"""Login with password and TOTP, enrolment, logout, password change, acting membership."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

import segno
from django_otp import login as otp_login
from django_otp import match_token

from casustafel.accounts.forms import DutchPasswordChangeForm, EmailAuthenticationForm, TokenForm
from casustafel.accounts.held_input import SESSION_KEY as HELD_PAGES_KEY
from casustafel.accounts.held_input import held_input_pages, hold_posted_input
from casustafel.accounts.middleware import seconds_left, session_expire
from casustafel.accounts.selectors import has_confirmed_device
from casustafel.accounts.services import mfa_device_confirm, mfa_device_prepare, password_change_own
from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.organisations.middleware import SESSION_KEY
from casustafel.organisations.selectors import memberships_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: EmailAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        # Input the idle timeout kept: note its pages, which give it back when opened.
        pages = held_input_pages(form.get_user())
        if pages:
            self.request.session[HELD_PAGES_KEY] = pages
        return response


def _next_url(request: HttpRequest) -> str:
    candidate = request.GET.get("next") or request.POST.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return candidate
    return str(settings.LOGIN_REDIRECT_URL and reverse_lazy(settings.LOGIN_REDIRECT_URL))


@login_required
def mfa_verify(request: AuthenticatedHttpRequest) -> HttpResponse:
    if not has_confirmed_device(request.user):
        return redirect("accounts:mfa_setup")
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        device = match_token(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            audit_record(actor=Actor.from_request(request), action=AuditAction.MFA_VERIFIED, obj=request.user)
            return HttpResponseRedirect(_next_url(request))
        audit_record(actor=Actor.from_request(request), action=AuditAction.MFA_FAILED, obj=request.user)
        form.add_error("token", _("Deze code is onjuist of verlopen. Gebruik de code die de app nu toont."))
    return render(request, "accounts/mfa_verify.html", {"form": form, "next": request.GET.get("next", "")})


@login_required
def mfa_setup(request: AuthenticatedHttpRequest) -> HttpResponse:
    if request.user.is_verified() or has_confirmed_device(request.user):  # type: ignore[attr-defined]
        return redirect("accounts:mfa_verify") if not request.user.is_verified() else redirect("dashboards:start")  # type: ignore[attr-defined]
    device = mfa_device_prepare(user=request.user)
    form = TokenForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        if mfa_device_confirm(actor=Actor.from_request(request), device=device, token=form.cleaned_data["token"]):
            otp_login(request, device)
            messages.success(
                request, _("De tweede factor is ingesteld. Voortaan vraagt Casustafel bij het inloggen om een code.")
            )
            return HttpResponseRedirect(_next_url(request))
        form.add_error(
            "token",
            _(
                "Deze code klopt niet. Controleer of de tijd op uw telefoon juist is en probeer de code die de app nu toont."
            ),
        )
    qr = segno.make(device.config_url, error="m")
    context = {
        "form": form,
        "qr_svg": qr.svg_inline(scale=5, dark="#000", light="#fff", title=_("QR-code voor uw authenticator-app")),
        "secret": _group(device.bin_key),
    }
    return render(request, "accounts/mfa_setup.html", context)


def _group(key: bytes) -> str:
    from base64 import b32encode

    text = b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = DutchPasswordChangeForm
    success_url = reverse_lazy("dashboards:start")

    def form_valid(self, form: DutchPasswordChangeForm) -> HttpResponse:
        # This session is kept (update_session_auth_hash); the new password hash invalidates
        # every other session of the user: logout everywhere else.
        password_change_own(
            actor=Actor.from_request(self.request), user=form.user, password=form.cleaned_data["new_password1"]
        )
        update_session_auth_hash(self.request, form.user)
        messages.success(self.request, _("Uw wachtwoord is gewijzigd. Op andere apparaten bent u uitgelogd."))
        return HttpResponseRedirect(self.get_success_url())


@require_POST
@login_required
def acting_switch(request: AuthenticatedHttpRequest) -> HttpResponse:
    try:
        membership = memberships_of(request.user).get(pk=int(request.POST.get("membership", "")))
    except (ValueError, Exception) as exc:
        raise Http404 from exc
    request.session[SESSION_KEY] = membership.pk
    request.acting = membership
    audit_record(actor=Actor.from_request(request), action=AuditAction.ACTING_CHANGED, obj=membership)
    messages.success(
        request,
        _("U werkt nu namens %(organisation)s als %(role)s.")
        % {"organisation": membership.organisation.name, "role": membership.get_role_display()},
    )
    return redirect("dashboards:start")


@require_GET
def session_status(request: HttpRequest) -> JsonResponse:
    """How many seconds the session has left before the idle timeout, for the page's own idle
    timer (it asks before holding what is typed, so a colleague tab in use is not logged out).
    Not counted as activity (IdleTimeoutMiddleware lets it through untouched)."""
    return JsonResponse({"seconds_left": int(seconds_left(request))})


@require_POST
def session_hold(request: HttpRequest) -> HttpResponse:
    """The page's idle timer ran out: keep what is typed on the page (its unsaved forms, posted
    here) for the user and end the session, as the server's own idle check would."""
    if not request.user.is_authenticated:
        return _to_login(request)
    page = hold_posted_input(request, request.user)  # type: ignore[arg-type]
    return session_expire(request, page="" if page == request.path else page)


def _to_login(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(status=204)
    response["HX-Redirect"] = str(reverse_lazy("accounts:login"))
    return response
