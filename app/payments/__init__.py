"""The one door to whoever moves the money: start a payment, read it back, refund, read an event.

Two providers stand behind it: Stripe for cards (``stripe_card.py``, the only module
that imports ``stripe``) and the room bill (``room.py``). The domain rules around them,
what a success or a refund does to an order, live in ``app.services.payments``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from flask import current_app

from app.models import Payment, Refund, RefundStatus


class ProviderUnavailable(Exception):
    """The provider timed out or failed on its side: nothing is known to have happened; retry later."""


class CardDeclined(Exception):
    """The bank said no to this card; the guest may try another one."""

    def __init__(self, code: str | None):
        super().__init__(code or "card_declined")
        self.code = code


class InvalidEvent(Exception):
    """A webhook that is forged, stale or unreadable; it must change nothing."""


class MalformedEvent(InvalidEvent):
    """A webhook correctly signed whose content is not an event we can read; it changes nothing."""


@dataclass(frozen=True)
class IntentState:
    """A card payment as the provider sees it now, in our words."""

    external_id: str
    status: str  # "pending", "succeeded", "failed" or "cancelled"
    amount: int
    currency: str
    client_secret: str | None = None
    failure_code: str | None = None


@dataclass(frozen=True)
class RefundState:
    external_id: str
    status: RefundStatus
    failure_reason: str | None = None


@dataclass(frozen=True)
class ProviderEvent:
    id: str
    type: str
    object_id: str  # the payment ("pi_…") or refund ("re_…") the event is about
    refund: RefundState | None = None  # for refund events, the refund as the event states it
    # Our payment's id from the intent's metadata: finds it even when the answer to the
    # create call was lost (a timeout after Stripe had already made the intent).
    payment_ref: str | None = None


class CardProvider(Protocol):
    name: str
    publishable_key: str
    js_url: str

    def start(self, payment: Payment, card_token: str) -> IntentState: ...

    def retrieve(self, external_id: str) -> IntentState: ...

    def cancel(self, external_id: str) -> IntentState: ...

    def refund(self, refund: Refund, payment_external_id: str) -> RefundState: ...

    def retrieve_refund(self, external_id: str) -> RefundState: ...

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent: ...


def card_provider() -> CardProvider | None:
    """The configured card provider, or None when no Stripe keys are set (room charge only)."""
    config = current_app.config
    if not (config["STRIPE_SECRET_KEY"] and config["STRIPE_PUBLISHABLE_KEY"]):
        return None
    from app.payments.stripe_card import StripeCard

    return StripeCard.from_config(config)
