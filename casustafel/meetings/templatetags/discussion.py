"""Template filters of the live meeting and the minutes."""

from __future__ import annotations

from django import template

from casustafel.meeting_types.models import Capture, SafetyPhase

register = template.Library()


@register.filter
def clock(seconds: int | None) -> str:
    """Seconds as minutes:seconds, e.g. 754 -> "12:34"."""
    total = max(0, int(seconds or 0))
    return f"{total // 60}:{total % 60:02d}"


@register.filter
def capture_label(value: str) -> str:
    return str(Capture(value).label) if value in Capture.values else value


@register.filter
def phase_label(value: str) -> str:
    return str(SafetyPhase(value).label) if value in SafetyPhase.values else ""
