"""Discounts that bring guests back, worked out over a whole cart so each rule is named on the bill.

Rules, each a percentage of a line's price before discounts:
- large family: the stay has at least ``hotel.large_family_min_children`` children;
- loyalty: silver and gold stays get ``hotel.silver_/gold_discount_percent``;
- bundle: the order holds at least ``package.bundle_size`` different services of one
  package, whose lines get ``package.bundle_percent`` (the best bundle when several apply);
- promo code: a percentage, or an amount taken from the lines in order.
Together they never take more than ``hotel.max_discount_percent`` of a line: rules apply
in the order above, and the one that reaches the cap is cut to what is left.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select, update

from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    Order,
    OrderLine,
    OrderStatus,
    Package,
    PromoCode,
    PromoKind,
    Stay,
    Tier,
    package_service,
)
from app.services import audit
from app.services.errors import LobbyError, NotAllowed
from app.services.hotel_rows import hotel_row
from app.services.pricing import PriceLine, Quote, percent_of
from app.services.transactions import operation

DISCOUNT_CODES = ("large_family", "loyalty", "bundle", "promo")


def _base(line: OrderLine) -> list[dict]:
    return [entry for entry in line.breakdown if entry["code"] not in DISCOUNT_CODES]


def _entry(code: str, amount: int, percent: int | None = None, label: str | None = None) -> dict:
    return {
        "code": code,
        "quantity": 1,
        "unit": 0,
        "amount": -amount,
        "age": None,
        "days": None,
        "percent": percent,
        "label": label,
    }


def _bundle_percents(hotel_id: int, services: set[int]) -> dict[int, int]:
    """Best bundle percent per service id, for packages whose bundle these services complete."""
    rows = db.session.execute(
        select(Package.id, Package.bundle_size, Package.bundle_percent, package_service.c.service_id)
        .join(package_service, package_service.c.package_id == Package.id)
        .where(
            Package.hotel_id == hotel_id,
            Package.active.is_(True),
            Package.bundle_size.is_not(None),
            Package.bundle_percent > 0,
        )
    ).all()
    members: dict[int, set[int]] = {}
    rule: dict[int, tuple[int, int]] = {}
    for package_id, size, percent, service_id in rows:
        members.setdefault(package_id, set()).add(service_id)
        rule[package_id] = (size, percent)
    best: dict[int, int] = {}
    for package_id, service_ids in members.items():
        size, percent = rule[package_id]
        booked = services & service_ids
        if len(booked) >= size:
            for service_id in booked:
                best[service_id] = max(best.get(service_id, 0), percent)
    return best


class _Cap:
    """What is left of one line's discount allowance, and the discounts taken from it so far."""

    def __init__(self, allowance: int):
        self.left = allowance
        self.entries: list[dict] = []

    def take(self, code: str, wanted: int, percent: int | None = None, label: str | None = None) -> int:
        amount = min(wanted, self.left)
        if amount > 0:
            self.entries.append(_entry(code, amount, percent, label))
            self.left -= amount
        return amount


def _stay_percents(hotel: Hotel, stay: Stay) -> tuple[int, int]:
    """The large-family and loyalty percentages this stay gets on every line."""
    loyalty = {Tier.SILVER: hotel.silver_discount_percent, Tier.GOLD: hotel.gold_discount_percent}.get(
        stay.tier, 0
    )
    family = (
        hotel.large_family_discount_percent
        if hotel.large_family_discount_percent and stay.children >= hotel.large_family_min_children
        else 0
    )
    return family, loyalty


def _stay_discounts(subtotal: int, hotel: Hotel, family: int, loyalty: int, bundle: int) -> _Cap:
    """The rules before any promo code, in their order, for a line worth ``subtotal``."""
    cap = _Cap(percent_of(subtotal, hotel.max_discount_percent))
    if family:
        cap.take("large_family", percent_of(subtotal, family), family)
    if loyalty:
        cap.take("loyalty", percent_of(subtotal, loyalty), loyalty)
    if bundle:
        cap.take("bundle", percent_of(subtotal, bundle), bundle)
    return cap


def reprice(order: Order, stay: Stay) -> None:
    """Work every rule out again for the order's live lines; the caller commits."""
    hotel = stay.hotel  # the order's too; a price preview's order is transient and loads nothing
    lines = [line for line in order.lines if line.status is not LineStatus.CANCELLED]
    bundles = _bundle_percents(order.hotel_id, {line.service_id for line in lines})
    family, loyalty = _stay_percents(hotel, stay)
    promo = db.session.get(PromoCode, order.promo_code_id) if order.promo_code_id else None
    promo_amount_left = promo.value if promo is not None and promo.kind is PromoKind.AMOUNT else 0
    for line in lines:
        base = _base(line)
        subtotal = sum(entry["amount"] for entry in base if entry["amount"] > 0)
        cap = _stay_discounts(subtotal, hotel, family, loyalty, bundles.get(line.service_id, 0))
        if promo is not None and promo.kind is PromoKind.PERCENT:
            cap.take("promo", percent_of(subtotal, promo.value), promo.value, promo.code)
        elif promo_amount_left:
            promo_amount_left -= cap.take("promo", promo_amount_left, None, promo.code)
        line.breakdown = base + cap.entries
        line.subtotal = subtotal
        line.discount = -sum(entry["amount"] for entry in cap.entries)
        line.total = subtotal - line.discount
    order.total = sum(line.total for line in lines) + sum(line.cancellation_fee for line in order.lines)


