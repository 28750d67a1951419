"""Every page that books reads its form one way: by the day or timed, the waiting list's time, the offer."""

from __future__ import annotations

from datetime import date

from werkzeug.datastructures import MultiDict

from app.desk.forms import SaleForm
from app.extensions import db
from app.guest.forms import DailyBookingForm, TimedBookingForm, WaitlistForm
from app.models import Service, Stay
from app.services import signed_links
from app.web.booking import booking_request


def _filled(form_class, data: dict, validate: bool = True):
    """``form_class`` as posted with ``data``, validated unless told not to (inside a request context)."""
    form = form_class(formdata=MultiDict(data), meta={"csrf": False})
    if validate:
        form.validate()
    return form


def _garcia_and(world, code: str) -> tuple[Stay, Service]:
    return db.session.get(Stay, world.stays["garcia"]), db.session.get(Service, world.services[code])


def test_a_service_by_the_day_reads_days_and_units_only(app, world):
    with app.test_request_context("/"):
        stay, rental = _garcia_and(world, "car_rental")
        form = _filled(DailyBookingForm, {"start_date": "2030-01-02", "days": "3", "quantity": "2"})
        booking = booking_request(stay, rental, form)
    assert (booking.start_date, booking.days, booking.quantity) == (date(2030, 1, 2), 3, 2)
    assert (booking.slot_id, booking.adults, booking.child_indexes, booking.offer) == (None, 0, [], None)


def test_a_timed_service_reads_the_time_and_the_party_and_leaves_out_a_time_that_did_not_parse(app, world):
    with app.test_request_context("/"):
        stay, riding = _garcia_and(world, "horse_riding")
        booking = booking_request(
            stay, riding, _filled(TimedBookingForm, {"slot": "7", "adults": "2", "children": "1"})
        )
        choosing = booking_request(stay, riding, _filled(TimedBookingForm, {"slot": "soon", "adults": "1"}))
    assert (booking.slot_id, booking.adults, booking.child_indexes, booking.start_date) == (7, 2, [1], None)
    assert (choosing.slot_id, choosing.adults) == (None, 1)


def test_the_waiting_list_and_the_desk_read_a_party_as_the_service_page_does(app, world):
    party = {"adults": "2", "children": "0"}
    with app.test_request_context("/"):
        stay, riding = _garcia_and(world, "horse_riding")
        booked = booking_request(stay, riding, _filled(TimedBookingForm, {"slot": "9", **party}))
        joined = booking_request(
            stay, riding, _filled(WaitlistForm, {"waitlist_slot": "9", **party}), time_field="waitlist_slot"
        )
        # The desk's payment choices come from the hotel (desk.sales); the party is read all the same.
        sold = booking_request(stay, riding, _filled(SaleForm, {"slot": "9", **party}, validate=False))
    assert booked == joined == sold
    assert (booked.slot_id, booked.adults, booked.child_indexes) == (9, 2, [0])


def test_the_offer_in_the_query_string_counts_only_if_its_link_was_signed_for_the_stay(app, world):
    with app.app_context():
        stay, riding = _garcia_and(world, "horse_riding")
        signature = signed_links.offer_link_signature(stay, riding.id, "home", "pinned")
    form_data = {"slot": "7", "adults": "2"}
    offers = {}
    for name, query in {
        "unsigned": "offer=home&why=pinned",
        "signed": f"offer=home&why=pinned&sig={signature}",
        "edited": f"offer=home&why=children&sig={signature}",
    }.items():
        with app.test_request_context(f"/?{query}"):
            stay, riding = _garcia_and(world, "horse_riding")
            offers[name] = booking_request(stay, riding, _filled(TimedBookingForm, form_data)).offer
    assert offers == {"unsigned": None, "signed": ("home", "pinned"), "edited": None}
