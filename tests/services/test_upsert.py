"""The one counting upsert: a new row is inserted, a known one adds to its counters, on both databases."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import OfferImpression, Stay
from app.services import upsert, view_counts
from tests.conftest import utc


def shown(world, stay: Stay, service: str, at, times: int = 1) -> dict:
    return {
        "hotel_id": stay.hotel_id,
        "stay_id": stay.id,
        "service_id": world.services[service],
        "place": "home",
        "reason": "family",
        "day": at.date(),
        "first_shown_at": at,
        "last_shown_at": at,
        "times": times,
    }


def add(rows) -> None:
    upsert.add_to_counters(db.session, OfferImpression, rows, **view_counts.IMPRESSION_COUNTERS)
    db.session.commit()


def test_new_rows_are_inserted_and_known_ones_add_up_and_take_the_newer_values(ctx, world):
    stay = db.session.get(Stay, world.stays["garcia"])
    first, later = utc(2026, 7, 1, 9), utc(2026, 7, 1, 9) + timedelta(hours=3)
    add(shown(world, stay, "horse_riding", first))
    add([shown(world, stay, "horse_riding", later, times=2), shown(world, stay, "farm_visit", later)])

    rows = {
        row.service_id: row
        for row in db.session.scalars(select(OfferImpression).where(OfferImpression.stay_id == stay.id))
    }
    riding, farm = rows[world.services["horse_riding"]], rows[world.services["farm_visit"]]
    assert (riding.times, riding.first_shown_at, riding.last_shown_at) == (3, first, later)
    assert (farm.times, farm.first_shown_at) == (1, later)
    assert len(rows) == 2
