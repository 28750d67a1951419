"""What money events do to orders: card payments, refunds, provider events and reconciliation.

Every change of a card payment's state goes through :func:`record_intent_state` and
every refund's through :func:`record_refund_state` (Indico's ``register_transaction``):
webhooks, the pay page and the reconcile command all call them, so the rules are
written once and a second call with the same news changes nothing.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Select, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload

from app import clock
from app.extensions import db
from app.models import (
    Order,
    OrderStatus,
    Payment,
    PaymentMethod,
    PaymentStatus,
    Refund,
    RefundStatus,
    StaffUser,
    Stay,
    WebhookEvent,
)
from app.payments import (
    CardDeclined,
    CardProvider,
    IntentState,
    IntentStatus,
    ProviderEvent,
    ProviderUnavailable,
    RefundState,
    card_provider,
    enabled_providers,
    provider_of,
)

# Re-exported, so the webhook view names the provider's refusals through services only.
from app.payments import InvalidEvent as InvalidEvent
from app.payments import MalformedEvent as MalformedEvent
from app.services import audit, ordering, signals
from app.services.errors import LobbyError, NotAllowed, NotFound
from app.services.hotel_rows import hotel_row
from app.services.locking import write_transaction

# A card payment in these states could still succeed later.
_STILL_PAYABLE = (IntentStatus.PENDING, IntentStatus.FAILED)


class PaymentsUnavailable(LobbyError):
    status = 503


def csp_origins() -> dict[str, list[str]]:
    """What the enabled providers need a pay page to load, per CSP directive (each names its own)."""
    extra: dict[str, list[str]] = {}
    for provider in enabled_providers():
        for directive, origins in provider.csp_origins().as_directives().items():
            known = extra.setdefault(directive, [])
            known.extend(origin for origin in origins if origin not in known)
    return {directive: origins for directive, origins in extra.items() if origins}


def card_payments_configured() -> bool:
    """Whether this deployment has a card provider (Stripe keys) at all."""
    return card_provider() is not None


def card_webhook_event(body: bytes, signature: str) -> ProviderEvent | None:
    """The card provider's signed event, verified against the raw body; None without a provider.

    Raises ``MalformedEvent`` or ``InvalidEvent`` when the body or its signature is refused.
    """
    provider = card_provider()
    return None if provider is None else provider.parse_event(body, signature)


def require_card_provider() -> CardProvider:
    provider = card_provider()
    if provider is None:
        raise NotAllowed(_("Card payment is not available. Please charge your room instead."))
    return provider


def pay_by_card(order: Order, card_token: str) -> IntentState:
    """One try at paying a pending order with the card the guest entered on the pay page.

    The payment row and its idempotency key are committed before Stripe is called, so
    a timeout never leaves a charge we do not know about: reconcile finds the row and
    a retry with the same key is answered with the same intent. A success here does
    not book the order yet: the verified webhook (or reconcile) does, from Stripe's
    own record.
    """
    provider = require_card_provider()
    ordering.release_hold_if_expired_now(order)
    if order.status is not OrderStatus.PENDING:
        raise NotAllowed(_("Your time to pay ran out and the places were released. Please book again."))
    payment = Payment(
        hotel_id=order.hotel_id,
        order=order,
        provider=provider.name,
        amount=order.total,
        currency=order.currency,
        idempotency_key=f"lobby-pay-{order.reference}-{secrets.token_hex(8)}",
    )
    db.session.add(payment)
    db.session.commit()
    try:
        state = provider.start(payment, card_token)
    except CardDeclined as declined:
        payment.status = PaymentStatus.FAILED
        payment.failure_code = (declined.code or "")[:60]
        _record_payment(payment, PaymentStatus.CREATED)
        db.session.commit()
        raise LobbyError(_("Your card was declined. Please try another card."), status=402) from declined
    except ProviderUnavailable as error:
        db.session.rollback()
        raise PaymentsUnavailable(
            _("We could not reach the card service. Nothing was charged; please try again in a moment.")
        ) from error
    payment.external_id = state.external_id
    db.session.commit()
    if state.status is not IntentStatus.SUCCEEDED:
        record_intent_state(payment.id, state)
    return state


def order_payment_status(order: Order) -> str:
    """What the guest's confirmation page says while it waits for the webhook."""
    if order.status is OrderStatus.CONFIRMED:
        return "confirmed"
    latest = db.session.scalar(
        select(Payment).where(Payment.order_id == order.id).order_by(Payment.id.desc())
    )
    if latest is not None and latest.status is PaymentStatus.FAILED:
        return "failed"
    return "confirming" if order.status is OrderStatus.PENDING else order.status.value


