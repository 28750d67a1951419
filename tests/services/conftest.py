"""The world's hotel and first riding time, as the service tests hold them (in a request context)."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Hotel, Slot
from tests import factories


@pytest.fixture
def hotel(ctx, world) -> Hotel:
    return db.session.get(Hotel, world.hotel_id)


@pytest.fixture
def slot(ctx, world) -> Slot:
    """The first horse-riding time two days ahead: inside the lead time and the free cancellation window."""
    return factories.riding_slot(world)
