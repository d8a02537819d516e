"""Restriction of processing (AVG art. 18) as the rest of the project sees it: which persons carry
an active restriction mark, and the guard person services call before they record anything new
about a person.

Imports nothing from the cases app, so `casustafel.cases.services` can import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.utils.translation import gettext as _

from casustafel.lib.errors import ServiceError
from casustafel.privacy.subject_access.models import RestrictionMark


def restricted_person_ids(person_ids: Iterable[int | None], *, on: dt.date | None = None) -> set[int]:
    """The ids among `person_ids` with an active restriction mark (one query)."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return set()
    return set(RestrictionMark.objects.active(on).filter(person__in=wanted).values_list("person_id", flat=True))


def is_restricted(person_id: int | None, *, on: dt.date | None = None) -> bool:
    return bool(person_id) and RestrictionMark.objects.active(on).filter(person=person_id).exists()


def restriction_message() -> str:
    """The Dutch refusal for new information about a restricted person, and whom to contact."""
    return _(
        "Voor deze persoon is de verwerking beperkt (AVG art. 18). Er kan nu geen nieuwe informatie over "
        "deze persoon worden vastgelegd. Is dat toch nodig, bijvoorbeeld voor de veiligheid van een ander? "
        "Neem contact op met de privacyfunctionaris van het huis."
    )


def restriction_refuse_new_information(person_id: int | None, *, field: str | None = None) -> None:
    """Refuse to record new information about a person whose processing is restricted.

    Args:
        person_id: the person the information is about (None: the household; nothing refused).
        field: the form field that chose the person, to show the message next to it.

    Raises:
        ServiceError: with a Dutch message naming the restriction and whom to contact (keyed by
            `field` when given).
    """
    if is_restricted(person_id):
        raise ServiceError({field: restriction_message()} if field else restriction_message())
