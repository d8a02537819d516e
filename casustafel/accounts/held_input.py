"""Nothing typed is lost when the idle timeout ends a session.

When a session expires on a form post (the server's idle check), or the page's own idle timer
posts what is typed on it (`session_hold`), the posted fields are kept encrypted for that user
and the page they were typed on. After logging in again the user is sent back to that page,
where `held_input_take` hands the fields to the page once (base.html, `{% held_input %}`) and
casustafel.js puts them back into the forms, unsaved.

Kept: field names and values as posted, never files. Not kept: the CSRF token. For the same
user and page only; deleted once given back, and in any case after SESSION_COOKIE_AGE.
"""

from __future__ import annotations

import datetime as dt
import json
from urllib.parse import urlsplit

from django.conf import settings
from django.db import transaction
from django.http import HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme

from casustafel.accounts.models import HeldInput, User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.lib.encryption import decrypt_text, encrypt_text

# The page the fields were typed on, sent along by casustafel.js with what it holds.
PAGE_FIELD = "ct-held-page"
# The pages with held input, noted in the session at login: no other page pays a query for it.
SESSION_KEY = "held_input_pages"
SKIPPED_FIELDS = frozenset({"csrfmiddlewaretoken", PAGE_FIELD})
# A referral page with every section typed in holds a few dozen fields of a few KB.
MAX_FIELDS = 300
MAX_CHARACTERS = 200_000

Fields = dict[str, list[str]]


def _max_age() -> dt.timedelta:
    return dt.timedelta(seconds=settings.SESSION_COOKIE_AGE)


def _local_path(request: HttpRequest, candidate: str) -> str:
    """`candidate` reduced to a path on this site, or '' when it points elsewhere."""
    if not candidate or not url_has_allowed_host_and_scheme(candidate, {request.get_host()}, request.is_secure()):
        return ""
    parts = urlsplit(candidate)
    path = parts.path or ""
    if not path.startswith("/") or path.startswith("//"):
        return ""
    return path + (f"?{parts.query}" if parts.query else "")


def held_page(request: HttpRequest) -> str:
    """The page a posted form was typed on: what casustafel.js says, else the referring page of
    this site (a section posts to its own URL, the user typed on the page), else the post's URL."""
    return (
        _local_path(request, request.POST.get(PAGE_FIELD, ""))
        or _local_path(request, request.headers.get("Referer", ""))
        or request.get_full_path()
    )


def posted_fields(request: HttpRequest) -> Fields:
    return {name: request.POST.getlist(name) for name in request.POST if name not in SKIPPED_FIELDS}


def csrf_valid(request: HttpRequest) -> bool:
    """The post carries this session's CSRF token. The idle check runs before the CSRF
    middleware looks at the view, so it checks this itself before keeping anything."""
    checker = CsrfViewMiddleware(lambda req: None)  # type: ignore[arg-type,return-value]
    return checker.process_view(request, lambda req: None, (), {}) is None  # type: ignore[arg-type,return-value]


@transaction.atomic
def held_input_keep(*, actor: Actor, user: User, path: str, fields: Fields) -> HeldInput | None:
    """Keep what `user` typed on `path`, replacing what was held for that page before.

    Returns:
        The held input, or None when there is nothing to keep or it exceeds the limits.
    """
    HeldInput.objects.filter(created_at__lt=timezone.now() - _max_age()).delete()
    kept = {name: values for name, values in fields.items() if any(value.strip() for value in values)}
    size = sum(len(name) + sum(len(value) for value in values) for name, values in kept.items())
    if not kept or len(kept) > MAX_FIELDS or size > MAX_CHARACTERS:
        return None
    HeldInput.objects.filter(user=user, path=path).delete()
    held = HeldInput.objects.create(user=user, path=path[:500], data=encrypt_text(json.dumps(kept)))
    # The field names only: the values are free text about people.
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=held, changes={"path": [None, path], "fields": [None, sorted(kept)]}
    )
    return held


@transaction.atomic
def held_input_take(*, user: User, path: str) -> Fields | None:
    """What `user` had typed on `path` when their session expired, once: it is deleted here."""
    rows = list(
        HeldInput.objects.select_for_update().filter(user=user, path=path, created_at__gte=timezone.now() - _max_age())
    )
    if not rows:
        return None
    newest = max(rows, key=lambda row: (row.created_at, row.pk))
    HeldInput.objects.filter(pk__in=[row.pk for row in rows]).delete()
    audit_record(actor=Actor(user=user), action=AuditAction.DELETE, obj=newest, changes={"path": [path, None]})
    text = decrypt_text(newest.data)
    return json.loads(text) if text else None


def held_input_pages(user: User) -> list[str]:
    """The pages `user` has held input for (asked once, at login)."""
    recent = HeldInput.objects.filter(user=user, created_at__gte=timezone.now() - _max_age())
    return sorted(set(recent.values_list("path", flat=True)))


def held_input_for_page(request: HttpRequest) -> Fields | None:
    """What the logged-in user typed on this page before their session expired, once; no query
    unless the login noted held input for this very page."""
    pages = request.session.get(SESSION_KEY) or []
    path = request.get_full_path()
    if path not in pages:
        return None
    request.session[SESSION_KEY] = [page for page in pages if page != path]
    return held_input_take(user=request.user, path=path)  # type: ignore[arg-type]


def hold_posted_input(request: HttpRequest, user: User) -> str:
    """Keep what `request` posted (with a valid CSRF token) for `user` on the page it was typed
    on. Returns that page, to send the user back to after logging in."""
    page = held_page(request)
    if request.method == "POST" and csrf_valid(request):
        held_input_keep(actor=Actor(user=user), user=user, path=page, fields=posted_fields(request))
    return page
