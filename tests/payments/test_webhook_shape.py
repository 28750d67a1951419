"""Signed webhooks whose content is not an event we can read: 400 at once, never a 500 retried forever."""

from __future__ import annotations

import json
import time

import pytest
import stripe

from app.models import PaymentStatus
from tests.payments.conftest import WEBHOOK_SECRET, stripe_event
from tests.payments.test_webhooks import paid_by_visa, payment_statuses, post_raw, webhook_events


def send_signed(client, event, at: int | None = None):
    """``event`` (any JSON) signed with our secret, as Stripe would sign it."""
    body = json.dumps(event)
    header = stripe.WebhookSignature.generate_signature_header(
        body, WEBHOOK_SECRET, int(time.time()) if at is None else at
    )
    return post_raw(client, body.encode(), {"Stripe-Signature": header})


def without(event: dict, key: str) -> dict:
    return {name: value for name, value in event.items() if name != key}


def with_object(**fields) -> dict:
    event = stripe_event("payment_intent.succeeded", "pi_shape")
    event["data"]["object"].update(fields)
    return event


MALFORMED = {
    "no data": without(stripe_event("payment_intent.succeeded", "pi_x"), "data"),
    "data without object": {**stripe_event("payment_intent.succeeded", "pi_x"), "data": {}},
    "data is a list": {**stripe_event("payment_intent.succeeded", "pi_x"), "data": [1, 2]},
    "object is a string": {**stripe_event("payment_intent.succeeded", "pi_x"), "data": {"object": "pi_x"}},
    "id over 255 characters": {**stripe_event("payment_intent.succeeded", "pi_x"), "id": "evt_" + "x" * 252},
    "id a number": {**stripe_event("payment_intent.succeeded", "pi_x"), "id": 12345},
    "no type": without(stripe_event("payment_intent.succeeded", "pi_x"), "type"),
    "type over 80 characters": {**stripe_event("payment_intent.succeeded", "pi_x"), "type": "x" * 81},
    "object id over 255 characters": stripe_event("payment_intent.succeeded", "pi_" + "x" * 253),
    "object id a list": with_object(id=["pi_x"]),
    "metadata a string": with_object(metadata="lobby_payment=1"),
    "refund status a list": stripe_event("refund.updated", "re_x", obj="refund", status=["succeeded"]),
    "refund failure reason too long": stripe_event(
        "refund.failed", "re_x", obj="refund", status="failed", failure_reason="x" * 121
    ),
    "refund without id": {
        **stripe_event("refund.updated", "re_x"),
        "data": {"object": {"object": "refund", "status": "succeeded"}},
    },
    "a list, not an event": [stripe_event("payment_intent.succeeded", "pi_x")],
    "null": None,
}


@pytest.mark.parametrize("event", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_signed_event_of_the_wrong_shape_is_refused_with_400(app, client, stripe_on, event):
    answer = send_signed(client, event)
    assert answer.status_code == 400
    assert answer.json == {"error": "malformed event"}
    assert webhook_events(app) == []


def test_signed_json_nested_too_deep_to_read_is_refused(app, client, stripe_on):
    body = "[" * 100_000 + "]" * 100_000
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET, int(time.time()))
    answer = post_raw(client, body.encode(), {"Stripe-Signature": header})
    assert answer.status_code == 400
    assert answer.json == {"error": "malformed event"}
    assert webhook_events(app) == []


def test_the_longest_ids_stripe_may_send_are_kept(app, client, stripe_on):
    """255 characters fit the column on PostgreSQL too (SQLite would take anything)."""
    event = stripe_event("customer.created", "cus_" + "c" * 251, obj="customer")
    event["id"] = "evt_" + "e" * 251
    answer = send_signed(client, event)
    assert answer.status_code == 200
    assert webhook_events(app) == [(event["id"], "ignored", True)]


@pytest.mark.parametrize("reference", ["99999999999999999999999", "²", "-1", "1 ", 7])
def test_a_payment_reference_that_cannot_be_ours_is_not_looked_up(app, client, stripe_on, reference):
    """An intent made elsewhere in the same Stripe account may carry any metadata."""
    answer = send_signed(client, with_object(metadata={"lobby_payment": reference}))
    assert answer.status_code == 200
    assert answer.json["outcome"] == "unknown payment"


def test_an_event_signed_in_the_future_is_refused(app, guest, world, stripe_on, webhooks):
    reference, _slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    event = stripe_event("payment_intent.succeeded", intent_id)

    ahead = webhooks.send(event, at=int(time.time()) + 600)
    assert ahead.status_code == 400
    assert ahead.json == {"error": "invalid signature"}
    assert webhook_events(app) == []
    assert payment_statuses(app, reference) == [(PaymentStatus.CREATED, intent_id)]

    # A clock a minute fast is skew, not a forgery: that delivery counts.
    skewed = webhooks.send(event, at=int(time.time()) + 60)
    assert skewed.status_code == 200
    assert skewed.json["outcome"] == "payment succeeded"
