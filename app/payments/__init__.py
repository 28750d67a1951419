"""The one door to whoever moves the money: which providers are on, and the one a payment used.

Two providers stand behind it, each in its own module: Stripe for cards
(``stripe_card.py``, the only module that imports ``stripe``) and the room bill
(``room.py``). Their shared interface, states and errors are in ``base.py``. The domain
rules around them, what a success or a refund does to an order, live in
``app.services.payments``; they ask the provider, never compare its name.
"""

from __future__ import annotations

from flask import current_app

from app.models import Payment
from app.payments.base import (
    CardDeclined,
    CardProvider,
    CspOrigins,
    IntentState,
    IntentStatus,
    InvalidEvent,
    MalformedEvent,
    PaymentProvider,
    ProviderEvent,
    ProviderUnavailable,
    RefundState,
    RoomProvider,
)
from app.payments.room import RoomCharge
from app.payments.stripe_card import StripeCard

__all__ = [
    "CardDeclined",
    "CardProvider",
    "CspOrigins",
    "IntentState",
    "IntentStatus",
    "InvalidEvent",
    "MalformedEvent",
    "PaymentProvider",
    "ProviderEvent",
    "ProviderUnavailable",
    "RefundState",
    "RoomProvider",
    "card_provider",
    "enabled_providers",
    "provider_of",
    "room_charge",
]

_ROOM_CHARGE = RoomCharge()


def room_charge() -> RoomProvider:
    """The room bill: always there (whether a hotel offers it is the hotel's setting)."""
    return _ROOM_CHARGE


def card_provider() -> CardProvider | None:
    """The configured card provider, or None when no Stripe keys are set (room charge only)."""
    config = current_app.config
    if not (config["STRIPE_SECRET_KEY"] and config["STRIPE_PUBLISHABLE_KEY"]):
        return None
    return StripeCard.from_config(config)


def enabled_providers() -> list[PaymentProvider]:
    """Every provider this deployment can take money with now."""
    card = card_provider()
    return [room_charge(), *([card] if card is not None else [])]


def provider_of(payment: Payment) -> PaymentProvider | None:
    """The provider that took ``payment``; None when it is one no longer configured (card keys removed)."""
    return next((provider for provider in enabled_providers() if provider.name == payment.provider), None)
