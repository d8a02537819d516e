"""Whether a recipient may (still) see the case a notification is about.

Notifications sit below `cases` (any app may send one), so they cannot ask `Case.objects
.visible_to` themselves: the cases app registers the check when Django starts
(`CasesConfig.ready`). A notification about a case its recipient cannot see is not created, and
one whose recipient lost sight of the case before it was e-mailed is not e-mailed.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from django.core.exceptions import ImproperlyConfigured

from casustafel.accounts.models import User

CaseGate = Callable[[User, Collection[int]], set[int]]

_gate: list[CaseGate] = []


def register_case_gate(gate: CaseGate) -> None:
    """Set the function that returns which of the given case ids the user may see now."""
    _gate[:] = [gate]


def visible_case_ids(user: User, case_ids: Collection[int]) -> set[int]:
    if not case_ids:
        return set()
    if not _gate:
        raise ImproperlyConfigured("no case gate registered (casustafel.cases must be installed)")
    return _gate[0](user, case_ids)
