"""`{% held_input %}` in base.html: on the page a user was typing on when their session expired,
what they typed (once), for casustafel.js to put back into the forms."""

from __future__ import annotations

from typing import Any

from django import template
from django.conf import settings

from casustafel.accounts.held_input import held_input_for_page

register = template.Library()


@register.inclusion_tag("includes/held_input.html", takes_context=True)
def held_input(context: template.Context) -> dict[str, Any]:
    request = context.get("request")
    if request is None or request.method != "GET" or not request.user.is_authenticated:
        return {"fields": None}
    fields = held_input_for_page(request)
    if not fields:
        return {"fields": None}
    # Without JavaScript the texts are shown to copy back; hidden versions and choices are not text.
    texts = [
        value
        for name, values in fields.items()
        if not name.endswith("version")
        for value in values
        if any(character.isalpha() for character in value)
    ]
    return {"fields": fields, "texts": texts}


@register.simple_tag
def idle_seconds() -> int:
    """The idle timeout in seconds, for the page's own idle timer."""
    return int(settings.SESSION_IDLE_TIMEOUT_MINUTES) * 60
