"""The booking a form describes, read one way for every page that books or prices one.

The guest's service page (and its live total), the waiting list's button and the desk's
sale all turn their form into the same :class:`BookingRequest`, so a field the booking
rules need cannot be read on one page and forgotten on another.
"""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm

from app.models import Service, Stay
from app.services import recommendations
from app.services.planning import BookingRequest


def booking_request(
    stay: Stay, service: Service, form: FlaskForm, time_field: str = "slot"
) -> BookingRequest:
    """What ``form`` asks to book of ``service`` for ``stay``.

    A service booked by the day reads the first day, the days and the units; any other
    reads the time (in ``time_field``: the waiting list's button carries its own) and who
    comes. A time that did not parse is left out, so a total can still be priced for the
    party while the guest is choosing one. The offer the guest came from rides along in the
    page's query string, also when posting, and counts only if its link was signed for the stay.
    """
    args = request.args
    offer = recommendations.attribution(stay, service.id, args.get("offer"), args.get("why"), args.get("sig"))
    if service.kind.by_day:
        return BookingRequest(
            service_id=service.id,
            start_date=form.start_date.data,
            days=form.days.data or 1,
            quantity=form.quantity.data or 1,
            offer=offer,
        )
    time = getattr(form, time_field)
    return BookingRequest(
        service_id=service.id,
        slot_id=None if time.errors else time.data,
        adults=form.adults.data or 0,
        child_indexes=list(form.children.data or []),
        offer=offer,
    )
