"""Money that moved for orders: payments by card or room charge, and their refunds.

What a provider needs to finish a payment in the guest's browser (a Stripe intent's client
secret) is never stored and never shown; the provider's own ids ("pi_…", "re_…") are.
"""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field

from app.api.v1 import api
from app.api.v1.kit import MAX_ID, hotel
from app.api.v1.paging import Page, PageQuery, page
from app.models import Payment, PaymentStatus, Refund, RefundStatus
from app.services import payments

PROVIDERS = Literal["stripe", "room"]


class RefundOut(BaseModel):
    id: int
    payment_id: int
    order_id: int
    amount: int = Field(description="Minor units")
    currency: str
    status: RefundStatus
    reason: str = Field(description="Why, as the desk or the rule wrote it")
    order_line_id: int | None = Field(description="The cancelled order line that caused it, if any")
    external_id: str | None = Field(description="The provider's id of the refund (Stripe: re_…)")
    failure_reason: str | None
    created_at: datetime
    updated_at: datetime


class PaymentOut(BaseModel):
    id: int
    order_id: int = Field(
        description="Its order; one whose card checkout ran out of time is back in the guest's cart and "
        "not listed under /orders"
    )
    provider: str = Field(description="stripe (card) or room (charged to the room bill)")
    status: PaymentStatus
    amount: int = Field(description="Minor units")
    currency: str
    external_id: str | None = Field(description="The provider's id (Stripe: pi_…); null for a room charge")
    failure_code: str | None
    refunded: int = Field(description="Given back or on its way back (failed refunds do not count)")
    refundable: int = Field(description="What could still be refunded")
    refunded_late: bool = Field(description="It succeeded after the seat hold ran out and was refunded")
    created_at: datetime
    updated_at: datetime
    refunds: list[RefundOut]


class PaymentQuery(PageQuery):
    order_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: PaymentStatus | None = None
    provider: PROVIDERS | None = None


class RefundQuery(PageQuery):
    payment_id: int | None = Field(None, ge=1, le=MAX_ID)
    status: RefundStatus | None = None


def _refund(refund: Refund) -> RefundOut:
    return RefundOut(
        id=refund.id,
        payment_id=refund.payment_id,
        order_id=refund.payment.order_id,
        amount=refund.amount,
        currency=refund.currency,
        status=refund.status,
        reason=refund.reason or "",
        order_line_id=refund.order_line_id,
        external_id=refund.external_id,
        failure_reason=refund.failure_reason,
        created_at=refund.created_at,
        updated_at=refund.updated_at,
    )


def _payment(payment: Payment) -> PaymentOut:
    return PaymentOut(
        id=payment.id,
        order_id=payment.order_id,
        provider=payment.provider,
        status=payment.status,
        amount=payment.amount,
        currency=payment.currency,
        external_id=payment.external_id,
        failure_code=payment.failure_code,
        refunded=payment.refunded,
        refundable=payment.refundable,
        refunded_late=payment.refunded_late,
        created_at=payment.created_at,
        updated_at=payment.updated_at,
        refunds=[_refund(refund) for refund in payment.refunds],
    )


@api.route(
    "/payments",
    scope="payments:read",
    summary="The hotel's payments",
    tags=["payments"],
    responses={200: Page[PaymentOut]},
    query=PaymentQuery,
)
def list_payments(query: PaymentQuery) -> Page[PaymentOut]:
    """Every payment with its refunds, by id: card payments (each try is one) and room charges."""
    statement = payments.hotel_payments(
        hotel().id, order_id=query.order_id, status=query.status, provider=query.provider
    )
    return page(statement, Payment.id, query, _payment)


@api.route(
    "/payments/<int:payment_id>",
    scope="payments:read",
    summary="One payment",
    tags=["payments"],
    responses={200: PaymentOut},
)
def get_payment(payment_id: int) -> PaymentOut:
    """A payment with its refunds and what could still be refunded."""
    return _payment(payments.hotel_payment(hotel().id, payment_id))


@api.route(
    "/refunds",
    scope="payments:read",
    summary="The hotel's refunds",
    tags=["payments"],
    responses={200: Page[RefundOut]},
    query=RefundQuery,
)
def list_refunds(query: RefundQuery) -> Page[RefundOut]:
    """Every refund, by id: pending ones are on their way, failed ones need the desk."""
    statement = payments.hotel_refunds(hotel().id, payment_id=query.payment_id, status=query.status)
    return page(statement, Refund.id, query, _refund)


@api.route(
    "/refunds/<int:refund_id>",
    scope="payments:read",
    summary="One refund",
    tags=["payments"],
    responses={200: RefundOut},
)
def get_refund(refund_id: int) -> RefundOut:
    """A refund, with its payment and order."""
    return _refund(payments.hotel_refund(hotel().id, refund_id))
