"""The desk's part of a stay: checking guests in and out, today's arrivals and departures, the room card."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import email_validator
import qrcode
import qrcode.image.svg
from flask_babel import format_date, ngettext
from flask_babel import gettext as _
from sqlalchemy import and_, func, or_, select

from app import clock
from app.extensions import db
from app.models import (
    FolioLine,
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    StaffRole,
    Stay,
    Tier,
)
from app.models.ages import OLDEST_CHILD
from app.payments import room_charge
from app.services import audit, consent, guest_access, ordering, rooms, signals, stay_life
from app.services.errors import LobbyError, NotAllowed
from app.services.locking import write_transaction

MAX_ADULTS = 10
MAX_CHILDREN = 8
# Fits the integer column with room to spare; no real late charge comes near it.
MAX_LATE_CHARGE = 10**12


@dataclass
class CheckIn:
    room: str
    surname: str
    first_name: str
    email: str
    locale: str
    arrival: date
    departure: date
    adults: int
    children_ages: list[int]
    tier: Tier
    # True when the guest said yes to offers by email at the desk; None: not asked (the hotel's rule applies).
    marketing_consent: bool | None = None


def parse_ages(text: str) -> list[int]:
    """ "4, 9" -> [4, 9]; every age a whole number from 0 to ``OLDEST_CHILD`` (17)."""
    parts = [part for part in text.replace(";", ",").replace(" ", ",").split(",") if part]
    if len(parts) > MAX_CHILDREN:
        raise LobbyError(
            ngettext(
                "Please list at most %(num)d child.", "Please list at most %(num)d children.", MAX_CHILDREN
            )
        )
    try:
        ages = [int(part) for part in parts]
    except ValueError as error:
        raise LobbyError(_("Please give each child's age as a number, separated by commas.")) from error
    if any(not 0 <= age <= OLDEST_CHILD for age in ages):
        raise LobbyError(_("A child's age must be from 0 to 17."))
    return ages


ROOM_TAKEN = "room_taken"


def check_in_problems(
    hotel: Hotel,
    *,
    room: str | None = None,
    email: str | None = None,
    locale: str | None = None,
    arrival: date | None = None,
    departure: date | None = None,
    adults: int | None = None,
) -> dict[str, str]:
    """Every field of a check-in that breaks a rule, with its message; a value not given is not checked.

    The desk sees them all at once, each next to its field (``None`` stands for a field
    the form already refused, so it is not reported twice).
    """
    errors: dict[str, str] = {}
    if arrival is not None and departure is not None and departure <= arrival:
        errors["departure"] = _("The departure must be after the arrival.")
    if adults is not None and not 1 <= adults <= MAX_ADULTS:
        errors["adults"] = _("Please enter a number from 1 to %(max)d.", max=MAX_ADULTS)
    if email:
        try:
            normalized_email(email)
        except LobbyError as error:
            errors["email"] = str(error.message)
    if locale is not None and locale not in hotel.enabled_locales:
        errors["locale"] = _("Please choose from the list.")
    if room is not None:
        room = room.strip()
        if not rooms.is_bookable(hotel.id, room):
            errors["room"] = _("Room %(room)s is not on the hotel's room list.", room=room)
        elif (
            arrival is not None
            and departure is not None
            and departure > arrival
            and _room_taken(hotel, room, arrival, departure)
        ):
            errors["room"] = _("Room %(room)s already has a guest on those dates.", room=room)
            errors[ROOM_TAKEN] = "1"
    return errors


class CheckInRefused(LobbyError):
    """Every field the desk must correct: ``errors`` maps a field name to its message."""

    def __init__(self, errors: dict[str, str]):
        errors = dict(errors)
        taken = errors.pop(ROOM_TAKEN, None)
        # Only a room already taken is a conflict with the world; anything else is a typing matter.
        super().__init__(next(iter(errors.values())), 409 if taken and len(errors) == 1 else 400)
        self.errors = errors

    @classmethod
    def of(cls, problems: dict[str, str]) -> CheckInRefused | None:
        return cls(problems) if problems else None


def check_in(hotel: Hotel, details: CheckIn) -> Stay:
    """A guest standing at the desk gets a stay; one booked for a later day stays expected until then."""
    # One writer transaction: two desks cannot both find the room free and both put a guest in it.
    with write_transaction():
        errors = check_in_problems(
            hotel,
            room=details.room,
            email=details.email.strip(),
            locale=details.locale,
            arrival=details.arrival,
            departure=details.departure,
            adults=details.adults,
        )
        if errors:
            raise CheckInRefused(errors)
        email = normalized_email(details.email.strip()) if details.email.strip() else ""
        tier = max(details.tier, tier_from_history(hotel, email), key=list(Tier).index)
        stay = guest_access.create_stay(
            hotel,
            room=details.room.strip(),
            surname=details.surname.strip(),
            first_name=details.first_name.strip(),
            email=email,
            locale=details.locale,
            arrival=details.arrival,
            departure=details.departure,
            adults=details.adults,
            children_ages=details.children_ages,
            tier=tier,
        )
        if details.marketing_consent is not None:
            consent.record_consent(stay, details.marketing_consent, "desk")
        if details.arrival <= hotel.today():
            stay.checked_in_at = clock.now()
        action = "stay.checked_in" if stay.checked_in_at else "stay.booked"
        audit.record(
            hotel.id,
            action,
            stay,
            after=audit.snapshot(stay, STAY_AUDITED) | {"phase": stay_life.phase(stay)},
        )
        signals.stay_changed.send(stay, change="created")
        if stay.checked_in_at:
            signals.stay_changed.send(stay, change="checked_in")
    return stay


# What the trail keeps of a stay made at the desk (never its access token).
STAY_AUDITED = (
    "room",
    "surname",
    "first_name",
    "email",
    "arrival",
    "departure",
    "adults",
    "children_ages",
    "tier",
)


def normalized_email(typed: str) -> str:
    """The address as stored, or :class:`LobbyError`: syntax only, no DNS lookups at the desk."""
    try:
        return email_validator.validate_email(typed, check_deliverability=False).normalized
    except email_validator.EmailNotValidError as error:
        raise LobbyError(_("Please enter a valid email address.")) from error


def _room_taken(hotel: Hotel, room: str, arrival: date, departure: date) -> bool:
    return (
        db.session.scalar(
            select(Stay.id).where(
                Stay.hotel_id == hotel.id,
                Stay.room == room,
                Stay.checked_out_at.is_(None),
                Stay.arrival < departure,
                Stay.departure > arrival,
            )
        )
        is not None
    )


RETURNING_SILVER = 1  # earlier stays with the same email that make a guest silver
RETURNING_GOLD = 3


def tier_from_history(hotel: Hotel, email: str) -> Tier:
    """Returning guests, recognised by email, are at least silver (one earlier stay) or gold (three)."""
    email = email.strip().lower()
    if not email:
        return Tier.STANDARD
    earlier = db.session.scalar(
        select(func.count(Stay.id)).where(
            Stay.hotel_id == hotel.id, func.lower(Stay.email) == email, Stay.checked_out_at.is_not(None)
        )
    )
    if earlier >= RETURNING_GOLD:
        return Tier.GOLD
    return Tier.SILVER if earlier >= RETURNING_SILVER else Tier.STANDARD


@dataclass
class Balance:
    """What the desk says before checking a guest in or out: what is on the room and what is open."""

    currency: str
    room_charges: int  # posted to the folio (net of reversals), in minor units
    card_payments: int  # taken by card, net of refunds
    pending_approvals: list[OrderLine]  # would go on the room once the desk approves
    unpaid_orders: list[Order]  # card checkouts still waiting for the payment


def balance(stay: Stay) -> Balance:
    hotel = stay.hotel
    room_charges = db.session.scalar(
        select(func.coalesce(func.sum(FolioLine.amount), 0)).where(
            FolioLine.stay_id == stay.id, FolioLine.hotel_id == stay.hotel_id
        )
    )
    card = db.session.scalars(
        select(Payment)
        .join(Order)
        .where(
            Order.stay_id == stay.id,
            Payment.hotel_id == stay.hotel_id,
            Payment.provider != room_charge().name,  # what the folio does not already hold
            Payment.status == PaymentStatus.SUCCEEDED,
        )
    ).all()
    pending = db.session.scalars(
        select(OrderLine)
        .join(Order)
        .where(Order.stay_id == stay.id, OrderLine.status == LineStatus.REQUESTED)
        .order_by(OrderLine.id)
    ).all()
    unpaid = db.session.scalars(
        select(Order).where(Order.stay_id == stay.id, Order.status == OrderStatus.PENDING)
    ).all()
    return Balance(
        currency=hotel.currency,
        room_charges=room_charges,
        card_payments=sum(payment.amount - payment.refunded for payment in card),
        pending_approvals=list(pending),
        unpaid_orders=list(unpaid),
    )


def check_in_stay(stay: Stay) -> None:
    """A guest booked ahead arrives: the stay is in the house from now on."""
    with write_transaction():  # the stay is read again under the writer lock: two clicks, one check-in
        current = stay_life.phase(stay)
        if stay.cancelled_at is not None:
            raise NotAllowed(_("This reservation was cancelled; it cannot be checked in."))
        if current is stay_life.StayPhase.CHECKED_OUT:
            raise NotAllowed(_("This guest has already checked out."))
        if current is stay_life.StayPhase.IN_HOUSE:
            raise NotAllowed(_("This guest is already checked in."))
        today = stay.hotel.today()
        if not stay.arrival <= today < stay.departure:
            raise NotAllowed(
                _(
                    "This stay is booked from %(arrival)s to %(departure)s; "
                    "change the dates before checking in.",
                    arrival=format_date(stay.arrival),
                    departure=format_date(stay.departure),
                )
            )
        stay.checked_in_at = clock.now()
        _record_phase(stay, "stay.checked_in", stay_life.StayPhase.EXPECTED)
        signals.stay_changed.send(stay, change="checked_in")


def _record_phase(stay: Stay, action: str, was: stay_life.StayPhase) -> None:
    audit.record(stay.hotel_id, action, stay, before={"phase": was}, after={"phase": stay_life.phase(stay)})


def check_out(stay: Stay) -> None:
    """The stay ends: its links and sessions stop working at once, copied cookies included."""
    with write_transaction():
        current = stay_life.phase(stay)
        if current is stay_life.StayPhase.CHECKED_OUT:
            raise NotAllowed(_("This guest has already checked out."))
        if current is stay_life.StayPhase.EXPECTED:
            raise NotAllowed(_("This guest has not checked in yet."))
        stay.checked_out_at = clock.now()
        guest_access.end_guest_sessions(stay)
        _record_phase(stay, "stay.checked_out", stay_life.StayPhase.IN_HOUSE)
        signals.stay_changed.send(stay, change="checked_out")


def post_late_charge(stay: Stay, amount: int, description: str, role: StaffRole) -> Order:
    """A manager puts a charge found after check-out (the minibar) on the folio, marked as late.

    The only way anything reaches a checked-out stay's bill (``stay_life.ensure_open``). ``role`` is
    the caller's role in the stay's hotel.
    """
    if not role.allows(StaffRole.MANAGER):
        raise NotAllowed(_("Only a manager can post a late charge."))
    description = description.strip()
    if not description:
        raise LobbyError(_("Please say what the charge is for."))
    if not 0 < amount <= MAX_LATE_CHARGE:
        raise LobbyError(_("Please enter an amount above zero."))
    with write_transaction():
        if stay_life.phase(stay) is not stay_life.StayPhase.CHECKED_OUT:
            raise NotAllowed(_("Late charges are for stays that have checked out; sell a service instead."))
        currency = stay.hotel.currency
        now = clock.now()
        order = Order(
            hotel_id=stay.hotel_id,
            stay_id=stay.id,
            reference=ordering.new_order_reference(),
            status=OrderStatus.CONFIRMED,
            payment_method=PaymentMethod.ROOM,
            currency=currency,
            total=amount,
            placed_at=now,
            late_charge=True,
        )
        db.session.add(order)
        db.session.flush()
        room = room_charge()
        db.session.add(
            Payment(
                hotel_id=stay.hotel_id,
                order=order,
                provider=room.name,
                status=PaymentStatus.SUCCEEDED,
                amount=amount,
                currency=currency,
                idempotency_key=f"lobby-room-{order.reference}",
            )
        )
        room.post_late_charge(stay, order, amount, description, now)
        audit.record(
            stay.hotel_id,
            "order.late_charge",
            order,
            after={"reference": order.reference, "total": amount},
            reason=description,
        )
    return order


def arrivals(hotel_id: int, day: date) -> list[Stay]:
    """Everyone due to arrive on ``day``, whether still expected or already in (``stay_life.phase``).

    A cancelled reservation is nobody's arrival: the desk would wait for a guest who is not coming.
    """
    return list(
        db.session.scalars(
            select(Stay)
            .where(Stay.hotel_id == hotel_id, Stay.arrival == day, Stay.cancelled_at.is_(None))
            .order_by(Stay.room, Stay.id)
        )
    )


def departures(hotel: Hotel, day: date) -> list[Stay]:
    """Who leaves on ``day``: stays due to leave, and stays that checked out that day, early ones included."""
    day_starts = datetime.combine(day, time(0), tzinfo=hotel.tz)
    day_ends = day_starts + timedelta(days=1)
    return list(
        db.session.scalars(
            select(Stay)
            .where(
                Stay.hotel_id == hotel.id,
                Stay.cancelled_at.is_(None),
                or_(
                    and_(Stay.departure == day, Stay.checked_out_at.is_(None)),
                    and_(Stay.checked_out_at >= day_starts, Stay.checked_out_at < day_ends),
                ),
            )
            .order_by(Stay.room, Stay.id)
        )
    )


def left_early(stay: Stay, hotel: Hotel) -> bool:
    out = stay.checked_out_at
    return out is not None and hotel.local(out).date() < stay.departure


def qr_svg(url: str) -> str:
    """The room card's QR code as inline SVG (no image file, no script: fine under our CSP)."""
    image = qrcode.make(url, image_factory=qrcode.image.svg.SvgPathImage, box_size=10, border=2)
    return image.to_string(encoding="unicode")
