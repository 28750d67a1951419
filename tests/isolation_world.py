"""Two hotels, each holding one of every kind of object a route names by id, reference, code or token.

``tests/test_hotel_isolation.py`` walks every route as hotel A's people with hotel B's values. The
two hotels are built by one function, so they hold the same kinds of things; some codes are equal
on purpose (both have a package ``family``, a service ``horse_riding``, a promo code ``FAMILY10``),
so a lookup by code that forgets the hotel finds the wrong one. Each hotel's strings that no other
hotel holds (its guests' surnames and emails, order references, service titles, request texts, token
names…) are its *markers*: none of B's may show in an answer to one of A's people.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import timedelta

from PIL import Image
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    ArrivalImport,
    DeliveryStatus,
    Hotel,
    HotelGroup,
    MessageKind,
    MessageStatus,
    OutboundMessage,
    OutboxEvent,
    Package,
    PmsConnection,
    PoolMode,
    PromoKind,
    RequestKind,
    Room,
    Slot,
    StaffRole,
    StaffUser,
    WaitlistEntry,
    WaitlistStatus,
    WebhookDelivery,
)
from app.services import (
    api_tokens,
    availability,
    discounts,
    guest_requests,
    ordering,
    photos,
    planning,
    signed_links,
    staff_accounts,
    webhooks,
)
from tests.api.v1.every_object import add_every_object
from tests.factories import make_hotel, make_pool, make_rooms, make_service, make_stay
from tests.staff import PASSWORD


@dataclass
class HotelWorld:
    """One hotel's ids and strings, by the name a route's parameter gives them."""

    hotel_id: int
    slug: str
    values: dict[str, object] = field(default_factory=dict)  # path parameter name -> this hotel's value
    markers: tuple[str, ...] = ()  # strings only this hotel's rows hold, about its guests and its office
    public_markers: tuple[str, ...] = ()  # what its own public pages show anyone (its name)
    guest_room: str = ""
    guest_surname: str = ""
    staff_emails: dict[StaffRole, str] = field(default_factory=dict)
    group_office_email: str = ""  # an account of the hotel's group's office (each hotel has its own group)
    group_office_name: str = ""
    staff_names: dict[StaffRole, str] = field(default_factory=dict)
    api_token: str = ""
    pms_webhook_secret: str = ""
    promo_code: str = ""  # a code only this hotel has
    stay_reference: str = ""


def png_bytes() -> io.BytesIO:
    buffer = io.BytesIO()
    Image.new("RGB", (800, 600), (40, 120, 80)).save(buffer, "PNG")
    buffer.seek(0)
    return buffer


def riding_for(service, slot, adults: int) -> planning.BookingRequest:
    return planning.BookingRequest(service_id=service.id, slot_id=slot.id, adults=adults)


def build_hotel(slug: str, name: str, surname: str, room: str, currency: str) -> HotelWorld:
    """A hotel with one of everything; call inside a request context (services translate messages)."""
    hotel: Hotel = make_hotel(slug, name={"en": name}, currency=currency)
    make_rooms(hotel)
    today = hotel.today()
    initial = name.split()[0]  # "Alder", "Birch": in every string only this hotel holds

    stable = make_pool(hotel, "stable", capacity=6)
    cars = make_pool(hotel, "cars", capacity=2, mode=PoolMode.DAILY)
    for pool in (stable, cars):
        availability.ensure_slots(pool, today, today + timedelta(days=6))
    riding = make_service(
        hotel,
        stable,
        "horse_riding",  # the same code in both hotels
        title={"en": f"{initial} Horse Trek"},
        summary={"en": f"{initial} trek summary"},
        price_adult=6000,
        price_child=4000,
        lead_time_minutes=0,
        tags=["outdoor"],
    )
    canoe = make_service(
        hotel,
        cars,
        f"{initial.lower()}_canoe",
        title={"en": f"{initial} Canoe Voyage"},
        price_unit=3000,
        duration_minutes=1440,
        lead_time_minutes=0,
    )
    family = Package(
        hotel_id=hotel.id,
        code="family",  # the same code in both hotels
        audience="family",
        title={"en": f"{initial} Family Fun"},
        summary={"en": f"{initial} family summary"},
        position=0,
    )
    family.services = [riding, canoe]
    own = Package(
        hotel_id=hotel.id,
        code=f"{initial.lower()}-only",
        audience="nature",
        title={"en": f"{initial} Wild Woods"},
        summary={"en": "Trees"},
        position=1,
    )
    own.services = [canoe]
    db.session.add_all([family, own])
    db.session.commit()

    staff, staff_names = {}, {}
    for role in StaffRole:
        staff[role], staff_names[role] = f"{role.value}@{slug}.test", f"{initial} {role.value}"
        staff_accounts.create_staff(hotel, staff[role], PASSWORD, role, name=staff_names[role])
    # Each hotel in a group of its own, with its office: A's office works in A as a manager, never in B.
    group = HotelGroup(slug=f"{slug}-group", name=f"{initial} Group", reporting_currency=currency)
    db.session.add(group)
    db.session.flush()
    hotel.group_id = group.id
    office_email = f"office@{slug}.test"
    office = staff_accounts.create_staff(
        hotel, office_email, PASSWORD, StaffRole.RECEPTIONIST, name=f"{initial} Office"
    )
    office.group_id = group.id
    # The account routes name by id (role, active): not an actor of the walk, who would lock itself out.
    spare = staff_accounts.create_staff(
        hotel, f"spare@{slug}.test", PASSWORD, StaffRole.RECEPTIONIST, name=f"{initial} Spare"
    )
    db.session.commit()
    manager = db.session.scalar(select(StaffUser).where(StaffUser.email == staff[StaffRole.MANAGER]))

    # The guest who signs in (in house), and a second in-house guest the A side may only look at.
    guest = make_stay(
        hotel, room=room, surname=surname, first_name=f"{initial}ina", email=f"{surname.lower()}@{slug}.test"
    )
    every = add_every_object(hotel, room=str(int(room) + 1), surname=f"{surname}son")
    # Due today, not in yet: on the desk's lists of the day.
    make_stay(hotel, room=str(int(room) + 2), surname=f"{surname}dottir", arrival=today, checked_in_at=None)

    slot = db.session.scalar(
        select(Slot)
        .where(Slot.pool_id == stable.id, Slot.local_date == today + timedelta(days=2))
        .order_by(Slot.starts_at)
    )
    # A confirmed order of the signed-in guest (room charge), then a line left in the cart.
    booked_line = ordering.add_to_cart(guest, riding_for(riding, slot, adults=2))
    db.session.commit()
    booked_line_id = booked_line.id
    reference = ordering.checkout(guest).reference
    db.session.commit()
    cart_line_id = ordering.add_to_cart(guest, riding_for(riding, slot, adults=1)).id
    db.session.commit()

    entry = WaitlistEntry(
        hotel_id=hotel.id,
        stay_id=guest.id,
        service_id=riding.id,
        slot_id=slot.id,
        adults=1,
        seats=1,
        status=WaitlistStatus.WAITING,
    )
    db.session.add(entry)
    request = guest_requests.open_request(guest, RequestKind.HELP, details=f"{initial} guest needs a lantern")
    db.session.commit()

    promo_code = f"{initial.upper()}SECRET"
    promo = discounts.create_promo(
        hotel, promo_code, PromoKind.PERCENT, 10, today, today + timedelta(days=30), None, None
    )
    discounts.create_promo(  # the same code in both hotels
        hotel, "FAMILY10", PromoKind.PERCENT, 10, today, today + timedelta(days=30), None, None
    )

    photo = photos.add_photo(riding, png_bytes())
    db.session.commit()

    endpoint, _secret = webhooks.create_endpoint(
        hotel, f"https://hooks.{slug}.example/in", ["order.placed"], manager, description=f"{initial} hook"
    )
    event = OutboxEvent(hotel_id=hotel.id, event_id=f"evt_{slug}", type="order.placed", data={"id": 1})
    db.session.add(event)
    db.session.flush()
    delivery = WebhookDelivery(
        hotel_id=hotel.id, endpoint_id=endpoint.id, event_id=event.id, status=DeliveryStatus.FAILED
    )
    db.session.add(delivery)

    key_row, token = api_tokens.create_token(hotel, f"{initial} PMS key", manager)
    # The token routes name by id (revoke): not the walk's key, which would lock itself out.
    token_row, _spare_token = api_tokens.create_token(hotel, f"{initial} Spare key", manager)
    db.session.commit()

    pms_secret = f"{slug}-webhook-secret-0123456789"
    db.session.add(
        PmsConnection(
            hotel_id=hotel.id,
            provider="mews",
            base_url="https://api.mews-demo.com",
            credentials={"client_token": f"{initial}CT", "access_token": f"{initial}AT", "client": "Lobby"},
            settings={"service_id": f"{initial}-svc", "webhook_secret": pms_secret},
        )
    )
    guest_requests.save_sla(hotel, {RequestKind.HELP: (5, 30)}, 80, 60)
    imported = ArrivalImport(hotel_id=hotel.id, filename=f"{slug}-arrivals.csv", created=1)
    message = OutboundMessage(
        hotel_id=hotel.id,
        stay_id=guest.id,
        kind=MessageKind.CONFIRMATION,
        subject="confirmation",
        status=MessageStatus.SENT,
        to_address=guest.email,
        locale="en",
        claimed_at=clock.now(),
        sent_at=clock.now(),
    )
    db.session.add_all([imported, message])
    db.session.commit()

    room_id = db.session.scalar(select(Room.id).where(Room.hotel_id == hotel.id).order_by(Room.id))
    values: dict[str, object] = {
        **every,
        "slug": slug,
        "hotel_id": hotel.id,
        "run_id": every["export_id"],
        "import_id": imported.id,
        "reference": reference,
        "booked_line_id": booked_line_id,
        "cart_line_id": cart_line_id,
        "guest_stay_id": guest.id,
        "guest_request_id": request.id,
        "code": f"{initial.lower()}-only",
        "promo_id": promo.id,
        "pool_id": stable.id,
        "slot_id": slot.id,
        "room_id": room_id,
        "photo_id": photo.id,
        "photo_name": f"{photo.name}-{photo.widths[0]}.webp",
        "staff_id": spare.id,
        "endpoint_id": endpoint.id,
        "delivery_id": delivery.id,
        "token_id": token_row.id,
        "entry_id": entry.id,
        "open_token": signed_links.open_token(guest, "/stay"),
        "feedback_token": signed_links.feedback_token(guest),
        "unsubscribe_token": signed_links.unsubscribe_token(guest),
        "access_token": guest.access_token,
    }
    markers = (
        surname,
        f"{surname}son",
        f"{surname}dottir",
        guest.email,
        f"{initial} Horse Trek",
        f"{initial} Canoe Voyage",
        f"{initial} Family Fun",
        f"{initial} Wild Woods",
        f"{initial} guest needs a lantern",
        f"{surname}son needs a pump",
        f"{initial} PMS key",
        f"{initial} Spare key",
        f"{initial} Spare",
        f"{initial} Group",
        f"{initial} Office",
        f"{initial} hook",
        f"hooks.{slug}.example",
        f"{slug}-arrivals.csv",
        reference,
        str(every["pms_reservation_id"]),
        promo_code,
        token_row.prefix,
        key_row.prefix,
    )
    return HotelWorld(
        hotel_id=hotel.id,
        slug=slug,
        values=values,
        markers=markers,
        public_markers=(name,),
        guest_room=room,
        guest_surname=surname,
        staff_emails=staff,
        group_office_email=office_email,
        group_office_name=office.name,
        staff_names=staff_names,
        api_token=token,
        pms_webhook_secret=pms_secret,
        promo_code=promo_code,
        stay_reference=guest.booking_reference,
    )
