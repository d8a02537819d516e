"""Optimistic locking: concurrent edits never silently overwrite each other."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from casustafel.lib.errors import ConflictError

M = TypeVar("M", bound=models.Model)


# What a view passes as the expected version when the post carried none: never a real version
# (they start at 1), so the check refuses instead of being skipped (None skips, for system writes).
MISSING_VERSION = -1


def missing_version_message() -> str:
    return _(
        "Dit formulier mist de versie waarmee het werd geladen, dus er kan niet worden gecontroleerd of "
        "iemand anders het intussen heeft gewijzigd. Niets is opgeslagen. Laad de pagina opnieuw; uw "
        "invoer staat hieronder."
    )


def conflict_error() -> ConflictError:
    return ConflictError(
        _(
            "Iemand anders heeft dit intussen gewijzigd. Uw invoer is niet opgeslagen en "
            "staat hieronder nog; bekijk de nieuwe gegevens en sla opnieuw op."
        )
    )


def check_version(
    current: int | None, expected_version: int | None, conflict: Callable[[], ConflictError] = conflict_error
) -> None:
    """Refuse a write based on an older version, or on none at all (`MISSING_VERSION`).

    Raises:
        ConflictError: the version differs (`conflict()`), or the post carried none.
    """
    if expected_version is None:
        return
    if expected_version == MISSING_VERSION:
        raise ConflictError(missing_version_message())
    if current != expected_version:
        raise conflict()


def lock_for_update(instance: M, *, expected_version: int | None) -> M:
    """Reload `instance` locked for this transaction and check nobody saved in between.

    Services check permission before they call this: a stale page on a forbidden action is a
    403, not a conflict.

    Args:
        instance: the object the form was built from.
        expected_version: the `version` the user's form was loaded with (None skips the check,
            for system writes that are not based on a form; `MISSING_VERSION` always refuses).

    Raises:
        ConflictError: when someone else saved the object after the form was loaded.
    """
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    check_version(getattr(locked, "version", None), expected_version)
    return locked


def bump_version(instance: models.Model) -> None:
    if hasattr(instance, "version"):
        instance.version += 1  # type: ignore[attr-defined]


def posted_version(value: str | None) -> int:
    """The version a form without a form class (a single button) posted, or `MISSING_VERSION`
    when it is missing or not a number: the service then refuses, after its permission check."""
    text = (value or "").strip()
    if not text.isascii() or not text.isdigit() or len(text) > 18:
        return MISSING_VERSION
    return int(text)
