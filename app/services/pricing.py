"""What a booking costs, line by line, with every discount named."""

from __future__ import annotations

from collections import Counter
from dataclasses import asdict, dataclass, field

from flask_babel import gettext as _
from flask_babel import ngettext

from app.models import Hotel, Service, ServiceKind


@dataclass(frozen=True)
class PriceLine:
    code: str  # adult, child, child_free, unit_day, amenity, large_family
    quantity: int
    unit: int  # minor units per item (per unit and day for rentals)
    amount: int  # minor units; negative for a discount
    age: int | None = None  # for child_free: the age limit
    days: int | None = None  # for unit_day: how many days
    percent: int | None = None  # for discounts


@dataclass(frozen=True)
class Party:
    adults: int = 0
    children_ages: tuple[int, ...] = ()
    quantity: int = 1  # units, for rentals and amenities
    days: int = 1  # for rentals and amenities

    @property
    def people(self) -> int:
        return self.adults + len(self.children_ages)


@dataclass
class Quote:
    currency: str
    lines: list[PriceLine] = field(default_factory=list)

    @property
    def subtotal(self) -> int:
        return sum(line.amount for line in self.lines if line.amount > 0)

    @property
    def discount(self) -> int:
        return -sum(line.amount for line in self.lines if line.amount < 0)

    @property
    def total(self) -> int:
        return self.subtotal - self.discount

    def as_json(self) -> list[dict]:
        return [asdict(line) for line in self.lines]


def percent_of(amount: int, percent: int) -> int:
    """Percentage of an integer amount, rounded half up, in integer arithmetic."""
    return (amount * percent + 50) // 100


def price_breakdown(service: Service, hotel: Hotel, party: Party) -> Quote:
    """Price a booking of ``service`` for ``party`` before discounts (``app.services.discounts``)."""
    quote = Quote(currency=hotel.currency)
    if service.kind is ServiceKind.AMENITY:
        quote.lines.append(PriceLine("amenity", party.quantity, 0, 0, days=party.days))
        return quote
    if service.kind is ServiceKind.RENTAL:
        amount = service.price_unit * party.quantity * party.days
        quote.lines.append(PriceLine("unit_day", party.quantity, service.price_unit, amount, days=party.days))
    else:
        if party.adults:
            quote.lines.append(
                PriceLine("adult", party.adults, service.price_adult, service.price_adult * party.adults)
            )
        free_under = service.free_under_age
        counts = Counter(free_under is not None and age < free_under for age in party.children_ages)
        if counts[False]:
            n = counts[False]
            quote.lines.append(PriceLine("child", n, service.price_child, service.price_child * n))
        if counts[True]:
            quote.lines.append(PriceLine("child_free", counts[True], 0, 0, age=free_under))
    return quote


def price_line_label(line: dict) -> str:
    """A breakdown line as the guest reads it, in their language."""
    code, n = line["code"], line["quantity"]
    if code == "adult":
        return ngettext("%(num)d adult", "%(num)d adults", n)
    if code == "child":
        return ngettext("%(num)d child", "%(num)d children", n)
    if code == "child_free":
        return ngettext(
            "%(num)d child under %(age)d: free", "%(num)d children under %(age)d: free", n, age=line["age"]
        )
    if code == "unit_day":
        days = ngettext("%(num)d day", "%(num)d days", line["days"])
        return ngettext("%(num)d unit × %(days)s", "%(num)d units × %(days)s", n, days=days)
    if code == "amenity":
        return ngettext("%(num)d item, free of charge", "%(num)d items, free of charge", n)
    if code == "large_family":
        return _("Large-family discount (%(percent)d%%)", percent=line["percent"])
    if code == "loyalty":
        return _("Loyal guest discount (%(percent)d%%)", percent=line["percent"])
    if code == "bundle":
        return _("Package deal (%(percent)d%%)", percent=line["percent"])
    if code == "promo" and line.get("percent"):
        return _("Code %(code)s (%(percent)d%%)", code=line.get("label") or "", percent=line["percent"])
    if code == "promo":
        return _("Code %(code)s", code=line.get("label") or "")
    return code
