"""The accounts the demo hands out, one per role: printed by `manage.py demo_region` and shown
in docs/demo.md (a test keeps the two the same for the default seed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from casustafel.demo.region import DEMO_PASSWORD, PARTNERS
from casustafel.organisations.models import Membership, Role, SafetyHouse

STAFF_ROLES_SHOWN = (
    Role.PROCESS_DIRECTOR,
    Role.SECRETARY,
    Role.HOUSE_MANAGER,
    Role.ADMINISTRATOR,
    Role.PRIVACY_OFFICER,
    Role.BOARD,
)
PARTNERS_SHOWN = ("veilig_thuis", "police")
HEADER = ("Role", "Organisation", "E-mail")


@dataclass(frozen=True)
class DemoLogin:
    role: str
    organisation: str
    email: str


def server() -> str:
    """Where scripts/demo serves the demo: 127.0.0.1 on DEMO_PORT (default 8000)."""
    return f"http://127.0.0.1:{settings.DEMO_PORT}"


def login_url() -> str:
    return f"{server()}{reverse('accounts:login')}"


def demo_logins(house: SafetyHouse) -> list[DemoLogin]:
    """One account per house role, then a professional and the ambassador of Veilig Thuis and
    of the police. The first created member of each kind, so a fresh build and a rerun agree."""
    memberships = Membership.objects.filter(organisation__house=house).select_related("user", "organisation")
    names = {spec.key: spec.name for spec in PARTNERS}
    picks: list[tuple[str, Membership | None]] = []
    with translation.override("nl"):
        for role in STAFF_ROLES_SHOWN:
            found = memberships.filter(organisation__is_house_office=True, role=role).order_by("pk").first()
            picks.append((str(role.label), found))
        professional = str(Role.PROFESSIONAL.label)
        for key in PARTNERS_SHOWN:
            partner = memberships.filter(organisation__name=names[key], role=Role.PROFESSIONAL).order_by("pk")
            picks.append((professional, partner.filter(is_ambassador=False).first()))
            picks.append((f"{professional} (ambassadeur)", partner.filter(is_ambassador=True).first()))
    return [
        DemoLogin(role=label, organisation=found.organisation.name, email=found.user.email)
        for label, found in picks
        if found is not None
    ]


def render_logins_table(logins: list[DemoLogin]) -> str:
    """A Markdown table, padded so it also reads well in a terminal."""
    rows = [HEADER, *((login.role, login.organisation, login.email) for login in logins)]
    widths = [max(len(row[column]) for row in rows) for column in range(len(HEADER))]

    def line(cells: tuple[str, ...]) -> str:
        return "| " + " | ".join(cell.ljust(width) for cell, width in zip(cells, widths, strict=True)) + " |"

    separator = "|" + "|".join("-" * (width + 2) for width in widths) + "|"
    return "\n".join([line(rows[0]), separator, *(line(row) for row in rows[1:])])


def mfa_line() -> str:
    if settings.MFA_REQUIRED:
        return (
            "Second factor: every user enrols an authenticator app (TOTP, by QR code) at the first login. "
            "For a quicker demo, start the server with MFA_REQUIRED=false."
        )
    return "Second factor: relaxed in this demo (MFA_REQUIRED=false); e-mail address and password are enough."


def login_instructions(house: SafetyHouse) -> str:
    """Everything someone needs to log in to the demo, as the command prints it."""
    return "\n".join(
        [
            f"Log in at {login_url()} with one of these accounts:",
            "",
            render_logins_table(demo_logins(house)),
            "",
            f"Password of every demo user: {DEMO_PASSWORD}",
            mfa_line(),
        ]
    )
