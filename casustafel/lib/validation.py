"""Small helpers for services that validate free text and report errors per field in Dutch."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

TEXT_MAX_LENGTH = 2000


def text_error(value: str, empty: str, *, max_length: int = TEXT_MAX_LENGTH) -> str | None:
    """The message for a text field: `empty` when blank, a length message when too long."""
    if not value.strip():
        return empty
    if len(value) > max_length:
        return _("Houd het korter: hoogstens %(max)s tekens.") % {"max": max_length}
    return None


def raise_errors(errors: Mapping[str, str | None]) -> None:
    """Raise one ValidationError with every message that is set, per field; nothing when none."""
    found = {name: message for name, message in errors.items() if message}
    if found:
        raise ValidationError(found)
