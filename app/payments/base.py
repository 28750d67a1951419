"""What every payment provider is and says, in our words: the interface, its states and its errors.

Kept apart from the package's ``__init__`` (which picks the configured providers) so
that a provider module imports only this, never the module that imports it.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from app.models import Order, OrderLine, Payment, PaymentMethod, Refund, RefundStatus, Stay


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


class IntentStatus(enum.StrEnum):
    """Where a card payment stands with the provider."""

    PENDING = "pending"  # created, or waiting for 3-D Secure on the phone
    SUCCEEDED = "succeeded"
    FAILED = "failed"  # the last try was declined; the same intent may be tried again
    CANCELLED = "cancelled"


@dataclass(frozen=True)
class IntentState:
    """A card payment as the provider sees it now, in our words."""

    external_id: str
    status: IntentStatus
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


@dataclass(frozen=True)
class CspOrigins:
    """The outside origins a provider's pay page needs, per Content-Security-Policy directive."""

    script: tuple[str, ...] = ()
    frame: tuple[str, ...] = ()
    connect: tuple[str, ...] = ()

    def as_directives(self) -> dict[str, list[str]]:
        return {"script-src": [*self.script], "frame-src": [*self.frame], "connect-src": [*self.connect]}


class PaymentProvider(Protocol):
    """What every provider answers: its name on stored payments, how it settles, what pages it needs."""

    name: str  # kept on ``Payment.provider``
    method: PaymentMethod  # how the guest chose to pay, when this provider takes the money
    # True when a charge or a refund is final the moment it is recorded (a folio line);
    # False when the provider is asked after the transaction commits (a card refund).
    settles_at_once: bool

    def csp_origins(self) -> CspOrigins: ...


class CardProvider(PaymentProvider, Protocol):
    publishable_key: str
    js_url: str

    def start(self, payment: Payment, card_token: str) -> IntentState: ...

    def retrieve(self, external_id: str) -> IntentState: ...

    def cancel(self, external_id: str) -> IntentState: ...

    def refund(self, refund: Refund, payment_external_id: str) -> RefundState: ...

    def retrieve_refund(self, external_id: str) -> RefundState: ...

    def parse_event(self, payload: bytes, signature: str) -> ProviderEvent: ...


class RoomProvider(PaymentProvider, Protocol):
    """A provider that settles on the room's bill, inside the transaction that books or refunds."""

    def charge(self, payment: Payment, now: datetime) -> None: ...

    def charge_line(self, payment: Payment, line: OrderLine, now: datetime) -> None: ...

    def reverse(self, refund: Refund, line: OrderLine | None, now: datetime) -> None: ...

    def post_late_charge(
        self, stay: Stay, order: Order, amount: int, description: str, now: datetime
    ) -> None: ...
