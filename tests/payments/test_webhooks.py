"""Stripe's webhook: only signed, fresh events count, each once, and the intent is re-read from Stripe."""

from __future__ import annotations

import json
import time
from datetime import timedelta

import pytest
import stripe
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import FolioLine, Order, OrderStatus, Payment, PaymentStatus, Refund, WebhookEvent
from app.payments import ProviderUnavailable
from app.payments.stripe_card import StripeCard
from tests.payments.conftest import WEBHOOK_SECRET, card_token, stripe_event
from tests.payments.test_card_payments import (
    order_by_reference,
    pay,
    payment_of,
    seats_taken,
    start_card_checkout,
)


def webhook_events(app) -> list[tuple[str, str | None, bool]]:
    """Every recorded event as (id, outcome, processed)."""
    with app.app_context():
        return [
            (event.id, event.outcome, event.processed_at is not None)
            for event in db.session.scalars(select(WebhookEvent).order_by(WebhookEvent.id))
        ]


def count(app, model) -> int:
    with app.app_context():
        return db.session.scalar(select(func.count()).select_from(model))


def payment_statuses(app, reference: str) -> list[tuple[PaymentStatus, str | None]]:
    with app.app_context():
        return [
            (payment.status, payment.external_id)
            for payment in db.session.scalars(
                select(Payment).join(Order).where(Order.reference == reference).order_by(Payment.id)
            )
        ]


def paid_by_visa(app, guest, world, stripe_on) -> tuple[str, int, str]:
    """A card checkout paid at Stripe, its webhook not delivered yet: (reference, slot id, intent id)."""
    reference, slot_id = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "visa"))
    assert answer.status_code == 200, answer.json
    assert answer.json["status"] == "succeeded"
    return reference, slot_id, payment_of(app, reference).external_id


def post_raw(client, body: bytes, headers: dict):
    return client.post(
        "/api/stripe/webhook", data=body, headers={"Content-Type": "application/json", **headers}
    )


def test_a_redelivered_event_is_answered_duplicate_and_changes_nothing(
    app, guest, world, stripe_on, webhooks, frozen_now
):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    event = stripe_event("payment_intent.succeeded", intent_id)

    first = webhooks.send(event)
    assert first.status_code == 200
    assert first.json == {"received": event["id"], "outcome": "payment succeeded"}
    booked = order_by_reference(app, reference)
    assert booked.status is OrderStatus.CONFIRMED
    assert seats_taken(app, slot_id) == 2

    frozen_now(clock.now() + timedelta(minutes=3))
    second = webhooks.send(event)
    assert second.status_code == 200
    assert second.json == {"received": event["id"], "outcome": "duplicate"}

    again = order_by_reference(app, reference)
    assert again.status is OrderStatus.CONFIRMED
    assert again.placed_at == booked.placed_at  # confirmed once, not again at the later time
    assert again.total == booked.total == 12000
    assert payment_statuses(app, reference) == [(PaymentStatus.SUCCEEDED, intent_id)]
    assert seats_taken(app, slot_id) == 2
    assert count(app, Refund) == 0
    assert count(app, FolioLine) == 0
    assert webhook_events(app) == [(event["id"], "payment succeeded", True)]


def test_a_failure_event_arriving_after_the_success_does_not_undo_the_booking(
    app, guest, world, stripe_on, webhooks
):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    succeeded = stripe_event("payment_intent.succeeded", intent_id)
    assert webhooks.send(succeeded).json["outcome"] == "payment succeeded"

    # Stripe does not promise order: an older failure (a first declined try) comes last.
    failed = stripe_event(
        "payment_intent.payment_failed",
        intent_id,
        status="requires_payment_method",
        last_payment_error={"code": "card_declined", "decline_code": "generic_decline"},
    )
    late = webhooks.send(failed)
    assert late.status_code == 200
    assert late.json["outcome"] == "payment succeeded"  # what Stripe says now, not what the event says

    order = order_by_reference(app, reference)
    assert order.status is OrderStatus.CONFIRMED
    assert payment_statuses(app, reference) == [(PaymentStatus.SUCCEEDED, intent_id)]
    with app.app_context():
        assert db.session.scalar(select(Payment).where(Payment.external_id == intent_id)).failure_code is None
    assert seats_taken(app, slot_id) == 2
    assert count(app, Refund) == 0
    assert {event_id for event_id, _outcome, _done in webhook_events(app)} == {succeeded["id"], failed["id"]}


