"""Fixtures for the organisation tests."""

from __future__ import annotations

import pytest

from casustafel.audit.context import Actor
from casustafel.testing.personas import Personas


@pytest.fixture
def admin_actor(personas: Personas) -> Actor:
    """The house's administrator acting for their administrator membership."""
    return Actor(user=personas.administrator, membership=personas.memberships["administrator"])
