"""Domain errors raised by services and turned into Dutch messages by views."""

from __future__ import annotations

from django.core.exceptions import ValidationError


class ConflictError(ValidationError):
    """Someone else changed the object since the user's form was loaded."""


class ServiceError(ValidationError):
    """A business rule refused the write; the message is shown to the user."""
