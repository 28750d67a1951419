"""The group's hotels side by side for a period, and its totals converted to the reporting currency.

Each figure means what the hotel dashboard (``app.services.analytics``) means by it, for
each hotel's own local dates, and comes from one aggregate over every hotel of the group
(``hotel_id IN (…)`` grouped by hotel), never from a loop of hotel dashboards:

- net revenue: the sales roll-up's revenue (summed per hotel and day: ``HotelSalesDay``) less
  refunds no cancellation accounts for (``analytics.revenue_total(...).net``); bookings: the
  roll-up's booked lines;
- attach rate: stays arriving in the period with a paid extra, from ``ArrivalDay``;
- average rating: every 1–5 rating given in the period; NPS as the dashboard's;
- answered within SLA: requests made in the period and resolved by their deadline, out of
  those resolved (the dashboard's "resolved on time", over every kind of request).

Instants (refunds, ratings, requests) are compared with each hotel's own midnight: hotels
sharing a time zone share one pair of bounds, and each zone is one ``OR`` branch of the
same query.

Money stays integer minor units per hotel and per currency; the converted total is exact
Decimal arithmetic (each currency's minor-unit digits from Babel) rounded half-even once,
on the total. A hotel whose currency has no rate is left out of it and named.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from decimal import ROUND_HALF_EVEN, Decimal, localcontext

from babel.numbers import get_currency_precision
from sqlalchemy import and_, case, func, or_, select

from app.extensions import db
from app.models import (
    ArrivalDay,
    ExchangeRate,
    Feedback,
    GuestRequest,
    Hotel,
    HotelGroup,
    HotelSalesDay,
    LineStatus,
    OrderLine,
    Payment,
    Refund,
    RequestStatus,
)
from app.services.analytics import _LIVE_REFUND, _UNEXPLAINED_REFUND, Nps, Period


@dataclass(frozen=True)
class HotelFigures:
    """One hotel's figures in its own currency, and its revenue in the reporting currency."""

    hotel_id: int
    name: str
    currency: str
    revenue: int  # net, minor units of ``currency``
    bookings: int
    stays: int
    with_extra: int
    ratings: int
    rating_sum: int
    nps: Nps
    resolved: int
    resolved_on_time: int
    converted: Decimal | None  # net revenue in reporting major units, exact; None without a rate

    @property
    def attach_rate(self) -> float | None:
        return self.with_extra / self.stays if self.stays else None

    @property
    def rating(self) -> float | None:
        return round(self.rating_sum / self.ratings, 2) if self.ratings else None

    @property
    def on_time_share(self) -> float | None:
        return self.resolved_on_time / self.resolved if self.resolved else None


@dataclass(frozen=True)
class CurrencyTotal:
    currency: str
    revenue: int  # minor units of ``currency``
    bookings: int
    hotels: int
    rate: Decimal | None  # reporting units per unit of ``currency``; 1 for the reporting currency


@dataclass(frozen=True)
class GroupFigures:
    reporting_currency: str
    hotels: list[HotelFigures]
    currencies: list[CurrencyTotal]
    converted_revenue: int  # minor units of the reporting currency, rounded once
    missing_rates: list[str] = field(default_factory=list)  # currencies left out of the converted total

    def excluded(self, hotel: HotelFigures) -> bool:
        return hotel.currency in self.missing_rates


def minor_digits(currency: str) -> int:
    """How many digits a currency's minor unit has: 0 for VND, 2 for EUR, 3 for KWD."""
    return get_currency_precision(currency)


def to_major(amount_minor: int, currency: str) -> Decimal:
    return Decimal(amount_minor).scaleb(-minor_digits(currency))


def to_minor(amount_major: Decimal, currency: str) -> int:
    """Major units to integer minor units, rounded half-even (once: callers round only totals)."""
    with localcontext() as context:
        context.prec = 60
        return int(amount_major.scaleb(minor_digits(currency)).quantize(Decimal(1), rounding=ROUND_HALF_EVEN))


def convert(amount_minor: int, currency: str, rate: Decimal) -> Decimal:
    """An amount in reporting major units, exact (no rounding): minor units × 10^-digits × rate."""
    with localcontext() as context:
        context.prec = 60
        return to_major(amount_minor, currency) * rate


