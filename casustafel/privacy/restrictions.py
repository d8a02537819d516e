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
from casustafel.privacy.models_sar import RestrictionMark


def restricted_person_ids(person_ids: Iterable[int | None], *, on: dt.date | None = None) -> set[int]:
    """The ids among `person_ids` with an active restriction mark (one query)."""
    wanted = {pk for pk in person_ids if pk is not None}
    if not wanted:
        return set()
    return set(RestrictionMark.objects.active(on).filter(person__in=wanted).values_list("person_id", flat=True))


def is_restricted(person_id: int | None, *, on: dt.date | None = None) -> bool:
    return bool(person_id) and RestrictionMark.objects.active(on).filter(person=person_id).exists()


def restriction_refuse_new_information(person_id: int | None) -> None:
    """Refuse to record new information about a person whose processing is restricted.

    Raises:
        ServiceError: with a Dutch message naming the restriction and whom to contact.
    """
    if is_restricted(person_id):
        raise ServiceError(
            _(
                "Voor deze persoon is de verwerking beperkt (AVG art. 18). Er kan nu geen nieuwe informatie over "
                "deze persoon worden vastgelegd. Is dat toch nodig, bijvoorbeeld voor de veiligheid van een ander? "
                "Neem contact op met de privacyfunctionaris van het huis."
            )
        )
