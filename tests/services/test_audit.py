"""The audit trail is written by the operations themselves: a real sequence read back, and nothing
recorded for an operation that failed."""

from __future__ import annotations

import dataclasses
from dataclasses import asdict
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    ActorKind,
    AuditEntry,
    Hotel,
    Payment,
    PaymentMethod,
    ResourcePool,
    Service,
    Slot,
    StaffRole,
    Stay,
)
from app.payments import IntentState, IntentStatus
from app.services import (
    audit,
    capacity,
    catalog_admin,
    ordering,
    payments,
    planning,
    staff_accounts,
    stay_desk,
)
from app.services.errors import LobbyError
from app.services.locking import write_transaction


@pytest.fixture
def hotel(ctx, world) -> Hotel:
    return db.session.get(Hotel, world.hotel_id)


def staff_member(hotel: Hotel, role: StaffRole, name: str):
    user = staff_accounts.create_staff(
        hotel, f"{role.value}@lodge.test", "correct horse battery", role, name=name
    )
    db.session.commit()
    return user


def entries() -> list[AuditEntry]:
    return list(db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)))


def count() -> int:
    return db.session.scalar(select(func.count(AuditEntry.id)))


def riding_slot(world) -> Slot:
    return db.session.scalars(
        select(Slot)
        .where(Slot.pool_id == world.pools["stable"], Slot.local_date == world.today + timedelta(days=2))
        .order_by(Slot.starts_at)
    ).first()


def test_a_stay_from_booking_to_check_out_reads_back_in_order(hotel, world):
    desk = staff_member(hotel, StaffRole.RECEPTIONIST, "Anna Berg")
    boss = staff_member(hotel, StaffRole.MANAGER, "Minh Le")
    stay = db.session.get(Stay, world.stays["garcia"])
    service = db.session.get(Service, world.services["horse_riding"])
    before_walk = count()

    # The guest books two riders on the room from their phone.
    with audit.acting_as(audit.guest_actor(stay)):
        request = planning.BookingRequest(service.id, slot_id=riding_slot(world).id, adults=2)
        order = ordering.book_now(stay, request)
    assert order.total == 12000
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))

    # The desk gives part of it back, with a reason.
    with audit.acting_as(audit.staff_actor(desk)):
        payments.staff_refund(payment.id, hotel.id, 2500, "Pony was lame, shorter ride", desk)

    # The manager lowers the stable's capacity and raises the price.
    with audit.acting_as(audit.staff_actor(boss)):
        pool = db.session.get(ResourcePool, world.pools["stable"])
        capacity.set_capacity(pool, 4)
        settings = catalog_admin.ServiceSettings(
            **{
                field.name: getattr(service, field.name)
                for field in dataclasses.fields(catalog_admin.ServiceSettings)
                if field.name != "tags"
            },
            tags=tuple(service.tags),
        )
        settings.price_adult = 7000
        texts = {name: getattr(service, name).as_dict() for name in catalog_admin.SERVICE_TEXTS}
        catalog_admin.save_service(service, hotel, texts, settings)

    # The desk checks the guest out.
    with audit.acting_as(audit.staff_actor(desk)):
        stay_desk.check_out(stay)

    walk = entries()[before_walk:]
    assert [entry.action for entry in walk] == [
        "order.placed",
        "refund.created",
        "pool.capacity_changed",
        "service.price_changed",
        "stay.checked_out",
    ]
    placed, refund, lowered, price, out = walk

    assert (placed.actor_kind, placed.actor_name, placed.actor_staff_id) == (
        ActorKind.GUEST,
        "Guest, room 204",
        None,
    )
    assert (placed.object_kind, placed.object_id, placed.stay_id) == ("order", order.id, stay.id)
    assert placed.before is None
    assert placed.after == {
        "reference": order.reference,
        "status": "confirmed",
        "payment_method": "room",
        "total": 12000,
    }

    assert (refund.actor_kind, refund.actor_staff_id, refund.actor_name) == (
        ActorKind.STAFF,
        desk.id,
        "Anna Berg",
    )
    assert (refund.object_kind, refund.object_id, refund.stay_id) == ("order", order.id, stay.id)
    assert refund.after["amount"] == 2500 and refund.after["paid"] == 12000  # a part refund, in minor units
    assert refund.reason == "Pony was lame, shorter ride"

    assert (lowered.actor_staff_id, lowered.object_kind, lowered.object_id) == (boss.id, "pool", pool.id)
    assert (lowered.before, lowered.after, lowered.stay_id) == ({"capacity": 6}, {"capacity": 4}, None)

    assert (price.object_kind, price.object_id) == ("service", service.id)
    assert (price.before, price.after) == ({"price_adult": 6000}, {"price_adult": 7000})  # only what changed

    assert (out.actor_staff_id, out.object_kind, out.object_id, out.stay_id) == (
        desk.id,
        "stay",
        stay.id,
        stay.id,
    )
    assert (out.before, out.after) == ({"phase": "in_house"}, {"phase": "checked_out"})

    # Read back through the trail: newest first, by object, by person, by stay, by day.
    assert [entry.id for entry in audit.trail(hotel.id).entries][:5] == [entry.id for entry in reversed(walk)]
    assert [e.action for e in audit.trail(hotel.id, object_kind="order", object_id=order.id).entries] == [
        "refund.created",
        "order.placed",
    ]
    assert [e.action for e in audit.trail(hotel.id, actor=desk.id).entries] == [
        "stay.checked_out",
        "refund.created",
    ]
    assert [e.action for e in audit.trail(hotel.id, actor=ActorKind.GUEST).entries] == ["order.placed"]
    assert [e.action for e in audit.trail(hotel.id, stay_id=stay.id).entries] == [
        "stay.checked_out",
        "refund.created",
        "order.placed",
    ]
    assert len(audit.trail(hotel.id, day=world.today).entries) == count()
    assert audit.trail(hotel.id, day=world.today - timedelta(days=1)).entries == []
    assert audit.trail(hotel.id + 1).entries == []  # another hotel sees nothing of it


