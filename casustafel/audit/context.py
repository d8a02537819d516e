"""Who is acting: the user, the membership they act for, and the request."""

from __future__ import annotations

import contextvars
import ipaddress
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.http import HttpRequest

if TYPE_CHECKING:
    from casustafel.accounts.models import User
    from casustafel.organisations.models import Membership

_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="")


def current_request_id() -> str:
    return _request_id.get()


def set_request_id(value: str) -> contextvars.Token[str]:
    return _request_id.set(value)


def new_request_id() -> str:
    return uuid.uuid4().hex


def _trusted(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in settings.TRUSTED_PROXY_NETWORKS)


def from_trusted_proxy(request: HttpRequest) -> bool:
    """Whether the connection comes from a proxy listed in TRUSTED_PROXIES, whose forwarding
    headers may be believed."""
    return _trusted(request.META.get("REMOTE_ADDR", ""))


def client_ip(request: HttpRequest) -> str | None:
    """The client's address: the connecting address, or, behind a trusted proxy, the nearest
    address in X-Forwarded-For that is not itself a trusted proxy. A client cannot choose what
    is recorded by sending the header itself."""
    remote = request.META.get("REMOTE_ADDR") or None
    if remote is None or not _trusted(remote):
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for address in reversed(forwarded):
        try:
            ipaddress.ip_address(address)
        except ValueError:
            return remote  # a malformed chain: keep what we know
        if not _trusted(address):
            return address
    return remote


@dataclass(frozen=True)
class Actor:
    """The acting party of a service call, recorded on every audit event.

    Args:
        user: the natural person acting (None for the system itself, e.g. a scheduled job).
        membership: the organisation and role they act for.
        on_behalf_of: during a substitution, the absent colleague whose access is used.
        ip_address: the client address, when acting through the web.
    """

    user: User | None
    membership: Membership | None = None
    on_behalf_of: User | None = None
    ip_address: str | None = None

    @classmethod
    def from_request(cls, request: HttpRequest, *, on_behalf_of: User | None = None) -> Actor:
        """The actor of a web request. Views that reach a case through a substitution pass
        the absent colleague (`cases.selectors.cases.substituted_user_for`) as `on_behalf_of`."""
        user = request.user if request.user.is_authenticated else None
        return cls(
            user=user,  # type: ignore[arg-type]
            membership=getattr(request, "acting", None),
            on_behalf_of=on_behalf_of,
            ip_address=client_ip(request),
        )

    @classmethod
    def system(cls) -> Actor:
        return cls(user=None)
