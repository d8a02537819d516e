"""Request ids for correlating audit events and logs, scrubbing of logged errors, and the
security events of refused requests on case, person and referral URLs."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casustafel.audit.context import (
    Actor,
    _request_id,
    current_request_id,
    from_trusted_proxy,
    new_request_id,
    set_request_id,
)

_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id for logs and audit events. The server makes it; a well-formed
    X-Request-ID is kept only when it comes from a proxy in TRUSTED_PROXIES (which correlates
    its own logs with ours). A client cannot choose the id its requests are logged under."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "") if from_trusted_proxy(request) else ""
        request_id = incoming if _VALID_ID.match(incoming) else new_request_id()
        token = set_request_id(request_id)
        request.request_id = request_id  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response["X-Request-ID"] = request_id
        return response


class RequestIdLogFilter(logging.Filter):
    """Adds the request id to every log record and strips exception messages and request
    details, which can hold names or free text about people."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current_request_id() or "-"
        if record.exc_info and record.exc_info[0] is not None:
            exc_type, _exc, tb = record.exc_info
            # Frames (file, line, function) help debugging; the exception message and local
            # values are withheld because they can carry personal data.
            frames = " <- ".join(
                f"{frame.filename.rsplit('/', 1)[-1]}:{frame.lineno} {frame.name}"
                for frame in reversed(traceback.extract_tb(tb)[-8:])
            )
            record.msg = f"unhandled {exc_type.__module__}.{exc_type.__qualname__} at {frames}"
            record.args = ()
            record.exc_info = None
            record.exc_text = None
        if hasattr(record, "request"):
            record.request = None
        return True


# The URLs whose refusal is a security event: everything under /casussen/ (cases, referrals,
# triage, persons) and the privacy pages that name a case, referral or subject access request.
_SCOPE_PREFIXES = ("/casussen/", "/privacy/bewaartermijnen/", "/privacy/inzageverzoeken/")
_SCOPE_KWARG = re.compile(r"case|referral|person|party", re.IGNORECASE)
# The object a route is about, by the segment before its first id.
_ROUTE_OBJECTS = (
    (re.compile(r"(?:^|/)(?:aanmeldingen|triage)/<int:pk>/"), "cases.referral"),
    (re.compile(r"(?:^|/)casussen/<int:pk>/"), "cases.case"),
    (re.compile(r"(?:^|/)personen/<int:pk>/"), "cases.person"),
    (re.compile(r"(?:^|/)inzageverzoeken/<int:pk>/"), "privacy.subjectaccessrequest"),
)


def refused_target(request: HttpRequest) -> tuple[str, str] | None:
    """(object type, id) of a refused case, person or referral URL; ("", "") for a list of
    them; None for a URL outside that scope."""
    match = request.resolver_match
    if match is None:
        return None
    if not request.path.startswith(_SCOPE_PREFIXES) and not any(_SCOPE_KWARG.search(name) for name in match.kwargs):
        return None
    for pattern, object_type in _ROUTE_OBJECTS:
        if pattern.search(match.route) and "pk" in match.kwargs:
            return object_type, str(match.kwargs["pk"])
    return "", ""


class RefusalAuditMiddleware:
    """Logs every refused request (404 from the scope rule, 403) of a logged-in user on a case,
    person or referral URL as an `access_denied` security event: who, for which organisation,
    which view and ids, which status. Never with a case or person id of its own, so a refusal
    is not a read of anyone's data. The privacy officer sees these in the access log, and the
    detector `many_refusals` flags a user refused many times in a short time.

    A 404 for an id that does not exist is logged the same way: the user cannot tell the two
    apart, and neither should the log reveal which ids exist.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code in (403, 404) and request.user.is_authenticated:
            target = refused_target(request)
            if target is not None:
                self._record(request, response.status_code, target)
        return response

    @staticmethod
    def _record(request: HttpRequest, status: int, target: tuple[str, str]) -> None:
        # Imported here: the logging configuration loads this module before the apps are ready.
        from casustafel.audit.models import AuditAction
        from casustafel.audit.services import audit_record

        match = request.resolver_match
        assert match is not None  # refused_target checked it
        object_type, object_id = target
        ids = {name: value for name, value in match.kwargs.items() if isinstance(value, int)}
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.ACCESS_DENIED,
            changes={"status": status, "view": match.view_name, "method": request.method, "ids": ids},
            object_type=object_type,
            object_id=object_id,
        )
