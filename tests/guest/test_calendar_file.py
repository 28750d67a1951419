"""The .ics file read by a parser other than the one that writes it: every TZID has its VTIMEZONE."""

from __future__ import annotations

from datetime import UTC

import pytest
import vobject
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Order, OrderLine
from tests.guest.test_pages import book


@pytest.mark.parametrize("zone", ["Asia/Ho_Chi_Minh", "Europe/Vienna"])
def test_the_calendar_file_carries_the_hotel_time_zone(app, guest, world, zone):
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).timezone = zone
        db.session.commit()
    guest.sign_in()
    reference = book(guest, world.services["horse_riding"])

    body = guest.client.get(f"/orders/{reference}.ics").get_data(as_text=True)

    calendar = vobject.readOne(body)
    zones = {component.tzid.value: component for component in calendar.contents.get("vtimezone", [])}
    assert list(zones) == [zone]  # RFC 5545: the TZID used is defined in the file
    [event] = calendar.contents["vevent"]
    assert f"DTSTART;TZID={zone}:" in body
    # Read the wall-clock start through the file's own VTIMEZONE, not the parser's zone database.
    local = event.dtstart.value.replace(tzinfo=zones[zone].gettzinfo())
    with app.app_context():
        line = db.session.scalar(select(OrderLine).join(Order).where(Order.reference == reference))
        assert local.astimezone(UTC) == line.starts_at
        assert event.dtend.value.replace(tzinfo=zones[zone].gettzinfo()).astimezone(UTC) == line.ends_at