def test_a_replayed_event_with_an_old_signature_is_refused(app, guest, world, stripe_on, webhooks):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    event = stripe_event("payment_intent.succeeded", intent_id)

    replayed = webhooks.send(event, at=int(time.time()) - 600)
    assert replayed.status_code == 400
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert payment_statuses(app, reference) == [(PaymentStatus.CREATED, intent_id)]
    assert seats_taken(app, slot_id) == 2
    assert webhook_events(app) == []

    # The refusal did not use the event up: Stripe's own (freshly signed) retry still books.
    assert webhooks.send(event).json["outcome"] == "payment succeeded"
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED


def test_an_event_signed_with_the_wrong_secret_is_refused(app, guest, world, stripe_on, webhooks):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)

    forged = webhooks.send(stripe_event("payment_intent.succeeded", intent_id), secret="whsec_not_ours")
    assert forged.status_code == 400
    assert forged.json == {"error": "invalid signature"}
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert payment_statuses(app, reference) == [(PaymentStatus.CREATED, intent_id)]
    assert seats_taken(app, slot_id) == 2
    assert webhook_events(app) == []


def _garbage_signed() -> tuple[bytes, dict]:
    body = "this is not json {"
    header = stripe.WebhookSignature.generate_signature_header(body, WEBHOOK_SECRET, int(time.time()))
    return body.encode(), {"Stripe-Signature": header}


def _unsigned() -> tuple[bytes, dict]:
    return json.dumps(stripe_event("payment_intent.succeeded", "pi_unsigned")).encode(), {}


def _malformed_header() -> tuple[bytes, dict]:
    body = json.dumps(stripe_event("payment_intent.succeeded", "pi_malformed")).encode()
    return body, {"Stripe-Signature": "t=yesterday,v1=nothing"}


@pytest.mark.parametrize(
    "request_parts",
    [_garbage_signed, _unsigned, _malformed_header],
    ids=["signed garbage", "no signature header", "malformed signature header"],
)
def test_an_unreadable_or_unsigned_body_is_refused(app, client, stripe_on, request_parts):
    body, headers = request_parts()
    refused = post_raw(client, body, headers)
    assert refused.status_code == 400
    # Signed garbage has a good signature: it is the content that is refused.
    expected = "malformed event" if request_parts is _garbage_signed else "invalid signature"
    assert refused.json == {"error": expected}
    assert webhook_events(app) == []


def test_an_event_type_we_do_not_handle_is_acknowledged_and_ignored(app, stripe_on, webhooks):
    event = stripe_event("customer.created", "cus_lobby", obj="customer", email="guest@example.com")
    answer = webhooks.send(event)
    assert answer.status_code == 200
    assert answer.json == {"received": event["id"], "outcome": "ignored"}
    assert webhook_events(app) == [(event["id"], "ignored", True)]


def test_an_event_for_a_payment_we_do_not_know_changes_nothing(app, guest, world, stripe_on, webhooks):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    event = stripe_event("payment_intent.succeeded", "pi_doesnotexist")

    answer = webhooks.send(event)
    assert answer.status_code == 200
    assert answer.json == {"received": event["id"], "outcome": "unknown payment"}
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert payment_statuses(app, reference) == [(PaymentStatus.CREATED, intent_id)]
    assert seats_taken(app, slot_id) == 2
    assert count(app, Refund) == 0
    assert webhook_events(app) == [(event["id"], "unknown payment", True)]


