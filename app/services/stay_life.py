"""Where a stay is in its life (expected, in house, checked out) and what that allows.

Every path that sells to a stay or opens a request for it (cart, checkout, one-tap booking,
desk sale, waiting-list offers, My stay requests) asks :func:`ensure_open` first, so a
checked-out stay cannot run up charges the PMS would then import. After check-out only a
manager's explicit late charge (``stay_desk.post_late_charge``) reaches the folio.
"""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l

from app.models import Stay
from app.services.errors import NotAllowed


class StayPhase(enum.StrEnum):
    EXPECTED = "expected"  # booked ahead, not yet checked in at the desk
    IN_HOUSE = "in_house"
    CHECKED_OUT = "checked_out"


def phase(stay: Stay) -> StayPhase:
    if stay.checked_out_at is not None:
        return StayPhase.CHECKED_OUT
    return StayPhase.IN_HOUSE if stay.checked_in_at is not None else StayPhase.EXPECTED


CHECKED_OUT_MESSAGE = _l("This stay has checked out: nothing more can be booked or asked for.")
NOT_ARRIVED_MESSAGE = _l("You can ask for this once you have checked in at the desk.")
CANCELLED_MESSAGE = _l("This reservation was cancelled: nothing can be booked or asked for.")


def ensure_open(stay: Stay, *, needs_guest_in_house: bool = False) -> None:
    """Refuse a sale or request on a checked-out or cancelled stay, and one that needs the guest here yet.

    Booking activities ahead of arrival is welcome (the pre-arrival upsell); what is
    delivered to the room or handled by the desk on the spot needs the guest in the house.
    """
    if stay.cancelled_at is not None:
        raise NotAllowed(CANCELLED_MESSAGE)
    current = phase(stay)
    if current is StayPhase.CHECKED_OUT:
        raise NotAllowed(CHECKED_OUT_MESSAGE)
    if needs_guest_in_house and current is StayPhase.EXPECTED:
        raise NotAllowed(NOT_ARRIVED_MESSAGE)
