"""Money going back: guest cancellations (free, with a fee, refused), staff refunds, failures and retries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from app.extensions import db
from app.models import (
    FolioLine,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Payment,
    PaymentStatus,
    Refund,
    RefundStatus,
    Service,
    Slot,
)
from app.payments import ProviderUnavailable
from app.payments.stripe_card import StripeCard
from app.services import payments
from app.services.errors import LobbyError, NotFound
from app.services.pricing import percent_of
from tests import factories
from tests.payments.conftest import card_token, pay_page_reference, stripe_event
from tests.payments.test_card_payments import (
    add_riding,
    order_by_reference,
    pay,
    payment_of,
    seats_taken,
    start_card_checkout,
    text,
)
from tests.reading import detached_rows


def confirm_by_webhook(app, webhooks, reference: str) -> Payment:
    payment = payment_of(app, reference)
    delivered = webhooks.send(stripe_event("payment_intent.succeeded", payment.external_id))
    assert delivered.json["outcome"] == "payment succeeded"
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED
    return payment_of(app, reference)


def booked_by_card(app, guest, world, stripe_on, webhooks) -> tuple[str, int, Payment]:
    """Two adults riding on the latest time, paid by visa and confirmed: (reference, slot id, payment)."""
    reference, slot_id = start_card_checkout(guest, world)
    answer = pay(guest, reference, card_token(stripe_on, "visa"))
    assert answer.json["status"] == "succeeded", answer.json
    return reference, slot_id, confirm_by_webhook(app, webhooks, reference)


def add_farm_visit(guest, world) -> int:
    """The whole family on the second-latest farm visit (2 x 15.00 + 10.00, the 4-year-old free)."""
    path = f"/services/{world.services['farm_visit']}"
    slot_id = int(re.findall(r'name="slot" value="(\d+)"', text(guest.client.get(path)))[-2])
    answer = guest.post(path, {"slot": slot_id, "adults": 2, "children": ["0", "1"]})
    assert answer.status_code == 302, text(answer)
    return slot_id


def lines_of(app, reference: str) -> list[OrderLine]:
    return detached_rows(
        app, select(OrderLine).join(Order).where(Order.reference == reference).order_by(OrderLine.id)
    )


def refunds_of(app, payment_id: int) -> list[Refund]:
    return detached_rows(app, select(Refund).where(Refund.payment_id == payment_id).order_by(Refund.id))


def refundable(app, payment_id: int) -> int:
    with app.app_context():
        return db.session.get(Payment, payment_id).refundable


def refunds_at_stripe(stripe_on, intent_id: str) -> list:
    return list(stripe_on.v1.refunds.list(params={"payment_intent": intent_id, "limit": 100}).data)


def cancel(guest, line_id: int):
    return guest.cancel_booking(line_id)


def set_late_fee(app, world, code: str, percent: int | None) -> None:
    with app.app_context():
        db.session.get(Service, world.services[code]).late_cancel_fee_percent = percent
        db.session.commit()


def folio(app, order_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        return [
            (line.amount, line.reference)
            for line in db.session.scalars(
                select(FolioLine).where(FolioLine.order_id == order_id).order_by(FolioLine.id)
            )
        ]


def test_a_free_cancellation_refunds_the_card_in_full(app, guest, world, stripe_on, webhooks):
    reference, slot_id, payment = booked_by_card(app, guest, world, stripe_on, webhooks)
    [line] = lines_of(app, reference)
    assert "Free cancellation until" in text(guest.client.get("/stay"))

    answer = cancel(guest, line.id)
    assert answer.status_code == 302

    [refund] = refunds_of(app, payment.id)
    assert (refund.amount, refund.status, refund.order_line_id) == (12000, RefundStatus.SUCCEEDED, line.id)
    assert refund.external_id.startswith("re_")
    assert stripe_on.v1.refunds.retrieve(refund.external_id).amount == 12000
    assert stripe_on.v1.refunds.retrieve(refund.external_id).payment_intent == payment.external_id
    assert seats_taken(app, slot_id) == 0
    order = order_by_reference(app, reference)
    assert (order.status, order.total) == (OrderStatus.CANCELLED, 0)
    [cancelled] = lines_of(app, reference)
    assert (cancelled.status, cancelled.cancellation_fee) == (LineStatus.CANCELLED, 0)
    assert refundable(app, payment.id) == 0


def test_a_late_cancellation_keeps_the_fee_and_refunds_the_rest(
    app, guest, world, stripe_on, webhooks, frozen_now
):
    set_late_fee(app, world, "horse_riding", 30)
    reference, slot_id, payment = booked_by_card(app, guest, world, stripe_on, webhooks)
    [line] = lines_of(app, reference)
    fee = percent_of(line.total, 30)
    assert (line.total, fee) == (12000, 3600)

    frozen_now(line.starts_at - timedelta(hours=2))  # inside the 24-hour window, not started
    page = text(guest.client.get("/stay"))
    assert "Cancelling now costs €36.00; we refund €84.00." in page

    assert cancel(guest, line.id).status_code == 302

    [refund] = refunds_of(app, payment.id)
    assert (refund.amount, refund.status) == (line.total - fee, RefundStatus.SUCCEEDED)
    assert refund.amount == 8400
    assert stripe_on.v1.refunds.retrieve(refund.external_id).amount == 8400
    [cancelled] = lines_of(app, reference)
    assert (cancelled.status, cancelled.cancellation_fee) == (LineStatus.CANCELLED, fee)
    assert seats_taken(app, slot_id) == 0
    assert refundable(app, payment.id) == fee  # the fee is what stays paid
    assert "Cancellation fee kept: €36.00." in text(guest.client.get("/stay"))


def test_a_late_cancellation_without_a_fee_rule_is_refused(
    app, guest, world, stripe_on, webhooks, frozen_now
):
    reference, slot_id, payment = booked_by_card(app, guest, world, stripe_on, webhooks)
    [line] = lines_of(app, reference)
    with app.app_context():
        assert db.session.get(Service, world.services["horse_riding"]).late_cancel_fee_percent is None

    frozen_now(line.starts_at - timedelta(hours=2))
    page = text(guest.client.get("/stay"))
    assert "Free cancellation ended on" in page
    assert "Cancelling now costs" not in page

    confirm = guest.client.get(f"/bookings/{line.id}/cancel")
    assert confirm.status_code == 302 and confirm.location.endswith("/stay")  # no step to confirm
    refused = guest.post(f"/bookings/{line.id}/cancel", {"fee": 12000}, page="/stay")  # forged anyway
    assert refused.status_code == 302
    assert "The free cancellation period for this booking has ended." in text(guest.client.get("/stay"))

    [unchanged] = lines_of(app, reference)
    assert (unchanged.status, unchanged.cancelled_at, unchanged.cancellation_fee) == (
        LineStatus.BOOKED,
        None,
        0,
    )
    order = order_by_reference(app, reference)
    assert (order.status, order.total) == (OrderStatus.CONFIRMED, 12000)
    assert seats_taken(app, slot_id) == 2
    assert refunds_of(app, payment.id) == []
    assert refunds_at_stripe(stripe_on, payment.external_id) == []
    assert refundable(app, payment.id) == 12000


def test_cancelling_one_line_of_a_card_order_refunds_exactly_that_line(
    app, guest, world, stripe_on, webhooks
):
    assert guest.sign_in().status_code == 302
    riding_slot = add_riding(guest, world)
    farm_slot = add_farm_visit(guest, world)
    checkout = guest.post("/checkout", {"payment_method": "card"}, page="/cart")
    assert checkout.status_code == 302, text(checkout)
    reference = pay_page_reference(checkout)
    assert pay(guest, reference, card_token(stripe_on, "visa")).json["status"] == "succeeded"
    payment = confirm_by_webhook(app, webhooks, reference)
    riding, farm = lines_of(app, reference)
    assert (riding.total, farm.total) == (12000, 4000)
    assert payment.amount == 16000
    assert seats_taken(app, riding_slot) == 2
    assert seats_taken(app, farm_slot) == 4

    assert cancel(guest, farm.id).status_code == 302

    [refund] = refunds_of(app, payment.id)
    assert (refund.amount, refund.order_line_id) == (farm.total, farm.id)
    assert refund.status is RefundStatus.SUCCEEDED
    assert stripe_on.v1.refunds.retrieve(refund.external_id).amount == farm.total
    assert refundable(app, payment.id) == riding.total
    assert seats_taken(app, farm_slot) == 0
    assert seats_taken(app, riding_slot) == 2
    order = order_by_reference(app, reference)
    assert (order.status, order.total) == (OrderStatus.CONFIRMED, riding.total)
    assert [line.status for line in lines_of(app, reference)] == [LineStatus.BOOKED, LineStatus.CANCELLED]


def test_cancelling_a_room_charge_posts_a_reversal_to_the_folio(app, guest, world):
    assert guest.sign_in().status_code == 302
    slot_id = add_riding(guest, world)
    checkout = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert checkout.status_code == 302, text(checkout)
    with app.app_context():
        order = db.session.scalar(select(Order).join(OrderLine).where(OrderLine.slot_id == slot_id))
        reference, order_id = order.reference, order.id
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED
    [line] = lines_of(app, reference)
    payment = payment_of(app, reference)
    assert (payment.provider, payment.status) == ("room", PaymentStatus.SUCCEEDED)
    assert folio(app, order_id) == [(line.total, f"{reference}-{line.id}")]

    assert cancel(guest, line.id).status_code == 302

    [refund] = refunds_of(app, payment.id)
    assert (refund.amount, refund.status, refund.external_id) == (line.total, RefundStatus.SUCCEEDED, None)
    charge, reversal = folio(app, order_id)
    assert charge == (line.total, f"{reference}-{line.id}")
    assert reversal[0] == -line.total
    assert reversal[1].endswith(f"-R{refund.id}")
    with app.app_context():
        balance = db.session.scalar(select(func.sum(FolioLine.amount)).where(FolioLine.order_id == order_id))
    assert balance == 0
    assert seats_taken(app, slot_id) == 0
    assert order_by_reference(app, reference).status is OrderStatus.CANCELLED


def test_staff_refund_to_a_card(app, guest, world, stripe_on, webhooks):
    reference, _slot, payment = booked_by_card(app, guest, world, stripe_on, webhooks)

    with app.test_request_context():
        first = payments.staff_refund(payment.id, world.hotel_id, 2500, "  Rain on the ride  ", None)
        assert (first.amount, first.status) == (2500, RefundStatus.SUCCEEDED)
        assert first.reason == "Rain on the ride"
        first_id = first.external_id
        assert db.session.get(Payment, payment.id).refundable == 9500

        for amount in (0, -100, 9501):
            with pytest.raises(LobbyError) as refused:
                payments.staff_refund(payment.id, world.hotel_id, amount, "Goodwill", None)
            assert type(refused.value) is LobbyError
            assert refused.value.status == 400
        for reason in ("", "   ", None):
            with pytest.raises(LobbyError) as refused:
                payments.staff_refund(payment.id, world.hotel_id, 100, reason, None)
            assert type(refused.value) is LobbyError
            assert refused.value.status == 400

        rest = payments.staff_refund(payment.id, world.hotel_id, 9500, "Goodwill", None)
        assert rest.status is RefundStatus.SUCCEEDED
        rest_id = rest.external_id
        assert db.session.get(Payment, payment.id).refundable == 0
        with pytest.raises(LobbyError) as refused:
            payments.staff_refund(payment.id, world.hotel_id, 1, "Goodwill", None)
        assert refused.value.status == 400

    assert stripe_on.v1.refunds.retrieve(first_id).amount == 2500
    assert stripe_on.v1.refunds.retrieve(rest_id).amount == 9500
    at_stripe = refunds_at_stripe(stripe_on, payment.external_id)
    assert sorted((refund.id, refund.amount) for refund in at_stripe) == sorted(
        [(first_id, 2500), (rest_id, 9500)]
    )
    assert [refund.amount for refund in refunds_of(app, payment.id)] == [2500, 9500]
    assert order_by_reference(app, reference).status is OrderStatus.CONFIRMED  # money back, booking stands


def test_staff_refund_to_the_room_and_never_for_another_hotel(app, guest, world):
    assert guest.sign_in().status_code == 302
    slot_id = add_riding(guest, world)
    assert guest.post("/checkout", {"payment_method": "room"}, page="/cart").status_code == 302
    with app.app_context():
        order = db.session.scalar(select(Order).join(OrderLine).where(OrderLine.slot_id == slot_id))
        order_id, reference = order.id, order.reference
        payment_id = db.session.scalar(select(Payment.id).where(Payment.order_id == order_id))

    with app.test_request_context():
        other_hotel_id = factories.make_hotel("other-lodge").id
        db.session.commit()
        with pytest.raises(NotFound):
            payments.staff_refund(payment_id, other_hotel_id, 1000, "Wrong hotel", None)
        with pytest.raises(NotFound):
            payments.staff_refund(payment_id + 1000, world.hotel_id, 1000, "No such payment", None)

        refund = payments.staff_refund(payment_id, world.hotel_id, 1500, "Saddle was broken", None)
        assert (refund.amount, refund.status, refund.external_id) == (1500, RefundStatus.SUCCEEDED, None)
        refund_id = refund.id
        assert db.session.get(Payment, payment_id).refundable == 12000 - 1500

    assert [refund.id for refund in refunds_of(app, payment_id)] == [refund_id]
    charge, reversal = folio(app, order_id)
    assert charge[0] == 12000
    assert reversal == (-1500, f"{reference}-R{refund_id}")


def test_a_refund_stripe_could_not_take_is_sent_later_by_reconcile(app, guest, world, stripe_on, webhooks):
    reference, slot_id, payment = booked_by_card(app, guest, world, stripe_on, webhooks)
    [line] = lines_of(app, reference)
    tries = []

    def refund_times_out(self, refund, payment_external_id):
        tries.append(refund.id)
        raise ProviderUnavailable("Stripe answered 503")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StripeCard, "refund", refund_times_out)
        assert cancel(guest, line.id).status_code == 302
        [refund] = refunds_of(app, payment.id)
        assert (refund.status, refund.external_id, refund.amount) == (RefundStatus.PENDING, None, 12000)
        assert tries == [refund.id]
        # The cancellation itself stands: the seats are free and the refund is owed.
        assert seats_taken(app, slot_id) == 0
        assert order_by_reference(app, reference).status is OrderStatus.CANCELLED
        assert refunds_at_stripe(stripe_on, payment.external_id) == []

    with app.app_context():
        report = payments.reconcile()
    assert report.refunds_sent == 1
    [sent] = refunds_of(app, payment.id)
    assert sent.status is RefundStatus.SUCCEEDED
    assert stripe_on.v1.refunds.retrieve(sent.external_id).amount == 12000

    with app.app_context():
        again = payments.reconcile()  # running it again sends nothing twice
    assert again.refunds_sent == 0
    at_stripe = refunds_at_stripe(stripe_on, payment.external_id)
    assert [(item.id, item.amount) for item in at_stripe] == [(sent.external_id, 12000)]
    assert at_stripe[0].metadata["lobby_refund"] == str(sent.id)


def test_a_refund_that_fails_later_is_owed_again_and_stays_failed(app, guest, world, stripe_on, webhooks):
    _reference, _slot, payment = booked_by_card(app, guest, world, stripe_on, webhooks)
    with app.test_request_context():
        refund = payments.staff_refund(payment.id, world.hotel_id, 5000, "Goodwill", None)
        refund_id, external_id = refund.id, refund.external_id
    assert refundable(app, payment.id) == 7000

    failed = stripe_event(
        "refund.failed",
        external_id,
        obj="refund",
        status="failed",
        failure_reason="expired_or_canceled_card",
    )
    answer = webhooks.send(failed)
    assert answer.status_code == 200
    assert answer.json == {"received": failed["id"], "outcome": "refund failed"}
    [row] = refunds_of(app, payment.id)
    assert (row.id, row.status) == (refund_id, RefundStatus.FAILED)
    assert row.failure_reason == "expired_or_canceled_card"
    assert refundable(app, payment.id) == 12000  # the 50.00 is owed again

    updated = stripe_event("refund.updated", external_id, obj="refund", status="succeeded")
    assert webhooks.send(updated).status_code == 200
    [row] = refunds_of(app, payment.id)
    assert (row.status, row.failure_reason) == (RefundStatus.FAILED, "expired_or_canceled_card")
    assert refundable(app, payment.id) == 12000


def test_stripe_unreachable_while_paying_charges_nothing_and_the_guest_can_pay_again(
    app, guest, world, stripe_on, webhooks
):
    reference, slot_id = start_card_checkout(guest, world)

    def start_times_out(self, payment, token):
        raise ProviderUnavailable("Read timed out")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(StripeCard, "start", start_times_out)
        answer = pay(guest, reference, card_token(stripe_on, "visa"))
    assert answer.status_code == 503
    assert "try again" in answer.json["error"]
    assert order_by_reference(app, reference).status is OrderStatus.PENDING
    assert seats_taken(app, slot_id) == 2
    with app.app_context():
        tries = db.session.scalars(select(Payment).join(Order).where(Order.reference == reference)).all()
        assert tries
        assert all(item.external_id is None for item in tries)
        assert all(item.status is not PaymentStatus.SUCCEEDED for item in tries)

    again = pay(guest, reference, card_token(stripe_on, "visa"))
    assert again.status_code == 200
    assert again.json["status"] == "succeeded"
    confirm_by_webhook(app, webhooks, reference)
    assert seats_taken(app, slot_id) == 2


def test_reconcile_books_a_payment_whose_webhook_never_came(app, guest, world, stripe_on):
    reference, slot_id = start_card_checkout(guest, world)
    assert pay(guest, reference, card_token(stripe_on, "visa")).json["status"] == "succeeded"
    assert order_by_reference(app, reference).status is OrderStatus.PENDING

    with app.app_context():
        report = payments.reconcile()
    assert report.payments_checked == 1
    assert report.unreachable == 0
    order = order_by_reference(app, reference)
    assert order.status is OrderStatus.CONFIRMED
    assert payment_of(app, reference).status is PaymentStatus.SUCCEEDED
    assert seats_taken(app, slot_id) == 2
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Refund)) == 0
        assert db.session.get(Slot, slot_id).taken == 2
