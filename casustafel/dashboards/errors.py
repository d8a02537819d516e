"""Error pages in Dutch that reveal nothing about the data or the code."""

from __future__ import annotations

import logging

from django.http import Http404, HttpRequest, HttpResponse
from django.template import loader

from casustafel.audit.context import current_request_id

logger = logging.getLogger(__name__)


def _render(request: HttpRequest, template: str, status: int) -> HttpResponse:
    body: str
    try:
        body = loader.render_to_string(template, {"request_id": current_request_id()}, request=request)
    except Exception:  # pragma: no cover - the error page itself must never fail
        logger.exception("error page %s failed to render", status)
        body = "<!doctype html><title>Fout</title><p>Er ging iets mis.</p>"
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/400.html", 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/403.html", 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _render(request, "errors/404.html", 404)


def server_error(request: HttpRequest) -> HttpResponse:
    # The error page has no request context processors: they might be what failed.
    body = loader.render_to_string("errors/500.html", {"request_id": current_request_id()})
    return HttpResponse(body, status=500)


def preview(request: HttpRequest, code: int) -> HttpResponse:
    """Development only: look at an error page."""
    pages = {400: bad_request, 403: permission_denied, 404: page_not_found}
    if code == 500:
        return server_error(request)
    if code not in pages:
        raise Http404
    return pages[code](request)