def late_refunds_for(stay: Stay) -> list[Payment]:
    """Card payments of this stay that arrived after their hold ended and were given back."""
    return list(
        db.session.scalars(
            select(Payment)
            .join(Order)
            .where(Order.stay_id == stay.id, Order.hotel_id == stay.hotel_id, Payment.refunded_late.is_(True))
        )
    )


def record_intent_state(payment_id: int, state: IntentState) -> None:
    """Apply what the card provider says about a payment; the only place a card payment changes an order.

    A success books the order while its seats are still held. A success that comes
    after the hold expired, for a different amount, or for an order another payment
    already booked is refunded in full at once: it never becomes a booking.
    """
    late_refunds: list[int] = []
    with write_transaction():
        payment = _locked_payment(payment_id)
        order = payment.order
        now = clock.now()
        was = payment.status
        if state.status is IntentStatus.SUCCEEDED and payment.status is not PaymentStatus.SUCCEEDED:
            ordering.release_hold_if_expired(order, now)
            still_held = order.status is OrderStatus.PENDING and payment.status.open
            same_money = (state.amount, state.currency) == (payment.amount, payment.currency)
            payment.status = PaymentStatus.SUCCEEDED
            payment.failure_code = None
            if still_held and same_money:
                ordering.confirm_order(order, now)
                audit.record(
                    order.hotel_id,
                    "order.confirmed",
                    order,
                    before={"status": "pending"},
                    after={"status": order.status},
                )
            else:
                payment.refunded_late = True
                late_refunds.append(
                    _new_refund(payment, state.amount, _late_payment_reason(), order_line_id=None).id
                )
        elif state.status is IntentStatus.FAILED and payment.status.open:
            payment.status = PaymentStatus.FAILED
            payment.failure_code = state.failure_code
        elif state.status is IntentStatus.CANCELLED and (
            payment.status.open or payment.status is PaymentStatus.EXPIRED
        ):
            payment.status = PaymentStatus.CANCELLED
        elif state.status is IntentStatus.PENDING and payment.status is PaymentStatus.CREATED:
            payment.status = PaymentStatus.PENDING
        _record_payment(payment, was)
    for refund_id in late_refunds:
        send_refund(refund_id)


def _record_payment(payment: Payment, was: PaymentStatus) -> None:
    """A card payment's state changed (succeeded, failed, cancelled): on its order's trail."""
    if payment.status is was:
        return  # the same news again: nothing changed
    before = {"payment": payment.id, "status": was}
    after = {"payment": payment.id, "status": payment.status, "amount": payment.amount}
    audit.record(
        payment.hotel_id, f"payment.{payment.status.value}", payment.order, before=before, after=after
    )
    if payment.status in (PaymentStatus.SUCCEEDED, PaymentStatus.FAILED):
        signals.payment_changed.send(payment)


def _late_payment_reason() -> str:
    return "Payment arrived after the seat hold expired"


def _locked_payment(payment_id: int) -> Payment:
    # FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already keeps other writers out.
    return db.session.scalar(select(Payment).where(Payment.id == payment_id).with_for_update())


def _new_refund(
    payment: Payment, amount: int, reason: str, order_line_id: int | None, staff_id=None
) -> Refund:
    refund = Refund(
        hotel_id=payment.hotel_id,
        payment=payment,
        amount=amount,
        currency=payment.currency,
        reason=reason[:300],
        order_line_id=order_line_id,
        staff_id=staff_id,
    )
    db.session.add(refund)
    db.session.flush()
    after = {"payment": payment.id, "refund": refund.id, "amount": amount, "paid": payment.amount}
    audit.record(payment.hotel_id, "refund.created", payment.order, after=after, reason=refund.reason)
    signals.refund_changed.send(refund, change="created")
    return refund


def refund_within_transaction(payment: Payment, amount: int, reason: str, order_line_id=None, staff_id=None):
    """Record a refund inside the caller's transaction; a provider that settles at once (the room) settles it.

    Returns the refund; any other (a card) is sent by :func:`send_refund` once the
    transaction has committed, so a crash in between leaves a pending refund the
    reconcile command sends, never a lost one.
    """
    refund = _new_refund(payment, amount, reason, order_line_id, staff_id)
    provider = provider_of(payment)
    if provider is not None and provider.settles_at_once:
        line = next((item for item in payment.order.lines if item.id == order_line_id), None)
        provider.reverse(refund, line, clock.now())
        if refund.status is RefundStatus.SUCCEEDED:  # a room refund is final at once
            signals.refund_changed.send(refund, change="succeeded")
    return refund


def settles_on_the_bill(payment: Payment) -> bool:
    """Whether giving back ``payment`` takes it off the room's bill (else it goes back to a card)."""
    provider = provider_of(payment)
    return provider is not None and provider.method is PaymentMethod.ROOM


