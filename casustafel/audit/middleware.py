"""Request ids for correlating audit events and logs, and scrubbing of logged errors."""

from __future__ import annotations

import logging
import re
import traceback
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casustafel.audit.context import _request_id, current_request_id, new_request_id, set_request_id

_VALID_ID = re.compile(r"^[A-Za-z0-9-]{8,64}$")


class RequestIdMiddleware:
    """Gives every request an id (or keeps a sane one from the proxy) for logs and audit events."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
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
