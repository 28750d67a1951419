"""Cards through Stripe: PaymentIntents confirmed on the phone with Stripe.js, refunds, webhooks.

The only module that imports ``stripe``. It uses ``StripeClient`` (no global
configuration), sends an idempotency key with every POST, and turns Stripe's
network and server errors into :class:`ProviderUnavailable`.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Mapping
from contextlib import contextmanager
from urllib.parse import urlsplit

import stripe

from app.models import Payment, PaymentMethod, Refund, RefundStatus
from app.payments.base import (
    CardDeclined,
    CspOrigins,
    IntentState,
    IntentStatus,
    InvalidEvent,
    MalformedEvent,
    ProviderEvent,
    ProviderUnavailable,
    RefundState,
)

STRIPE_JS_URL = "https://js.stripe.com/v3/"
STRIPE_API = "https://api.stripe.com"
# Where Stripe.js opens the bank's 3-D Secure page, in a frame of ours.
STRIPE_HOOKS = "https://hooks.stripe.com"

# Stripe's signature tolerance: an event signed longer ago than this is refused as a replay.
WEBHOOK_TOLERANCE_SECONDS = 300

# A payment id we put into an intent's metadata: a positive integer that fits the column.
_OUR_ID = re.compile(r"[1-9][0-9]{0,17}")

_UNAVAILABLE = (stripe.APIConnectionError, stripe.APIError, stripe.RateLimitError)

_REFUND_STATUS = {
    "pending": RefundStatus.PENDING,
    "requires_action": RefundStatus.PENDING,
    "succeeded": RefundStatus.SUCCEEDED,
    "failed": RefundStatus.FAILED,
    "canceled": RefundStatus.CANCELLED,
}


class StripeCard:
    name = "stripe"
    method = PaymentMethod.CARD
    settles_at_once = False  # a refund is asked of Stripe once the transaction recording it commits

    def __init__(
        self,
        secret_key: str,
        publishable_key: str,
        webhook_secret: str,
        api_base: str = "",
        js_url: str = STRIPE_JS_URL,
        timeout: float = 20,
    ):
        self.publishable_key = publishable_key
        self.webhook_secret = webhook_secret
        self.js_url = js_url
        self.api_base = api_base
        self.client = stripe.StripeClient(
            secret_key,
            base_addresses={"api": api_base} if api_base else None,
            http_client=stripe.RequestsClient(timeout=timeout),
            # Retries are ours to make, with the same idempotency key, when the guest tries again.
            max_network_retries=0,
        )

    @classmethod
    def from_config(cls, config: Mapping) -> StripeCard:
        return cls(
            config["STRIPE_SECRET_KEY"],
            config["STRIPE_PUBLISHABLE_KEY"],
            config["STRIPE_WEBHOOK_SECRET"],
            api_base=config["STRIPE_API_BASE"],
            js_url=config["STRIPE_JS_URL"],
            timeout=config["STRIPE_TIMEOUT"],
        )

    def csp_origins(self) -> CspOrigins:
        """Stripe.js (its script and frames), the 3-D Secure frame, and the API the script calls."""
        js = _origin(self.js_url)
        return CspOrigins(
            script=(js,), frame=(js, STRIPE_HOOKS), connect=(_origin(self.api_base or STRIPE_API),)
        )

    def start(self, payment: Payment, card_token: str) -> IntentState:
        """Create and confirm a PaymentIntent for the card the guest tokenized with Stripe.js.

        The token's card is attached to a new Customer and charged as the intent's
        payment method (Stripe accepts a customer's Card there), so one code path serves
        every card; one that needs 3-D Secure comes back "pending" with a client
        secret for ``stripe.confirmCardPayment`` on the phone. Every POST carries a key
        derived from the payment's own, so a retry repeats nothing.
        """
        key = payment.idempotency_key
        with _translated_errors():
            try:
                customer = self.client.v1.customers.create(
                    params={"source": card_token, "metadata": {"lobby_payment": str(payment.id)}},
                    options={"idempotency_key": f"{key}-customer"},
                )
                intent = self.client.v1.payment_intents.create(
                    params={
                        "amount": payment.amount,
                        "currency": payment.currency.lower(),
                        "payment_method_types": ["card"],
                        "customer": customer.id,
                        "payment_method": customer.default_source,
                        "confirm": True,
                        "metadata": {
                            "lobby_payment": str(payment.id),
                            "lobby_order": payment.order.reference,
                        },
                    },
                    options={"idempotency_key": key},
                )
            except stripe.CardError as error:
                raise CardDeclined(error.code) from error
        return _intent_state(intent)

    def retrieve(self, external_id: str) -> IntentState:
        with _translated_errors():
            return _intent_state(self.client.v1.payment_intents.retrieve(external_id))

    def cancel(self, external_id: str) -> IntentState:
        with _translated_errors():
            try:
                intent = self.client.v1.payment_intents.cancel(
                    external_id, options={"idempotency_key": f"lobby-cancel-{external_id}"}
                )
            except stripe.InvalidRequestError:
                # Already succeeded or cancelled: what it is now is the answer.
                intent = self.client.v1.payment_intents.retrieve(external_id)
        return _intent_state(intent)

    def refund(self, refund: Refund, payment_external_id: str) -> RefundState:
        with _translated_errors():
            created = self.client.v1.refunds.create(
                params={
                    "payment_intent": payment_external_id,
                    "amount": refund.amount,
                    "metadata": {"lobby_refund": str(refund.id)},
                },
                options={"idempotency_key": refund.idempotency_key},
            )
        return refund_state(created.to_dict())

    def retrieve_refund(self, external_id: str) -> RefundState:
        with _translated_errors():
            return refund_state(self.client.v1.refunds.retrieve(external_id).to_dict())

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent:
        try:
            # Checks the signature and that it is not older than the tolerance.
            stripe.WebhookSignature.verify_header(
                payload, signature, self.webhook_secret, tolerance=WEBHOOK_TOLERANCE_SECONDS
            )
        except (ValueError, stripe.SignatureVerificationError) as error:
            raise InvalidEvent(str(error)) from error
        # Stripe's library only refuses the past; a time far ahead is no clock skew either.
        if _signed_at(signature) > time.time() + WEBHOOK_TOLERANCE_SECONDS:
            raise InvalidEvent("signed in the future")
        try:
            raw = json.loads(payload)
        except (ValueError, RecursionError) as error:
            raise MalformedEvent(f"not JSON we can read: {type(error).__name__}") from error
        return _event_from(raw)


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _signed_at(signature: str) -> int:
    """The header's first ``t=`` (the one Stripe's check used), already proven to be a number."""
    stamps = [item[2:] for item in signature.split(",") if item.startswith("t=")]
    return int(stamps[0])


def _text(value, limit: int) -> str | None:
    """``value`` when it is a non-empty string that fits ``limit`` characters, else None."""
    if isinstance(value, str) and 0 < len(value) <= limit:
        return value
    return None


def _event_from(raw) -> ProviderEvent:
    """A signed event's content, checked before anything reads it: only Stripe's own shape passes.

    A signed event could still be malformed (a bug, an API version we do not know); refusing
    it with a 400 keeps it out of the database instead of failing half-way with a 500.
    """
    if not isinstance(raw, dict):
        raise MalformedEvent("not an object")
    event_id = _text(raw.get("id"), 255)
    kind = _text(raw.get("type"), 80)
    data = raw.get("data")
    obj = data.get("object") if isinstance(data, dict) else None
    if event_id is None or kind is None or not isinstance(obj, dict):
        raise MalformedEvent("id, type or data.object missing or too long")
    object_id = obj.get("id", "")
    if object_id != "" and _text(object_id, 255) is None:
        raise MalformedEvent("data.object.id is not a string of at most 255 characters")
    metadata = obj.get("metadata") or {}
    if not isinstance(metadata, dict):
        raise MalformedEvent("data.object.metadata is not an object")
    payment_ref = metadata.get("lobby_payment")
    is_refund = obj.get("object") == "refund"
    if is_refund and not (
        object_id
        and isinstance(obj.get("status"), str | None)
        # Stripe's reasons are short codes ("expired_or_canceled_card"); the column holds 120.
        and (obj.get("failure_reason") is None or _text(obj["failure_reason"], 120) is not None)
    ):
        raise MalformedEvent("a refund without its id or with an unreadable status")
    return ProviderEvent(
        id=event_id,
        type=kind,
        object_id=object_id,
        refund=refund_state(obj) if is_refund else None,
        # Our payment's id, as we wrote it: anything else cannot be ours.
        payment_ref=payment_ref if isinstance(payment_ref, str) and _OUR_ID.fullmatch(payment_ref) else None,
    )


def refund_state(refund: Mapping) -> RefundState:
    return RefundState(
        external_id=refund["id"],
        status=_REFUND_STATUS.get(refund.get("status") or "pending", RefundStatus.PENDING),
        failure_reason=refund.get("failure_reason"),
    )


def _intent_state(stripe_intent) -> IntentState:
    intent = stripe_intent.to_dict()
    status = intent["status"]
    error = intent.get("last_payment_error")
    if status == "succeeded":
        ours = IntentStatus.SUCCEEDED
    elif status == "canceled":
        ours = IntentStatus.CANCELLED
    elif status == "requires_payment_method" and error:
        ours = IntentStatus.FAILED  # the last try was declined; the same intent can be tried again
    else:
        ours = IntentStatus.PENDING  # includes requires_action: 3-D Secure on the phone comes next
    return IntentState(
        external_id=intent["id"],
        status=ours,
        amount=intent["amount"],
        currency=intent["currency"].upper(),
        client_secret=intent.get("client_secret"),
        failure_code=(error or {}).get("decline_code") or (error or {}).get("code"),
    )


@contextmanager
def _translated_errors():
    """Stripe's "could not reach" and "failed on our side" errors become ProviderUnavailable."""
    try:
        yield
    except _UNAVAILABLE as error:
        raise ProviderUnavailable(str(error)) from error
