"""A guest pays by card against localstripe: held seats, webhook fulfilment, declines, 3-D Secure, expiry."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import requests
from flask_babel import force_locale, gettext
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    Order,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    Slot,
)
from app.services import payments
from tests.browsing import text
from tests.payments.conftest import card_token, pay_page_reference, stripe_event


def add_riding(guest, world, adults: int = 2) -> int:
    """Two adults on the latest horse-riding time; returns the slot id."""
    path = f"/services/{world.services['horse_riding']}"
    slot_id = int(re.findall(r'name="slot" value="(\d+)"', text(guest.client.get(path)))[-1])
    assert guest.post(path, {"slot": slot_id, "adults": adults}).status_code == 302
    return slot_id


def start_card_checkout(guest, world) -> tuple[str, int]:
    assert guest.sign_in().status_code == 302
    slot_id = add_riding(guest, world)
    response = guest.post("/checkout", {"payment_method": "card"}, page="/cart")
    assert response.status_code == 302, text(response)
    return pay_page_reference(response), slot_id


def pay(guest, reference: str, token: str):
    return guest.client.post(
        f"/orders/{reference}/pay",
        json={"token": token},
        headers={"X-CSRFToken": guest.csrf(f"/orders/{reference}/pay")},
    )


def order_by_reference(app, reference: str) -> Order:
    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.reference == reference))
        db.session.expunge(order)
        return order


def seats_taken(app, slot_id: int) -> int:
    with app.app_context():
        return db.session.get(Slot, slot_id).taken


def payment_of(app, reference: str) -> Payment:
    with app.app_context():
        return db.session.scalar(
            select(Payment).join(Order).where(Order.reference == reference).order_by(Payment.id.desc())
        )


def test_card_is_offered_only_with_stripe_keys(guest, world):
    guest.sign_in()
    add_riding(guest, world)
    page = text(guest.client.get("/cart"))
    assert 'value="card"' not in page
    assert 'value="room"' in page
    refused = guest.post("/checkout", {"payment_method": "card"}, page="/cart")
    assert refused.status_code == 400


def test_card_payment_holds_seats_and_books_when_the_webhook_arrives(app, guest, world, stripe_on, webhooks):
    reference, slot_id = start_card_checkout(guest, world)
    assert seats_taken(app, slot_id) == 2  # held while the guest pays
    page = text(guest.client.get(f"/orders/{reference}/pay"))
    assert "/js.stripe.com/v3/" in page

    answer = pay(guest, reference, card_token(stripe_on, "visa"))
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "succeeded"
    # The browser's word is not enough: still waiting for Stripe's webhook.
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert "Confirming your payment" in text(guest.client.get(f"/orders/{reference}"))

    payment = payment_of(app, reference)
    delivered = webhooks.send(stripe_event("payment_intent.succeeded", payment.external_id))
    assert delivered.status_code == 200
    assert delivered.json["outcome"] == "payment succeeded"

    order = order_by_reference(app, reference)
    assert order.status is OrderStatus.CONFIRMED
    assert payment_of(app, reference).status is PaymentStatus.SUCCEEDED
    assert payment_of(app, reference).amount == order.total == 2 * 6000
    assert "You are booked!" in text(guest.client.get(f"/orders/{reference}"))
    assert seats_taken(app, slot_id) == 2  # booked, not taken twice


def test_a_declined_card_can_be_retried_without_losing_anything(app, guest, world, stripe_on, webhooks):
    reference, slot_id = start_card_checkout(guest, world)

    declined = pay(guest, reference, card_token(stripe_on, "declined"))
    assert declined.status_code == 402
    assert declined.json["error"] == "Your card was declined. Please try another card."
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert seats_taken(app, slot_id) == 2  # the hold stands while the guest tries again

    retried = pay(guest, reference, card_token(stripe_on, "visa"))
    assert retried.json["status"] == "succeeded"
    webhooks.send(stripe_event("payment_intent.succeeded", payment_of(app, reference).external_id))
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED


def test_a_declined_card_in_vietnamese(app, guest, world, stripe_on):
    reference, _slot = start_card_checkout(guest, world)
    guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home")
    declined = pay(guest, reference, card_token(stripe_on, "declined"))
    assert declined.status_code == 402
    with app.test_request_context(), force_locale("vi"):
        in_vietnamese = gettext("Your card was declined. Please try another card.")
    assert in_vietnamese != "Your card was declined. Please try another card."
    assert declined.json["error"] == in_vietnamese


def test_three_d_secure_comes_back_to_the_phone(app, guest, world, stripe_on, webhooks, localstripe):
    reference, _slot = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "3ds"))
    assert answer.json["status"] == "requires_action"
    assert answer.json["client_secret"].startswith("pi_")
    payment = payment_of(app, reference)
    assert payment.status is PaymentStatus.PENDING

    # What stripe.confirmCardPayment does on the phone when the guest completes the challenge.
    intent_id = payment.external_id
    authenticated = requests.post(
        f"{localstripe}/v1/payment_intents/{intent_id}/_authenticate",
        data={"client_secret": answer.json["client_secret"], "success": "true", "key": "pk_test_lobby"},
        timeout=5,
    )
    assert authenticated.status_code == 200
    webhooks.send(stripe_event("payment_intent.succeeded", intent_id))
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED


def test_an_expired_hold_never_becomes_a_booking_and_a_late_payment_is_refunded(
    app, guest, world, stripe_on, webhooks, frozen_now
):
    reference, slot_id = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "visa"))
    assert answer.json["status"] == "succeeded"

    frozen_now(clock.now() + timedelta(minutes=16))  # the 15-minute hold is over, nobody released it yet
    delivered = webhooks.send(
        stripe_event("payment_intent.succeeded", payment_of(app, reference).external_id)
    )
    assert delivered.status_code == 200

    with app.app_context():
        order = db.session.scalar(select(Order).where(Order.reference == reference))
        assert order.status is OrderStatus.CART  # back in the cart, nothing booked
        assert {line.status for line in order.lines} == {LineStatus.CART}
        payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
        assert payment.refunded_late
        refund = db.session.scalar(select(Refund).where(Refund.payment_id == payment.id))
        assert (refund.amount, refund.status) == (payment.amount, RefundStatus.SUCCEEDED)
        stripe_refund = stripe_on.v1.refunds.retrieve(refund.external_id)
        assert stripe_refund.amount == payment.amount
    assert seats_taken(app, slot_id) == 0
    assert "refunded it in full" in text(guest.client.get("/stay"))
    again = guest.client.get(f"/orders/{reference}/pay")
    assert again.status_code == 302 and again.location.endswith("/cart")


def test_expired_holds_free_their_seats_for_other_guests(app, guest, world, stripe_on, frozen_now):
    _reference, slot_id = start_card_checkout(guest, world)
    assert seats_taken(app, slot_id) == 2
    frozen_now(clock.now() + timedelta(minutes=15, seconds=1))
    with app.app_context():
        assert payments.reconcile().holds_released == 1
    assert seats_taken(app, slot_id) == 0
    assert "Book now" in text(guest.client.get("/cart"))  # the cart is still there


@pytest.mark.parametrize("minutes", [5])
def test_hold_time_is_configurable(app, guest, world, stripe_on, monkeypatch, minutes):
    monkeypatch.setitem(app.config, "PAYMENT_HOLD_MINUTES", minutes)
    reference, _slot = start_card_checkout(guest, world)
    order = order_by_reference(app, reference)
    assert order.hold_expires_at - clock.now() <= timedelta(minutes=minutes)
    assert order.hold_expires_at - clock.now() > timedelta(minutes=minutes - 1)


def test_a_hotel_can_turn_either_way_of_paying_off(app, guest, world, stripe_on):
    guest.sign_in()
    add_riding(guest, world)
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).room_charge_enabled = False
        db.session.commit()
    page = text(guest.client.get("/cart"))
    assert 'value="card"' in page and 'value="room"' not in page
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 400

    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        hotel.room_charge_enabled, hotel.card_payments_enabled = True, False
        db.session.commit()
    page = text(guest.client.get("/cart"))
    assert 'value="room"' in page and 'value="card"' not in page
    assert guest.post("/checkout", {"payment_method": "card"}, page="/cart").status_code == 400


def test_the_amount_stripe_charges_is_the_total_the_guest_saw(app, guest, world, stripe_on):
    reference, _slot = start_card_checkout(guest, world)
    shown = re.search(
        r'class="grand-total"><span>Total</span> <strong>([^<]+)</strong>',
        text(guest.client.get(f"/orders/{reference}/pay")),
    )
    assert shown.group(1) == "€120.00"
    pay(guest, reference, card_token(stripe_on, "visa"))
    payment = payment_of(app, reference)
    intent = stripe_on.v1.payment_intents.retrieve(payment.external_id)
    assert (
        (intent.amount, intent.currency)
        == (12000, "eur")
        == (order_by_reference(app, reference).total, "eur")
    )