def test_a_refused_operation_leaves_no_entry(hotel, world):
    boss = staff_member(hotel, StaffRole.MANAGER, "Minh Le")
    stay = db.session.get(Stay, world.stays["garcia"])
    with audit.acting_as(audit.guest_actor(stay)):
        order = ordering.book_now(
            stay,
            planning.BookingRequest(world.services["horse_riding"], slot_id=riding_slot(world).id, adults=2),
        )
    payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
    before = count()
    with audit.acting_as(audit.staff_actor(boss)):
        with pytest.raises(capacity.CapacityConflict):  # two riders are booked in that slot
            capacity.set_capacity(db.session.get(ResourcePool, world.pools["stable"]), 1)
        with pytest.raises(LobbyError):  # more than was paid
            payments.staff_refund(payment.id, hotel.id, 99999, "Too much", boss)
        with pytest.raises(LobbyError):  # the guest is still in the house
            stay_desk.post_late_charge(stay, 500, "Minibar", StaffRole.MANAGER)
    db.session.rollback()
    assert count() == before


def test_an_entry_is_part_of_its_operations_transaction(hotel, world):
    """Recorded inside a transaction that then fails, the entry goes with the change: never alone."""
    pool = db.session.get(ResourcePool, world.pools["cars"])
    before = count()
    with pytest.raises(LobbyError), write_transaction():
        audit.record(hotel.id, "pool.capacity_changed", pool, before={"capacity": 2}, after={"capacity": 3})
        pool.capacity = 3
        raise LobbyError("refused after the entry was added")
    assert count() == before
    assert db.session.get(ResourcePool, pool.id).capacity == 2


def test_the_actor_comes_back_after_the_block_and_defaults_to_the_system(hotel, world):
    assert audit.current_actor() == audit.SYSTEM
    stay = db.session.get(Stay, world.stays["garcia"])
    with audit.acting_as(audit.pms_actor("Mews")):
        with audit.acting_as(audit.guest_actor(stay)):
            assert audit.current_actor().kind is ActorKind.GUEST
        assert asdict(audit.current_actor()) == {"kind": ActorKind.PMS, "staff_id": None, "name": "Mews"}
    assert audit.current_actor() == audit.SYSTEM
    user = staff_member(hotel, StaffRole.RECEPTIONIST, "")
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.created")).all()[-1]
    assert (created.actor_kind, created.object_id, created.after["email"]) == (
        ActorKind.SYSTEM,
        user.id,
        user.email,
    )
    assert audit.staff_actor(user).name == user.email  # no name: the email names them


def test_an_actor_found_on_demand_is_looked_up_once_and_only_when_something_is_recorded(hotel, world):
    """A request hands over how to find who is asking; a page that records nothing never asks."""
    looked_up = []

    def the_desk() -> audit.Actor:
        looked_up.append(True)
        return audit.pms_actor("Opera")

    with audit.acting_as(the_desk):
        pass
    assert looked_up == []
    with audit.acting_as(the_desk):
        staff_member(hotel, StaffRole.RECEPTIONIST, "")
        assert audit.current_actor().name == "Opera"
    assert looked_up == [True]
    assert audit.current_actor() == audit.SYSTEM  # the block's lookup does not outlive it
    created = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "staff.created")).all()[-1]
    assert (created.actor_kind, created.actor_name) == (ActorKind.PMS, "Opera")


