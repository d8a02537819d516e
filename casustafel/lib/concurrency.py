"""Optimistic locking: concurrent edits never silently overwrite each other."""

from __future__ import annotations

from typing import TypeVar

from django.db import models
from django.utils.translation import gettext as _

from casustafel.lib.errors import ConflictError

M = TypeVar("M", bound=models.Model)


def lock_for_update(instance: M, *, expected_version: int | None) -> M:
    """Reload `instance` locked for this transaction and check nobody saved in between.

    Args:
        instance: the object the form was built from.
        expected_version: the `version` the user's form was loaded with (None skips the check,
            for system writes that are not based on a form).

    Raises:
        ConflictError: when someone else saved the object after the form was loaded.
    """
    model = type(instance)
    locked = model._default_manager.select_for_update().get(pk=instance.pk)
    current = getattr(locked, "version", None)
    if expected_version is not None and current != expected_version:
        raise ConflictError(
            _(
                "Iemand anders heeft dit intussen gewijzigd. Uw invoer is niet opgeslagen en "
                "staat hieronder nog; bekijk de nieuwe gegevens en sla opnieuw op."
            )
        )
    return locked


def bump_version(instance: models.Model) -> None:
    if hasattr(instance, "version"):
        instance.version += 1  # type: ignore[attr-defined]