def test_a_success_event_for_an_intent_still_waiting_for_3d_secure_books_nothing(
    app, guest, world, stripe_on, webhooks
):
    reference, slot_id = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "3ds"))
    assert answer.json["status"] == "requires_action"
    intent_id = payment_of(app, reference).external_id

    # A forged-looking but validly signed "succeeded": Stripe's own record still says requires_action.
    delivered = webhooks.send(stripe_event("payment_intent.succeeded", intent_id, status="succeeded"))
    assert delivered.status_code == 200
    assert delivered.json["outcome"] == "payment pending"

    order = order_by_reference(app, reference)
    assert order.status is OrderStatus.PENDING
    assert order.placed_at is None
    assert payment_statuses(app, reference) == [(PaymentStatus.PENDING, intent_id)]
    assert seats_taken(app, slot_id) == 2  # still only held
    assert count(app, Refund) == 0
    assert len(webhook_events(app)) == 1


def test_an_event_that_failed_because_stripe_was_unreachable_books_on_redelivery(
    app, guest, world, stripe_on, webhooks, monkeypatch
):
    reference, slot_id, intent_id = paid_by_visa(app, guest, world, stripe_on)
    real_retrieve = StripeCard.retrieve
    calls = []

    def retrieve_failing_once(self, external_id):
        calls.append(external_id)
        if len(calls) == 1:
            raise ProviderUnavailable("Stripe timed out")
        return real_retrieve(self, external_id)

    monkeypatch.setattr(StripeCard, "retrieve", retrieve_failing_once)
    event = stripe_event("payment_intent.succeeded", intent_id)

    first = webhooks.send(event)
    assert first.status_code == 503
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert seats_taken(app, slot_id) == 2
    assert not any(done for _id, _outcome, done in webhook_events(app))  # nothing marked as handled

    redelivered = webhooks.send(event)
    assert redelivered.status_code == 200
    assert redelivered.json == {"received": event["id"], "outcome": "payment succeeded"}
    assert calls == [intent_id, intent_id]
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED
    assert payment_statuses(app, reference) == [(PaymentStatus.SUCCEEDED, intent_id)]
    assert seats_taken(app, slot_id) == 2
    assert webhook_events(app) == [(event["id"], "payment succeeded", True)]


def test_the_webhook_does_not_exist_without_stripe_keys(app, webhooks):
    assert not app.config["STRIPE_SECRET_KEY"]
    answer = webhooks.send(stripe_event("payment_intent.succeeded", "pi_whatever"))
    assert answer.status_code == 404
    assert webhook_events(app) == []


def test_a_payment_whose_answer_was_lost_is_found_by_its_metadata(app, guest, world, stripe_on, webhooks):
    """Stripe made and charged the intent, but our call timed out: the webhook still settles it."""
    from app.payments import ProviderUnavailable
    from app.payments.stripe_card import StripeCard
    from tests.payments.test_card_payments import (
        card_token,
        order_by_reference,
        pay,
        payment_of,
        start_card_checkout,
    )

    reference, _slot = start_card_checkout(guest, world)
    original = StripeCard.start

    made = []

    def answer_lost(self, payment, token):
        made.append(original(self, payment, token).external_id)  # Stripe did it...
        raise ProviderUnavailable("read timed out")  # ...but the answer never came back

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StripeCard, "start", answer_lost)
        lost = pay(guest, reference, card_token(stripe_on, "visa"))
    assert lost.status_code == 503
    payment = payment_of(app, reference)
    assert payment.external_id is None
    intent = stripe_on.v1.payment_intents.retrieve(made[0])
    assert intent.to_dict()["metadata"]["lobby_payment"] == str(payment.id)
    event = stripe_event("payment_intent.succeeded", intent.id, metadata={"lobby_payment": str(payment.id)})
    delivered = webhooks.send(event)
    assert delivered.json["outcome"] == "payment succeeded"
    assert payment_of(app, reference).external_id == intent.id
    assert order_by_reference(app, reference).status.value == "confirmed"
