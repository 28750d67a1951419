"""Payments and refunds through the public API: money as it moved, never a provider's secret."""

from __future__ import annotations

import re

import requests
from sqlalchemy import select

from app.extensions import db
from app.models import Order, Payment
from tests.api.v1.bookings import book_riding_on_room, leaks, second_hotel
from tests.api.v1.conftest import bearer, make_key
from tests.browsing import text
from tests.payments import conftest as stripe_fixtures
from tests.payments.conftest import card_token, stripe_event
from tests.payments.test_card_payments import pay, start_card_checkout

# localstripe and the app switched to it, from the card payments' own fixtures.
localstripe = stripe_fixtures.localstripe
stripe_on = stripe_fixtures.stripe_on
webhooks = stripe_fixtures.webhooks


def test_a_room_charge_and_its_refund(app, client, guest, world, key):
    guest.sign_in()
    reference = book_riding_on_room(guest, world, adults=2)
    (payment,) = client.get("/api/v1/payments", headers=key).json["data"]
    with app.app_context():
        order_id = db.session.scalar(select(Order.id).where(Order.reference == reference))
    assert payment["order_id"] == order_id
    assert (payment["provider"], payment["status"], payment["amount"], payment["currency"]) == (
        "room",
        "succeeded",
        12000,
        "EUR",
    )
    assert (payment["refunded"], payment["refundable"], payment["refunds"]) == (0, 12000, [])
    assert payment["external_id"] is None

    line_id = re.search(r"/bookings/(\d+)/cancel", text(guest.client.get("/stay"))).group(1)
    assert guest.cancel_booking(line_id).status_code == 302  # inside the free window: all comes back
    again = client.get(f"/api/v1/payments/{payment['id']}", headers=key)
    assert again.status_code == 200
    (refund,) = again.json["refunds"]
    assert (refund["amount"], refund["order_line_id"]) == (12000, int(line_id))
    assert (refund["payment_id"], refund["order_id"]) == (payment["id"], order_id)
    assert (again.json["refunded"], again.json["refundable"]) == (12000, 0)

    refunds = client.get("/api/v1/refunds", headers=key).json["data"]
    assert refunds == [refund]
    assert client.get(f"/api/v1/refunds/{refund['id']}", headers=key).json == refund
    query = f"payment_id={payment['id']}&status={refund['status']}"
    filtered = client.get(f"/api/v1/refunds?{query}", headers=key)
    assert filtered.json["data"] == [refund]


def test_a_card_payment_shows_the_intent_id_never_its_secret(
    app, client, guest, world, key, stripe_on, webhooks, localstripe
):
    reference, _slot = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "3ds"))
    secret = answer.json["client_secret"]  # what the phone needs for the 3-D Secure challenge
    listed = client.get("/api/v1/payments?provider=stripe", headers=key)
    (payment,) = listed.json["data"]
    assert (payment["provider"], payment["status"]) == ("stripe", "pending")
    assert payment["external_id"].startswith("pi_")
    assert secret not in listed.get_data(as_text=True)
    assert "secret" not in listed.get_data(as_text=True)
    with app.app_context():
        idempotency_key = db.session.get(Payment, payment["id"]).idempotency_key
    assert idempotency_key not in listed.get_data(as_text=True)

    # The pending order's seats are held: it is listed with its hold.
    order = client.get(f"/api/v1/orders/{payment['order_id']}", headers=key).json
    assert order["status"] == "pending" and order["hold_expires_at"] is not None

    # The guest passes the challenge on the phone, then Stripe tells the hotel.
    authenticated = requests.post(
        f"{localstripe}/v1/payment_intents/{payment['external_id']}/_authenticate",
        data={"client_secret": secret, "success": "true", "key": "pk_test_lobby"},
        timeout=5,
    )
    assert authenticated.status_code == 200
    webhooks.send(stripe_event("payment_intent.succeeded", payment["external_id"]))
    assert client.get(f"/api/v1/payments/{payment['id']}", headers=key).json["status"] == "succeeded"
    assert client.get("/api/v1/payments?provider=room", headers=key).json["data"] == []
    assert [p["id"] for p in client.get("/api/v1/payments?status=succeeded", headers=key).json["data"]] == [
        payment["id"]
    ]


def test_payments_filter_by_order(app, client, guest, world, key):
    guest.sign_in()
    book_riding_on_room(guest, world, 1)
    book_riding_on_room(guest, world, 1)
    first, second = client.get("/api/v1/payments", headers=key).json["data"]
    only = client.get(f"/api/v1/payments?order_id={second['order_id']}", headers=key).json["data"]
    assert only == [second]
    assert first["order_id"] != second["order_id"]


def test_filters_are_validated(client, world, key):
    answer = client.get("/api/v1/payments?provider=paypal&status=lost&order_id=-1", headers=key)
    assert answer.status_code == 422
    fields = {error["field"] for error in answer.json["errors"]}
    assert fields == {"query.provider", "query.status", "query.order_id"}
    refunds = client.get("/api/v1/refunds?status=maybe&cursor=not!a!cursor", headers=key)
    assert refunds.status_code == 422
    assert {error["field"] for error in refunds.json["errors"]} == {"query.status", "query.cursor"}
    forged = client.get("/api/v1/refunds?cursor=bm90LWpzb24=", headers=key)
    assert forged.status_code == 400
    assert forged.json["type"] == "/api/v1/problems/invalid-cursor"


def test_payments_need_their_scope(app, client, world):
    orders_only = bearer(make_key(app, scopes=["orders:read"]))
    for path in ("/api/v1/payments", "/api/v1/payments/1", "/api/v1/refunds", "/api/v1/refunds/1"):
        answer = client.get(path, headers=orders_only)
        assert answer.status_code == 403
        assert "payments:read" in answer.json["detail"]


def test_another_hotels_money_is_not_found(app, client, world, key):
    other = second_hotel(app)
    for path in (f"/api/v1/payments/{other.payment_id}", f"/api/v1/refunds/{other.refund_id}"):
        answer = client.get(path, headers=key)
        assert answer.status_code == 404
        assert not leaks(answer, "Secret reason")
    for path in (
        "/api/v1/payments",
        f"/api/v1/payments?order_id={other.order_id}",
        "/api/v1/refunds",
        f"/api/v1/refunds?payment_id={other.payment_id}",
    ):
        answer = client.get(path, headers=key)
        assert answer.json["data"] == [], path
    theirs = bearer(make_key(app, slug="second-lodge"))
    (refund,) = client.get("/api/v1/refunds", headers=theirs).json["data"]
    assert (refund["id"], refund["reason"]) == (other.refund_id, "Secret reason")