def price_alone(stay: Stay, service_id: int, quote: Quote) -> Quote:
    """``quote`` with the discounts it gets as an order of its own, as a one-tap booking is.

    The same rules as :func:`reprice` (no promo code: a new order has none), so the
    total a service page shows is the total the booking charges.
    """
    hotel = stay.hotel
    family, loyalty = _stay_percents(hotel, stay)
    bundle = _bundle_percents(hotel.id, {service_id}).get(service_id, 0)
    cap = _stay_discounts(quote.subtotal, hotel, family, loyalty, bundle)
    discounts = [
        PriceLine(entry["code"], 1, 0, entry["amount"], percent=entry["percent"]) for entry in cap.entries
    ]
    return Quote(quote.currency, [*quote.lines, *discounts])


def find_promo(hotel_id: int, code: str) -> PromoCode | None:
    return db.session.scalar(
        select(PromoCode).where(PromoCode.hotel_id == hotel_id, PromoCode.code == code.strip().upper())
    )


def promo_problem(promo: PromoCode | None, stay: Stay, today: date) -> str | None:
    """Why this code cannot be used by this stay today, in the guest's words; None when it can."""
    if promo is None or not promo.active:
        return _("We do not know that code. Please check it and try again.")
    if not promo.valid_from <= today <= promo.valid_until:
        return _("This code is not valid today.")
    if promo.usage_limit is not None and promo.used >= promo.usage_limit:
        return _("This code has been used up.")
    used_by_stay = db.session.scalar(
        select(func.count(Order.id)).where(
            Order.stay_id == stay.id, Order.promo_code_id == promo.id, Order.status == OrderStatus.CONFIRMED
        )
    )
    if used_by_stay >= promo.per_stay_limit:
        return _("You have already used this code.")
    return None


@operation
def apply_promo(order: Order, stay: Stay, code: str, today: date) -> PromoCode:
    promo = find_promo(stay.hotel_id, code)
    problem = promo_problem(promo, stay, today)
    if problem:
        raise LobbyError(problem)
    order.promo_code_id = promo.id
    reprice(order, stay)
    return promo


@operation
def remove_promo(order: Order, stay: Stay) -> None:
    order.promo_code_id = None
    reprice(order, stay)


class PromoUnavailable(NotAllowed):
    """The cart's code can no longer be used (expired, used up) when the guest checks out."""


def use_promo(order: Order, stay: Stay, today: date) -> None:
    """At checkout, inside its transaction: count one use, or refuse if the code ran out meanwhile."""
    if order.promo_code_id is None:
        return
    promo = db.session.get(PromoCode, order.promo_code_id)
    problem = promo_problem(promo, stay, today)
    counted = (
        db.session.execute(
            update(PromoCode)
            .where(
                PromoCode.id == promo.id,
                (PromoCode.usage_limit.is_(None)) | (PromoCode.used < PromoCode.usage_limit),
            )
            .values(used=PromoCode.used + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
        if problem is None
        else 0
    )
    if counted != 1:
        raise PromoUnavailable(problem or _("This code has been used up."))


RULE_FIELDS = (
    "large_family_min_children",
    "large_family_discount_percent",
    "silver_discount_percent",
    "gold_discount_percent",
    "max_discount_percent",
    "pre_arrival_days",  # when the offer email goes out: edited with the rules that bring guests back
)


@operation
def save_rules(hotel: Hotel, values: dict[str, int]) -> None:
    was = audit.snapshot(hotel, RULE_FIELDS)
    for name in RULE_FIELDS:
        setattr(hotel, name, values[name])
    audit.record(
        hotel.id, "hotel.discounts_changed", hotel, before=was, after=audit.snapshot(hotel, RULE_FIELDS)
    )


def promo_codes(hotel_id: int) -> list[PromoCode]:
    return list(
        db.session.scalars(select(PromoCode).where(PromoCode.hotel_id == hotel_id).order_by(PromoCode.code))
    )


@operation
def create_promo(
    hotel: Hotel, code: str, kind: PromoKind, value: int, valid_from, valid_until, usage_limit, per_stay
):
    code = code.strip().upper()
    if valid_until < valid_from:
        raise LobbyError(_("The last day must not be before the first."))
    if kind is PromoKind.PERCENT and not 1 <= value <= 100:
        raise LobbyError(_("A percentage is from 1 to 100."))
    if value <= 0:
        raise LobbyError(_("The amount must be more than zero."))
    if find_promo(hotel.id, code) is not None:
        raise LobbyError(_("There is already a code %(code)s.", code=code))
    promo = PromoCode(
        hotel_id=hotel.id,
        code=code,
        kind=kind,
        value=value,
        valid_from=valid_from,
        valid_until=valid_until,
        usage_limit=usage_limit,
        per_stay_limit=per_stay,
    )
    db.session.add(promo)
    audit.record(hotel.id, "promo.created", promo, after=audit.snapshot(promo, PROMO_AUDITED))
    return promo


PROMO_AUDITED = ("code", "kind", "value", "valid_from", "valid_until", "usage_limit", "per_stay_limit")


@operation
def set_promo_active(hotel_id: int, promo_id: int, active: bool) -> None:
    promo = hotel_row(PromoCode, hotel_id, promo_id, _("We could not find that page."))
    action = "promo.activated" if active else "promo.deactivated"
    audit.record(hotel_id, action, promo, before={"active": promo.active}, after={"active": active})
    promo.active = active
