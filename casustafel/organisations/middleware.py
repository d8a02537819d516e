"""Which membership (organisation and role) the logged-in user acts for in this request."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from casustafel.organisations.selectors import acting_membership_for, remember_request_memberships

SESSION_KEY = "acting_membership_id"


class ActingMembershipMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.acting = None  # type: ignore[attr-defined]
        if request.user.is_authenticated:
            request.acting = acting_membership_for(  # type: ignore[attr-defined]
                request.user,  # type: ignore[arg-type]
                preferred_id=request.session.get(SESSION_KEY),
                memberships=remember_request_memberships(request.user),
            )
        return self.get_response(request)
