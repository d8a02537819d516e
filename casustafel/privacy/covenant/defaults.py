"""Starting values for a first covenant draft. They are a proposal for the administrator to check
against the house's signed covenant, never a legal statement: nothing is in force until an
administrator publishes a version."""

from __future__ import annotations

from casustafel.organisations.models import Sector
from casustafel.privacy.covenant.models import InformationCategory as Cat
from casustafel.privacy.covenant.models import Visibility as Vis

DEFAULT_PURPOSES = "\n".join(
    [
        "Gezamenlijke aanpak van complexe problematiek op het snijvlak van zorg, veiligheid en straf (WGS).",
        "Het voorkomen en terugdringen van huiselijk geweld, (jeugd)criminaliteit en ernstig onbegrepen gedrag.",
        "Het afstemmen van de interventies van de deelnemende organisaties in één plan van aanpak.",
    ]
)

ALL_SECTORS = tuple(Sector.values)


def _row(
    contributors: tuple[str, ...], full: tuple[str, ...], known: tuple[str, ...] = ()
) -> dict[str, tuple[bool, str]]:
    """Per sector (may_contribute, visibility); sectors named in neither list see nothing."""
    return {
        sector: (
            sector in contributors,
            Vis.FULL if sector in full else Vis.KNOWN_ONLY if sector in known else Vis.NONE,
        )
        for sector in ALL_SECTORS
    }


_CJ, _SUP, _CARE, _MUN, _OTHER = (
    Sector.CRIMINAL_JUSTICE,
    Sector.SUPERVISION,
    Sector.CARE,
    Sector.MUNICIPALITY,
    Sector.OTHER,
)

# Justice information for justice partners only, care information "known / not known" outside
# care (issue 4, point 3); the basics every partner needs to recognise the same household.
DEFAULT_MATRIX: dict[str, dict[str, tuple[bool, str]]] = {
    Cat.IDENTIFICATION: _row(ALL_SECTORS, ALL_SECTORS),
    Cat.HOUSEHOLD: _row(ALL_SECTORS, ALL_SECTORS),
    Cat.POLICE_JUSTICE: _row((_CJ,), (_CJ, _SUP), (_CARE, _MUN, _OTHER)),
    Cat.SUPERVISION: _row((_SUP,), (_CJ, _SUP), (_CARE, _MUN, _OTHER)),
    Cat.CARE: _row((_CARE,), (_CARE,), (_CJ, _SUP, _MUN, _OTHER)),
    Cat.YOUTH_PROTECTION: _row((_SUP, _CARE), (_SUP, _CARE), (_CJ, _MUN, _OTHER)),
    Cat.HOUSING_FINANCES: _row((_CARE, _MUN, _OTHER), (_CARE, _MUN, _SUP, _OTHER), (_CJ,)),
    Cat.SCHOOL: _row((_CARE, _MUN), (_CARE, _MUN, _SUP, _OTHER), (_CJ,)),
}
