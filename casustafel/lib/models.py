"""Abstract bases shared by the domain models."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(_("aangemaakt op"), auto_now_add=True)
    updated_at = models.DateTimeField(_("gewijzigd op"), auto_now=True)

    class Meta:
        abstract = True


class VersionedModel(TimestampedModel):
    """A model edited by people through forms; `version` detects concurrent edits.

    Every edit form carries the version it was loaded with; the update service refuses the save
    when the stored version moved on (see `casustafel.lib.concurrency`).
    """

    version = models.PositiveIntegerField(_("versie"), default=1, editable=False)

    class Meta:
        abstract = True
