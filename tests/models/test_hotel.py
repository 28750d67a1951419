"""Hotel time: the one place UTC becomes the hotel's wall clock and its date."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Slot, Stay
from tests.conftest import utc


def hotel_in(zone: str) -> Hotel:
    return Hotel(slug="h", name={"en": "H"}, currency="EUR", timezone=zone)


def wall(moment: datetime) -> tuple[int, int, int]:
    """Hour, minute and offset from UTC in hours, as a clock on the hotel's wall shows them."""
    return moment.hour, moment.minute, int(moment.utcoffset() / timedelta(hours=1))


def test_half_past_eleven_utc_is_already_tomorrow_in_athens(frozen_now):
    athens = hotel_in("Europe/Athens")
    frozen_now(utc(2026, 6, 14, 20, 59))
    assert athens.today() == date(2026, 6, 14)  # 23:59 in Athens
    frozen_now(utc(2026, 6, 14, 23, 30))
    assert athens.today() == date(2026, 6, 15)
    assert wall(athens.local(utc(2026, 6, 14, 23, 30))) == (2, 30, 3)


def test_the_evening_in_new_york_is_still_yesterday_there(frozen_now):
    frozen_now(utc(2026, 6, 15, 3, 30))
    assert hotel_in("America/New_York").today() == date(2026, 6, 14)  # 23:30 the evening before


def test_berlin_springs_forward_at_two(frozen_now):
    berlin = hotel_in("Europe/Berlin")
    # 29 March 2026: at 02:00 the clocks go to 03:00; 02:30 never happens that night.
    assert wall(berlin.local(utc(2026, 3, 29, 0, 59))) == (1, 59, 1)
    assert wall(berlin.local(utc(2026, 3, 29, 1, 0))) == (3, 0, 2)
    # 25 October 2026: 02:00 to 03:00 happens twice, first in summer time, then in winter time.
    first, second = berlin.local(utc(2026, 10, 25, 0, 30)), berlin.local(utc(2026, 10, 25, 1, 30))
    assert (wall(first), wall(second)) == ((2, 30, 2), (2, 30, 1))
    assert (first.fold, second.fold) == (0, 1)
    frozen_now(utc(2026, 10, 24, 22, 30))  # 00:30 summer time: the new day has begun
    assert berlin.today() == date(2026, 10, 25)


def test_new_york_changes_its_clocks_on_other_days_than_europe(frozen_now):
    new_york = hotel_in("America/New_York")
    # 8 March 2026, three weeks before Europe: 01:59 standard time, then 03:00 daylight time.
    assert wall(new_york.local(utc(2026, 3, 8, 6, 59))) == (1, 59, -5)
    assert wall(new_york.local(utc(2026, 3, 8, 7, 0))) == (3, 0, -4)
    # 1 November 2026: 01:30 twice, an hour apart.
    assert wall(new_york.local(utc(2026, 11, 1, 5, 30))) == (1, 30, -4)
    assert wall(new_york.local(utc(2026, 11, 1, 6, 30))) == (1, 30, -5)
    frozen_now(utc(2026, 11, 1, 4, 30))  # 00:30 daylight time on the 1st
    assert new_york.today() == date(2026, 11, 1)


def test_every_hotel_owned_row_reaches_its_hotel(app, world):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        stay = db.session.get(Stay, world.stays["garcia"])
        slot = db.session.scalars(select(Slot).where(Slot.hotel_id == hotel.id)).first()
        assert stay.hotel is hotel and slot.hotel is hotel
        assert hotel.today() == world.today