def send_refund(refund_id: int) -> Refund:
    """Ask the card provider to pay a pending refund back; on a timeout it stays pending for reconcile."""
    refund = db.session.get(Refund, refund_id)
    provider = card_provider()
    if refund.status is not RefundStatus.PENDING or refund.external_id or provider is None:
        return refund
    try:
        state = provider.refund(refund, refund.payment.external_id)
    except ProviderUnavailable as error:
        current_app.logger.warning("Refund %s not sent yet: %s", refund.id, error)
        return refund
    record_refund_state(refund.id, state)
    return refund


def record_refund_state(refund_id: int, state: RefundState) -> None:
    """Apply what the provider says about a refund.

    A succeeded refund can still fail later (the card was closed); a failed one stays failed.
    """
    with write_transaction():
        refund = db.session.scalar(select(Refund).where(Refund.id == refund_id).with_for_update())
        refund.external_id = refund.external_id or state.external_id
        moves = refund.status is RefundStatus.PENDING or (
            refund.status is RefundStatus.SUCCEEDED and state.status is RefundStatus.FAILED
        )
        if moves and state.status is not refund.status:
            before = {"refund": refund.id, "status": refund.status}
            refund.status = state.status
            refund.failure_reason = state.failure_reason
            after = {"refund": refund.id, "status": refund.status}
            audit.record(
                refund.hotel_id,
                f"refund.{refund.status.value}",
                refund.payment.order,
                before=before,
                after=after,
                reason=refund.failure_reason or "",
            )
            if refund.status in (RefundStatus.SUCCEEDED, RefundStatus.FAILED):
                signals.refund_changed.send(refund, change=refund.status.value)


def check_refund(payment: Payment, amount: int, reason: str) -> None:
    """Whether staff may refund ``amount`` of ``payment`` now, before they are asked to confirm it."""
    if not (reason or "").strip():
        raise LobbyError(_("Please give a reason for the refund."))
    if not 0 < amount <= payment.refundable:
        raise LobbyError(_("The refund must be more than zero and at most what is left to refund."))


def staff_refund(payment_id: int, hotel_id: int, amount: int, reason: str, staff: StaffUser | None) -> Refund:
    """Give back up to what was paid, with a reason: to the card through Stripe, to the room by a reversal."""
    reason = (reason or "").strip()
    if not reason:
        raise LobbyError(_("Please give a reason for the refund."))
    with write_transaction():
        payment = _locked_payment(payment_id)
        if payment is None or payment.hotel_id != hotel_id:
            raise NotFound(_("We could not find that payment."))
        check_refund(payment, amount, reason)
        refund = refund_within_transaction(
            payment, amount, reason, staff_id=staff.id if staff is not None else None
        )
    return send_refund(refund.id)


def handle_event(event: ProviderEvent) -> str:
    """Process a verified provider event once; return what it did (kept with the event).

    Payment events are not trusted for their content: the payment is read back from
    the provider, so duplicates, reordering and late arrivals all end in the same state.
    """
    record = _claim(event)
    if record is None:
        return "duplicate"
    outcome = _apply(event)
    record = db.session.get(WebhookEvent, event.id)
    record.processed_at = clock.now()
    record.outcome = outcome
    db.session.commit()
    return outcome


def _claim(event: ProviderEvent) -> WebhookEvent | None:
    db.session.add(WebhookEvent(id=event.id, type=event.type[:80], object_id=event.object_id[:255]))
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()
        seen = db.session.get(WebhookEvent, event.id)
        if seen.processed_at is not None:
            return None  # a redelivery of an event already applied
    return db.session.get(WebhookEvent, event.id)


def _apply(event: ProviderEvent) -> str:
    if event.type.startswith("payment_intent."):
        payment = db.session.scalar(select(Payment).where(Payment.external_id == event.object_id))
        if payment is None:
            payment = _lost_answer(event)
        if payment is None:
            return "unknown payment"
        state = card_provider().retrieve(event.object_id)
        record_intent_state(payment.id, state)
        return f"payment {state.status}"
    if event.refund is not None:
        refund = db.session.scalar(select(Refund).where(Refund.external_id == event.object_id))
        if refund is None:
            return "unknown refund"
        record_refund_state(refund.id, event.refund)
        return f"refund {event.refund.status.value}"
    return "ignored"


def _lost_answer(event: ProviderEvent) -> Payment | None:
    """Our payment whose create call timed out although Stripe made the intent: link them now."""
    if not (event.payment_ref or "").isdigit():
        return None
    payment = db.session.get(Payment, int(event.payment_ref))
    if payment is None or payment.external_id is not None or payment.provider != card_provider().name:
        return None
    payment.external_id = event.object_id
    db.session.commit()
    return payment


