"""Capacity changes never cancel or oversell: a conflicting change is refused, the bookings listed."""

from __future__ import annotations

import re
from datetime import time

from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import OrderLine, ResourcePool, Schedule, Slot
from tests.conftest import GuestActions


def book_riding(guest, world, adults: int = 2) -> int:
    path = f"/services/{world.services['horse_riding']}"
    slot = int(re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1])
    assert guest.post(path, {"slot": slot, "adults": adults}).status_code == 302
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    return slot


def stable(app, world) -> ResourcePool:
    with app.app_context():
        pool = db.session.get(ResourcePool, world.pools["stable"])
        db.session.expunge(pool)
        return pool


def test_lowering_capacity_below_what_is_booked_is_refused_and_lists_the_booking(app, manager, phone, world):
    slot_id = book_riding(phone, world, adults=2)
    path = f"/manage/pools/{world.pools['stable']}"
    refused = manager.post(f"{path}/capacity", {"capacity": 1}, page=path)
    assert (refused.status_code, refused.location) == (302, path)  # a reload does not post it again
    page = manager.client.get(path).get_data(as_text=True)
    assert "Nothing was changed." in page
    assert "Horse riding" in page and "Room 204" in page
    assert re.search(r'name="capacity"[^>]*value="1"', page)  # what was typed, to correct it
    again = manager.client.get(path).get_data(as_text=True)
    assert "Nothing was changed." not in again and "Room 204" not in again  # said once
    with app.app_context():
        assert db.session.get(ResourcePool, world.pools["stable"]).capacity == 6
        assert db.session.get(Slot, slot_id).capacity == 6  # not even the empty slots changed

    assert manager.post(f"{path}/capacity", {"capacity": 2}, page=path).status_code == 302
    with app.app_context():
        assert db.session.get(Slot, slot_id).capacity == 2
        future = select(func.max(Slot.capacity)).where(
            Slot.pool_id == world.pools["stable"], Slot.starts_at >= clock.now()
        )
        assert db.session.scalar(future) == 2  # every future time; past ones are history
    # Full now: the next guest is refused, nobody is oversold.
    novak = GuestActions(app.test_client())
    novak.sign_in(room="301", surname="Novak")
    refused_booking = novak.post(
        f"/services/{world.services['horse_riding']}", {"slot": slot_id, "adults": 1}
    )
    assert refused_booking.status_code == 409


def test_dropping_a_weekly_time_with_bookings_is_refused(app, manager, phone, world):
    slot_id = book_riding(phone, world)
    with app.app_context():
        booked_at = db.session.get(Slot, slot_id).starts_at
    path = f"/manage/pools/{world.pools['stable']}"
    only_mornings = "\n".join(["09:00"] * 7)
    response = manager.post(f"{path}/schedule", {"week": only_mornings}, page=path)
    assert booked_at.astimezone(stable_tz(app, world)).time() == time(14, 0)  # the latest session
    assert (response.status_code, response.location) == (302, path)
    page = manager.client.get(path).get_data(as_text=True)
    assert "already have bookings" in page and "Room 204" in page
    assert "09:00\n09:00\n09:00" in page  # the week as typed
    with app.app_context():
        schedules = select(func.count(Schedule.id)).where(Schedule.pool_id == world.pools["stable"])
        assert db.session.scalar(schedules) == 14
        assert db.session.get(Slot, slot_id) is not None


def stable_tz(app, world):
    with app.app_context():
        return db.session.get(ResourcePool, world.pools["stable"]).hotel.tz


def test_a_new_schedule_replaces_empty_times_and_adds_slots(app, manager, world):
    path = f"/manage/pools/{world.pools['stable']}"
    week = "\n".join(["10:00, 16:30"] * 5 + ["", "11:00"])
    assert manager.post(f"{path}/schedule", {"week": week}, page=path).status_code == 302
    with app.app_context():
        pool = db.session.get(ResourcePool, world.pools["stable"])
        assert sorted((s.weekday, s.start_time.strftime("%H:%M")) for s in pool.schedules)[:2] == [
            (0, "10:00"),
            (0, "16:30"),
        ]
        assert len(pool.schedules) == 11
        tz = pool.hotel.tz
        starts = {
            slot.starts_at.astimezone(tz).strftime("%H:%M")
            for slot in db.session.scalars(select(Slot).where(Slot.pool_id == pool.id))
        }
        assert starts <= {"10:00", "16:30", "11:00", "09:00", "14:00"}  # past slots stay as they were
        assert {"10:00", "16:30"} <= starts