def test_changes_keep_only_what_differs_and_saving_nothing_records_nothing(hotel, world):
    assert audit.changes({"a": 1, "b": 2}, {"a": 1, "b": 3}) == ({"b": 2}, {"b": 3})
    assert audit.changes({"slot": 4, "closed": False}, {"slot": 4, "closed": True}) == (
        {"slot": 4, "closed": False},
        {"slot": 4, "closed": True},
    )
    assert audit.changes({"slot": 4}, {"slot": 4}) == ({}, {})
    service = db.session.get(Service, world.services["pony_ride"])
    assert audit.snapshot(service, ("title", "price_child")) == {
        "title.en": "Pony ride",
        "title.vi": "[vi] pony_ride",
        "price_child": 2500,
    }
    pool = db.session.get(ResourcePool, world.pools["stable"])
    before = count()
    capacity.set_capacity(pool, 6)  # what it already is
    assert count() == before


def test_the_trail_day_is_the_hotels_day(hotel, world, frozen_now):
    """Vienna is UTC+1 in winter: 23:30 UTC on 1 December is already 2 December at the hotel."""
    pool = db.session.get(ResourcePool, world.pools["cars"])
    frozen_now(datetime(2026, 12, 1, 23, 30, tzinfo=UTC))
    audit.record(hotel.id, "pool.capacity_changed", pool, before={"capacity": 2}, after={"capacity": 3})
    db.session.commit()
    local_day = datetime(2026, 12, 2).date()
    assert [e.action for e in audit.trail(hotel.id, day=local_day).entries] == ["pool.capacity_changed"]
    assert audit.trail(hotel.id, day=local_day - timedelta(days=1)).entries == []


def test_card_payments_and_closures_are_on_their_orders_and_pools(hotel, world):
    """A closed and reopened time is on its pool's trail; a desk sale on its order's."""
    stay = db.session.get(Stay, world.stays["garcia"])
    slot = riding_slot(world)
    pool = db.session.get(ResourcePool, world.pools["stable"])
    capacity.close_slot(pool, slot.id)
    capacity.reopen_slot(pool, slot.id)
    closed, reopened = audit.trail(hotel.id, object_kind="pool", object_id=pool.id).entries[::-1]
    assert (closed.action, closed.before["closed"], closed.after["closed"]) == (
        "pool.slot_closed",
        False,
        True,
    )
    assert (reopened.action, reopened.after["slot"]) == ("pool.slot_reopened", slot.id)
    assert closed.after["starts_at"] == slot.starts_at.isoformat()
    order = ordering.sell_at_desk(
        stay,
        planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=1),
        PaymentMethod.ROOM,
    )
    assert (
        audit.trail(hotel.id, object_kind="order", object_id=order.id).entries[0].after["status"]
        == "confirmed"
    )


def test_a_card_payment_confirms_its_order_once_on_the_orders_trail(hotel, world):
    """What the webhook reports is recorded by the system; the same news twice is recorded once."""
    stay = db.session.get(Stay, world.stays["garcia"])
    request = planning.BookingRequest(world.services["horse_riding"], slot_id=riding_slot(world).id, adults=1)
    ordering.add_to_cart(stay, request)
    with write_transaction():
        order = ordering.cart_for(stay)
        ordering._place(order, PaymentMethod.CARD)  # held for the card, as a card checkout does
    payment = Payment(
        hotel_id=hotel.id,
        order=order,
        provider="stripe",
        amount=order.total,
        currency=order.currency,
        idempotency_key="test-card",
        external_id="pi_test",
    )
    db.session.add(payment)
    db.session.commit()
    paid = IntentState("pi_test", IntentStatus.SUCCEEDED, order.total, order.currency)
    payments.record_intent_state(payment.id, paid)
    payments.record_intent_state(payment.id, paid)  # a webhook delivered again
    trail = audit.trail(hotel.id, object_kind="order", object_id=order.id).entries
    assert [entry.action for entry in trail] == ["payment.succeeded", "order.confirmed"]
    succeeded, confirmed = trail
    assert succeeded.actor_kind is ActorKind.SYSTEM and succeeded.stay_id == stay.id
    assert (succeeded.before, succeeded.after) == (
        {"payment": payment.id, "status": "created"},
        {"payment": payment.id, "status": "succeeded", "amount": 6000},
    )
    assert (confirmed.before, confirmed.after) == ({"status": "pending"}, {"status": "confirmed"})
