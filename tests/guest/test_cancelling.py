"""Cancelling from My stay: a step naming the fee or the refund first; by-day lines by their own rule."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, LineStatus, Order, OrderLine, Service
from tests.guest.test_pages import book


def text(response) -> str:
    return unescape(response.get_data(as_text=True))


def the_line(app, reference: str) -> OrderLine:
    with app.app_context():
        line = db.session.scalar(select(OrderLine).join(Order).where(Order.reference == reference))
        db.session.expunge(line)
        return line


def book_riding_with_a_late_fee(app, guest, world) -> tuple[str, OrderLine]:
    """Garcia signs in and books horse riding, whose late cancellation keeps half the price."""
    with app.app_context():
        db.session.get(Service, world.services["horse_riding"]).late_cancel_fee_percent = 50
        db.session.commit()
    guest.sign_in()
    reference = book(guest, world.services["horse_riding"])
    return reference, the_line(app, reference)


def fee_field(page: str) -> str:
    return re.search(r'<input[^>]*name="fee"[^>]*value="(\d+)"', page).group(1)


def test_cancel_is_a_step_that_names_the_refund_first(app, guest, world):
    guest.sign_in()
    reference = book(guest, world.services["horse_riding"])
    line = the_line(app, reference)

    my_stay = text(guest.client.get("/stay"))
    assert re.search(rf'<form method="get" action="/bookings/{line.id}/cancel"', my_stay)
    assert f'<form method="post" action="/bookings/{line.id}/cancel"' not in my_stay

    confirm = text(guest.client.get(f"/bookings/{line.id}/cancel"))
    assert "Cancel this booking?" in confirm
    assert re.search(r"We refund</dt><dd>€60.00", confirm)
    assert "everything is refunded" in confirm
    assert "Cancel and get €60.00 back" in confirm and "Keep my booking" in confirm
    assert fee_field(confirm) == "0"
    assert the_line(app, reference).status is LineStatus.BOOKED  # looking cancels nothing

    done = guest.post(f"/bookings/{line.id}/cancel", {"fee": "0"}, page=f"/bookings/{line.id}/cancel")
    assert done.status_code == 302 and done.location.endswith("/stay")
    assert the_line(app, reference).status is LineStatus.CANCELLED


def test_a_post_without_the_confirmed_fee_cancels_nothing(app, guest, world):
    guest.sign_in()
    reference = book(guest, world.services["horse_riding"])
    line = the_line(app, reference)

    one_tap = guest.post(f"/bookings/{line.id}/cancel", {}, page="/stay")

    assert one_tap.status_code == 302 and one_tap.location.endswith(f"/bookings/{line.id}/cancel")
    assert the_line(app, reference).status is LineStatus.BOOKED


def test_a_late_cancellation_names_the_fee_it_keeps(app, guest, world, frozen_now):
    reference, line = book_riding_with_a_late_fee(app, guest, world)
    frozen_now(line.starts_at - timedelta(hours=3))  # inside the 24-hour window

    confirm = text(guest.client.get(f"/bookings/{line.id}/cancel"))
    assert "a fee of €30.00 is kept" in confirm
    assert re.search(r"Cancellation fee</dt><dd>€30.00", confirm)
    assert "Cancel and get €30.00 back" in confirm
    assert fee_field(confirm) == "3000"

    guest.post(f"/bookings/{line.id}/cancel", {"fee": "3000"}, page=f"/bookings/{line.id}/cancel")
    cancelled = the_line(app, reference)
    assert (cancelled.status, cancelled.cancellation_fee) == (LineStatus.CANCELLED, 3000)


def test_terms_that_changed_after_the_confirmation_page_are_shown_again(app, guest, world, frozen_now):
    reference, line = book_riding_with_a_late_fee(app, guest, world)
    path = f"/bookings/{line.id}/cancel"
    frozen_now(line.starts_at - timedelta(hours=24, minutes=1))
    assert fee_field(text(guest.client.get(path))) == "0"
    csrf = guest.csrf(path)

    frozen_now(line.starts_at - timedelta(hours=23, minutes=59))  # the free window ends meanwhile
    late = guest.client.post(path, data={"csrf_token": csrf, "fee": "0"})

    assert late.status_code == 302 and late.location.endswith(path)
    assert the_line(app, reference).status is LineStatus.BOOKED
    again = text(guest.client.get(path))
    assert "The cancellation terms have just changed." in again and fee_field(again) == "3000"


def rent(guest, world, code: str, first, days: int, quantity: int = 1) -> str:
    path = f"/services/{world.services[code]}"
    fields = {"start_date": first.isoformat(), "days": days, "quantity": quantity, "then": "book"}
    booked = guest.post(path, fields)
    assert booked.status_code == 302 and "/orders/" in booked.location, text(booked)
    return booked.location.rsplit("/", 1)[-1]


def hotel_noon(app, world, day) -> datetime:
    with app.app_context():
        return datetime.combine(day, time(12), tzinfo=db.session.get(Hotel, world.hotel_id).tz)


def test_a_crib_booked_from_today_can_be_cancelled_today(app, guest, world, frozen_now):
    frozen_now(hotel_noon(app, world, world.today))
    guest.sign_in()
    reference = rent(guest, world, "crib", world.today, 3)
    line = the_line(app, reference)

    my_stay = text(guest.client.get("/stay"))
    assert "already started" not in my_stay
    assert f'action="/bookings/{line.id}/cancel"' in my_stay
    confirm = text(guest.client.get(f"/bookings/{line.id}/cancel"))
    assert "Yes, cancel it" in confirm  # a free amenity: nothing to keep or refund

    guest.post(f"/bookings/{line.id}/cancel", {"fee": "0"}, page=f"/bookings/{line.id}/cancel")
    assert the_line(app, reference).status is LineStatus.CANCELLED


def test_a_rental_cancelled_on_its_first_day_refunds_the_days_still_free(app, guest, world, frozen_now):
    """Each day is a booking from its midnight: today has begun, tomorrow is inside the 24-hour
    window (no late-fee rule: kept), the day after is still free."""
    frozen_now(hotel_noon(app, world, world.today))
    guest.sign_in()
    reference = rent(guest, world, "car_rental", world.today, 3)
    line = the_line(app, reference)
    assert line.total == 3 * 5500

    confirm = text(guest.client.get(f"/bookings/{line.id}/cancel"))
    assert re.search(r"Cancellation fee</dt><dd>€110.00", confirm)
    assert re.search(r"We refund</dt><dd>€55.00", confirm)
    guest.post(f"/bookings/{line.id}/cancel", {"fee": "11000"}, page=f"/bookings/{line.id}/cancel")
    cancelled = the_line(app, reference)
    assert (cancelled.status, cancelled.cancellation_fee) == (LineStatus.CANCELLED, 11000)


def test_a_rental_can_be_cancelled_until_its_last_day_is_over(app, guest, world, frozen_now):
    frozen_now(hotel_noon(app, world, world.today))
    guest.sign_in()
    reference = rent(guest, world, "car_rental", world.today, 2)
    line = the_line(app, reference)

    frozen_now(hotel_noon(app, world, world.today + timedelta(days=1)))  # the last day
    confirm = text(guest.client.get(f"/bookings/{line.id}/cancel"))
    assert "It is too late for a refund" in confirm and "Cancel without a refund" in confirm

    frozen_now(hotel_noon(app, world, world.today + timedelta(days=2)))  # over
    gone = guest.client.get(f"/bookings/{line.id}/cancel")
    assert gone.status_code == 302 and gone.location.endswith("/stay")
