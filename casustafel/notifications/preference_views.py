"""Per user: which kinds of notification also come by e-mail (in the app they always come)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.forms import ServerValidatedForm
from casustafel.notifications.models import NotificationKind, NotificationPreference
from casustafel.notifications.services import notification_preferences_set


class PreferencesForm(ServerValidatedForm):
    email_kinds = forms.MultipleChoiceField(
        label=gettext_lazy("Ook per e-mail"),
        choices=NotificationKind.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text=gettext_lazy(
            "Een e-mail bevat alleen deze zin en een link, nooit een naam of inhoud. In de app krijgt u elke melding."
        ),
    )


@require_http_methods(["GET", "POST"])
@login_required
def preferences(request: AuthenticatedHttpRequest) -> HttpResponse:
    off = set(NotificationPreference.objects.filter(user=request.user, email=False).values_list("kind", flat=True))
    initial = {"email_kinds": [kind for kind in NotificationKind.values if kind not in off]}
    form = PreferencesForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        notification_preferences_set(actor=Actor.from_request(request), email_kinds=form.cleaned_data["email_kinds"])
        messages.success(request, _("Uw keuze is opgeslagen."))
        return HttpResponseRedirect(reverse("notifications:preferences"))
    return render(request, "notifications/preferences.html", {"form": form})
