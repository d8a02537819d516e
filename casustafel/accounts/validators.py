"""Password validators whose messages exist in Dutch (Django's own nl catalogue lacks the
plural form of the minimum-length message)."""

from __future__ import annotations

from django.contrib.auth import password_validation
from django.utils.translation import gettext as _


class MinimumLengthValidator(password_validation.MinimumLengthValidator):
    def get_error_message(self) -> str:
        return _("Dit wachtwoord is te kort: gebruik minstens %(min_length)d tekens.") % {"min_length": self.min_length}

    def get_help_text(self) -> str:
        return _("Uw wachtwoord moet minstens %(min_length)d tekens lang zijn.") % {"min_length": self.min_length}
