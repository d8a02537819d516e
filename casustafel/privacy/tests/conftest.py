from __future__ import annotations

import pytest

from casustafel.meeting_types.models import MeetingType
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.personas import Personas


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(
        house=personas.house,
        name="Casus-op-Maat",
        retention_years=7,
        privacy_reminder="Deel alleen wat nodig is voor de aanpak. Noteer de bron van elke uitspraak.",
    )
