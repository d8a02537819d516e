"""Restriction of processing (AVG art. 18) as the rest of the project sees it: which persons carry
an active restriction mark, and the one mechanism that keeps every write path from recording
anything new about them (issue 7, point 13).

Every service that writes case data declares how it stands to a restriction, by decorator:

- `@refuses_restricted(about=...)`: the write records something about persons; `about(result,
  arguments)` names them (with the form field to show the message at). The service runs in a
  savepoint; when one of them carries an active mark the write is rolled back and a Dutch
  `ServiceError` raised. Checking the result, after the service validated its input, means the
  refusal is never an oracle: only a write that would otherwise succeed learns of the mark.
- `@restriction_exempt(reason)`: the write records nothing new about a person (it ends,
  withdraws or destroys, or touches an organisation or a date), said in so many words.

`casustafel/privacy/tests/test_restriction_mechanism.py` walks every service module of the
project: a service with an `actor` that declares neither fails it.

Imports nothing from the cases app, so `casustafel.cases.services` can import it without a cycle.
"""

from __future__ import annotations

import datetime as dt
import functools
import inspect
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import transaction
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


F = TypeVar("F", bound=Callable[..., Any])
# A person a write is about, and the form field (or None) the refusal is shown at.
PersonRef = tuple[int | None, str | None]
RULE_ATTRIBUTE = "restriction_rule"


@dataclass(frozen=True)
class RestrictionRule:
    """How a service stands to restriction of processing (read by the walking test)."""

    checked: bool
    reason: str = ""


def refuses_restricted(
    about: Callable[[Any, Mapping[str, Any]], Iterable[PersonRef]],
    *,
    on_refusal: Callable[[Any], None] | None = None,
) -> Callable[[F], F]:
    """Refuse the write when a person it records something about carries an active mark.

    Args:
        about: `(result, arguments) -> [(person_id, field), ...]`, the persons the write was
            about (`arguments` are the service's arguments by name).
        on_refusal: undoes what the database rollback cannot (a stored file), given the result.
    """

    def decorate(service: F) -> F:
        signature = inspect.signature(service)

        @functools.wraps(service)
        def guarded(*args: Any, **kwargs: Any) -> Any:
            arguments = signature.bind(*args, **kwargs).arguments
            with transaction.atomic():
                result = service(*args, **kwargs)
                try:
                    for person_id, field in about(result, arguments):
                        restriction_refuse_new_information(person_id, field=field)
                except ServiceError:
                    if on_refusal is not None:
                        on_refusal(result)
                    raise
            return result

        setattr(guarded, RULE_ATTRIBUTE, RestrictionRule(checked=True))
        return guarded  # type: ignore[return-value]

    return decorate


def restriction_exempt(reason: str) -> Callable[[F], F]:
    """Declare that a service records nothing new about a person, and why."""

    def decorate(service: F) -> F:
        setattr(service, RULE_ATTRIBUTE, RestrictionRule(checked=False, reason=reason))
        return service

    return decorate