def test_bad_schedules_are_refused_with_a_reason(app, manager, world):
    path = f"/manage/pools/{world.pools['stable']}"
    for week, message in (
        ("8 o'clock", "Please write times as 08:00, 14:30."),
        ("\n" * 8, "at most one line per weekday"),
    ):
        response = manager.post(f"{path}/schedule", {"week": week}, page=path)
        assert (response.status_code, response.location) == (302, path)
        assert message in manager.client.get(path).get_data(as_text=True)


def test_closing_a_time_is_refused_while_it_has_bookings(app, manager, phone, world):
    slot_id = book_riding(phone, world)
    path = f"/manage/pools/{world.pools['stable']}"
    refused = manager.post(f"{path}/slots/{slot_id}/close", {"confirmed": "1"}, page=path)
    assert (refused.status_code, refused.location) == (302, path)
    page = manager.client.get(path).get_data(as_text=True)
    assert "This time already has bookings. Nothing was changed." in page and "Room 204" in page
    with app.app_context():
        assert not db.session.get(Slot, slot_id).closed
        assert db.session.scalar(select(func.count(OrderLine.id))) == 1  # nothing cancelled


def _empty_slot(app, world) -> int:
    with app.app_context():
        return db.session.scalar(
            select(Slot.id)
            .where(Slot.pool_id == world.pools["stable"], Slot.taken == 0, Slot.starts_at > clock.now())
            .order_by(Slot.starts_at.desc())
        )


def test_closing_a_time_asks_first_and_it_can_be_reopened(app, manager, world):
    path = f"/manage/pools/{world.pools['stable']}"
    empty = _empty_slot(app, world)
    close = f"{path}/slots/{empty}/close"
    assert f'href="{close}"' in manager.client.get(path).get_data(as_text=True)  # a link, not a post

    # Without the confirmation page's button nothing closes: the post leads to the question.
    unconfirmed = manager.post(close, {}, page=path)
    assert (unconfirmed.status_code, unconfirmed.location) == (302, close)
    question = manager.client.get(close).get_data(as_text=True)
    assert "Close this time?" in question and 'name="confirmed" value="1"' in question
    with app.app_context():
        assert not db.session.get(Slot, empty).closed

    assert manager.post(close, {"confirmed": "1"}, page=close).status_code == 302
    with app.app_context():
        slot = db.session.get(Slot, empty)
        assert (slot.closed, slot.capacity) == (True, 0)
    page = manager.client.get(path).get_data(as_text=True)
    assert "Closed. Guests can no longer book this time." in page
    assert f'action="{path}/slots/{empty}/reopen"' in page and "Reopen" in page

    # A new capacity for the pool leaves the closed time closed...
    assert manager.post(f"{path}/capacity", {"capacity": 4}, page=path).status_code == 302
    with app.app_context():
        slot = db.session.get(Slot, empty)
        assert (slot.closed, slot.capacity) == (True, 0)
    # ...and reopening gives it the pool's capacity again.
    assert manager.post(f"{path}/slots/{empty}/reopen", {}, page=path).status_code == 302
    with app.app_context():
        slot = db.session.get(Slot, empty)
        assert (slot.closed, slot.capacity) == (False, 4)
    assert "Reopened. Guests can book this time again." in manager.client.get(path).get_data(as_text=True)


def test_the_capacity_page_shows_each_days_load(app, manager, phone, world):
    book_riding(phone, world, adults=2)
    page = manager.client.get(f"/manage/pools/{world.pools['stable']}").get_data(as_text=True)
    assert "Places taken: 2 of 12" in page  # two sessions of 6 horses that day, 2 places booked
    assert manager.client.get("/manage/pools").status_code == 200
