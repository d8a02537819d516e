"""Login forms with Dutch labels and messages."""

from __future__ import annotations

from django import forms
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.utils.translation import gettext_lazy as _


class EmailAuthenticationForm(AuthenticationForm):
    username = forms.EmailField(
        label=_("E-mailadres"),
        widget=forms.EmailInput(attrs={"autocomplete": "username", "autofocus": True}),
    )
    error_messages = {
        # One message for a wrong e-mail address and a wrong password: never reveal which
        # addresses have an account.
        "invalid_login": _(
            "Het e-mailadres of het wachtwoord is onjuist. Let op: na enkele mislukte pogingen wordt het account tijdelijk geblokkeerd."
        ),
        "inactive": _("Dit account is niet actief. Neem contact op met de functioneel beheerder."),
    }


class TokenForm(forms.Form):
    token = forms.CharField(
        label=_("Code uit uw authenticator-app"),
        min_length=6,
        max_length=8,
        help_text=_("De zes cijfers die de app nu toont."),
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "pattern": "[0-9]*", "autofocus": True}
        ),
        error_messages={"required": _("Vul de code in."), "min_length": _("De code bestaat uit zes cijfers.")},
    )

    def clean_token(self) -> str:
        token = self.cleaned_data["token"].replace(" ", "")
        if not token.isdigit():
            raise forms.ValidationError(_("De code bestaat alleen uit cijfers."))
        return token


class DutchPasswordChangeForm(PasswordChangeForm):
    error_messages = {
        **PasswordChangeForm.error_messages,
        "password_incorrect": _("Uw huidige wachtwoord is onjuist. Vul het opnieuw in."),
        "password_mismatch": _("De twee nieuwe wachtwoorden zijn niet gelijk."),
    }