def rates_of(group: HotelGroup) -> dict[str, Decimal]:
    """The manager's rates by currency; the reporting currency is worth exactly itself."""
    rates = {
        currency: Decimal(text)
        for currency, text in db.session.execute(
            select(ExchangeRate.currency, ExchangeRate.rate_text).where(ExchangeRate.group_id == group.id)
        )
    }
    rates[group.reporting_currency] = Decimal(1)
    return rates


def group_hotels(group: HotelGroup) -> list[Hotel]:
    return list(db.session.scalars(select(Hotel).where(Hotel.group_id == group.id).order_by(Hotel.id)))


def _instants(hotels: list[Hotel], period: Period, column):
    """``column`` inside the period as each hotel's own clock sees it: one branch per time zone."""
    zones: dict[str, list[Hotel]] = defaultdict(list)
    for hotel in hotels:
        zones[hotel.timezone].append(hotel)
    branches = []
    for members in zones.values():
        start, end = period.bounds(members[0])
        hotel_column = column.class_.hotel_id
        branches.append(
            and_(hotel_column.in_([hotel.id for hotel in members]), column >= start, column < end)
        )
    return or_(*branches)


def _sales(ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    """The sales roll-up's revenue and bookings per hotel (``HotelSalesDay``: ``SalesDay`` per day)."""
    rows = db.session.execute(
        select(HotelSalesDay.hotel_id, func.sum(HotelSalesDay.revenue), func.sum(HotelSalesDay.bookings))
        .where(
            HotelSalesDay.hotel_id.in_(ids),
            HotelSalesDay.day >= period.first,
            HotelSalesDay.day <= period.last,
        )
        .group_by(HotelSalesDay.hotel_id)
    )
    return {hotel_id: (int(revenue or 0), int(bookings or 0)) for hotel_id, revenue, bookings in rows}


def _refunds(hotels: list[Hotel], period: Period) -> dict[int, int]:
    """``analytics.refunds`` for every hotel at once: desk refunds given, less what cancellations
    of lines on orders with desk refunds would otherwise count twice."""
    given = db.session.execute(
        select(Refund.hotel_id, func.sum(Refund.amount))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(_UNEXPLAINED_REFUND, _instants(hotels, period, Refund.created_at))
        .group_by(Refund.hotel_id)
    )
    totals = {hotel_id: int(amount or 0) for hotel_id, amount in given}
    refunded_for_line = (
        select(func.coalesce(func.sum(Refund.amount), 0))
        .where(Refund.order_line_id == OrderLine.id, Refund.status.in_(_LIVE_REFUND))
        .scalar_subquery()
    )
    # Driven from the few orders with desk refunds (their cancelled lines through
    # ix_order_line_cancelled), not from every cancelled line of the period.
    orders_with_desk_refunds = (
        select(Payment.order_id)
        .join(Refund, Refund.payment_id == Payment.id)
        .where(_UNEXPLAINED_REFUND)
        .distinct()
        .subquery()
    )
    not_given_back = OrderLine.total - OrderLine.cancellation_fee - refunded_for_line
    twice = db.session.execute(
        select(OrderLine.hotel_id, func.sum(case((not_given_back > 0, not_given_back), else_=0)))
        .join(orders_with_desk_refunds, orders_with_desk_refunds.c.order_id == OrderLine.order_id)
        .where(OrderLine.status == LineStatus.CANCELLED, _instants(hotels, period, OrderLine.cancelled_at))
        .group_by(OrderLine.hotel_id)
    )
    for hotel_id, amount in twice:
        totals[hotel_id] = totals.get(hotel_id, 0) - int(amount or 0)
    return totals


def _arrivals(ids: list[int], period: Period) -> dict[int, tuple[int, int]]:
    rows = db.session.execute(
        select(ArrivalDay.hotel_id, func.sum(ArrivalDay.stays), func.sum(ArrivalDay.with_extra))
        .where(ArrivalDay.hotel_id.in_(ids), ArrivalDay.day >= period.first, ArrivalDay.day <= period.last)
        .group_by(ArrivalDay.hotel_id)
    )
    return {hotel_id: (int(stays or 0), int(extra or 0)) for hotel_id, stays, extra in rows}


def _feedback(hotels: list[Hotel], period: Period) -> dict[int, tuple[int, int, Nps]]:
    """Per hotel: ratings given, their sum, and the NPS answers (one pass over the period's feedback)."""
    rows = db.session.execute(
        select(
            Feedback.hotel_id,
            func.count(Feedback.rating),
            func.sum(Feedback.rating),
            func.count(Feedback.nps),
            func.sum(case((Feedback.nps >= 9, 1), else_=0)),
            func.sum(case((Feedback.nps <= 6, 1), else_=0)),
        )
        .where(_instants(hotels, period, Feedback.created_at))
        .group_by(Feedback.hotel_id)
    )
    return {
        hotel_id: (int(ratings), int(rating_sum or 0), Nps(int(answers), int(good or 0), int(bad or 0)))
        for hotel_id, ratings, rating_sum, answers, good, bad in rows
    }


def _sla(hotels: list[Hotel], period: Period) -> dict[int, tuple[int, int]]:
    resolved = GuestRequest.status == RequestStatus.DONE
    rows = db.session.execute(
        select(
            GuestRequest.hotel_id,
            func.sum(case((resolved, 1), else_=0)),
            func.sum(
                case((and_(resolved, GuestRequest.resolved_at <= GuestRequest.resolve_due_at), 1), else_=0)
            ),
        )
        .where(_instants(hotels, period, GuestRequest.created_at))
        .group_by(GuestRequest.hotel_id)
    )
    return {hotel_id: (int(done or 0), int(on_time or 0)) for hotel_id, done, on_time in rows}


def group_figures(group: HotelGroup, period: Period) -> GroupFigures:
    """Every hotel of the group side by side (by name), its totals per currency and converted."""
    hotels = group_hotels(group)
    rates = rates_of(group)
    if not hotels:
        return GroupFigures(group.reporting_currency, [], [], 0)
    ids = [hotel.id for hotel in hotels]
    sales, refunds = _sales(ids, period), _refunds(hotels, period)
    arrivals, feedback, sla = _arrivals(ids, period), _feedback(hotels, period), _sla(hotels, period)
    figures = []
    for hotel in hotels:
        revenue, bookings = sales.get(hotel.id, (0, 0))
        net = revenue - refunds.get(hotel.id, 0)
        ratings, rating_sum, nps = feedback.get(hotel.id, (0, 0, Nps(0, 0, 0)))
        rate = rates.get(hotel.currency)
        figures.append(
            HotelFigures(
                hotel_id=hotel.id,
                name=str(hotel.name),
                currency=hotel.currency,
                revenue=net,
                bookings=bookings,
                stays=arrivals.get(hotel.id, (0, 0))[0],
                with_extra=arrivals.get(hotel.id, (0, 0))[1],
                ratings=ratings,
                rating_sum=rating_sum,
                nps=nps,
                resolved=sla.get(hotel.id, (0, 0))[0],
                resolved_on_time=sla.get(hotel.id, (0, 0))[1],
                converted=convert(net, hotel.currency, rate) if rate is not None else None,
            )
        )
    return _totals(group.reporting_currency, sorted(figures, key=lambda item: item.name.casefold()), rates)


def _totals(reporting: str, figures: list[HotelFigures], rates: dict[str, Decimal]) -> GroupFigures:
    by_currency: dict[str, list[HotelFigures]] = defaultdict(list)
    for item in figures:
        by_currency[item.currency].append(item)
    currencies = [
        CurrencyTotal(
            currency=currency,
            revenue=sum(item.revenue for item in members),
            bookings=sum(item.bookings for item in members),
            hotels=len(members),
            rate=rates.get(currency),
        )
        for currency, members in sorted(by_currency.items())
    ]
    with localcontext() as context:
        context.prec = 60
        exact = sum(
            (
                convert(total.revenue, total.currency, total.rate)
                for total in currencies
                if total.rate is not None
            ),
            Decimal(0),
        )
    return GroupFigures(
        reporting_currency=reporting,
        hotels=figures,
        currencies=currencies,
        converted_revenue=to_minor(exact, reporting),
        missing_rates=[total.currency for total in currencies if total.rate is None],
    )


def last_set(group: HotelGroup) -> dict[str, datetime]:
    """When each of the group's rates was last set."""
    return dict(
        db.session.execute(
            select(ExchangeRate.currency, ExchangeRate.updated_at).where(ExchangeRate.group_id == group.id)
        ).all()
    )