@dataclass
class Reconciliation:
    holds_released: int = 0
    payments_checked: int = 0
    payments_cancelled: int = 0
    refunds_sent: int = 0
    refunds_checked: int = 0
    unreachable: int = 0


def reconcile(now: datetime | None = None) -> Reconciliation:
    """Settle everything still open with the provider (pretix issue 1230: payments stuck "pending").

    Safe to run from cron as often as you like, and alongside webhooks.
    """
    now = now or clock.now()
    report = Reconciliation(holds_released=ordering.release_expired_holds(now))
    provider = card_provider()
    if provider is None:
        return report
    open_statuses = [
        PaymentStatus.CREATED,
        PaymentStatus.PENDING,
        PaymentStatus.FAILED,
        PaymentStatus.EXPIRED,
    ]
    for payment_id, external_id, status in db.session.execute(
        select(Payment.id, Payment.external_id, Payment.status).where(
            Payment.provider == provider.name, Payment.status.in_(open_statuses)
        )
    ).all():
        try:
            report.payments_checked += 1
            if external_id is None:
                _forget_unsent(payment_id)
                continue
            state = provider.retrieve(external_id)
            if status is PaymentStatus.EXPIRED and state.status in (
                IntentStatus.PENDING,
                IntentStatus.FAILED,
            ):
                state = provider.cancel(external_id)  # no late payment can start any more
                report.payments_cancelled += 1
            record_intent_state(payment_id, state)
        except ProviderUnavailable:
            report.unreachable += 1
    for refund_id, external_id in db.session.execute(
        select(Refund.id, Refund.external_id)
        .join(Payment)
        .where(Refund.status == RefundStatus.PENDING, Payment.provider == provider.name)
    ).all():
        try:
            if external_id is None:
                send_refund(refund_id)
                report.refunds_sent += 1
            else:
                record_refund_state(refund_id, provider.retrieve_refund(external_id))
                report.refunds_checked += 1
        except ProviderUnavailable:
            report.unreachable += 1
    return report


def _forget_unsent(payment_id: int) -> None:
    """A payment row the provider never heard of, whose order no longer waits for it, is closed."""
    with write_transaction():
        payment = _locked_payment(payment_id)
        if payment.order.status is not OrderStatus.PENDING and payment.status.open:
            payment.status = PaymentStatus.CANCELLED


def hotel_payment(hotel_id: int, payment_id: int) -> Payment:
    return hotel_row(Payment, hotel_id, payment_id, _("We could not find that payment."))


def payments_by_order(orders: list[Order]) -> dict[int, list[Payment]]:
    """Every payment of these orders, oldest first, in one query."""
    found: dict[int, list[Payment]] = {order.id: [] for order in orders}
    for payment in db.session.scalars(
        select(Payment).where(Payment.order_id.in_(list(found))).order_by(Payment.id)
    ):
        found[payment.order_id].append(payment)
    return found


def recent_refunds(hotel_id: int, needing_attention: bool = False, limit: int = 200) -> list[Refund]:
    """Newest refunds first; with ``needing_attention`` only the pending and the failed ones."""
    query = select(Refund).where(Refund.hotel_id == hotel_id)
    if needing_attention:
        query = query.where(Refund.status.in_([RefundStatus.FAILED, RefundStatus.PENDING]))
    return list(db.session.scalars(query.order_by(Refund.id.desc()).limit(limit)))


def hotel_payments(
    hotel_id: int,
    *,
    order_id: int | None = None,
    status: PaymentStatus | None = None,
    provider: str | None = None,
) -> Select[tuple[Payment]]:
    """The hotel's payments with their refunds, every one: money moved whatever became of its order."""
    statement = select(Payment).where(Payment.hotel_id == hotel_id).options(selectinload(Payment.refunds))
    if order_id is not None:
        statement = statement.where(Payment.order_id == order_id)
    if status is not None:
        statement = statement.where(Payment.status == status)
    if provider is not None:
        statement = statement.where(Payment.provider == provider)
    return statement


def hotel_refunds(
    hotel_id: int, *, payment_id: int | None = None, status: RefundStatus | None = None
) -> Select[tuple[Refund]]:
    statement = select(Refund).where(Refund.hotel_id == hotel_id).options(selectinload(Refund.payment))
    if payment_id is not None:
        statement = statement.where(Refund.payment_id == payment_id)
    if status is not None:
        statement = statement.where(Refund.status == status)
    return statement


def hotel_refund(hotel_id: int, refund_id: int) -> Refund:
    return hotel_row(Refund, hotel_id, refund_id, _("We could not find that payment."))
