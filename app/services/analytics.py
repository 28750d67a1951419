"""The manager's numbers for a period, each from one aggregate query (never a loop over bookings).

Definitions (the dashboard states them too):
- revenue: what booked lines of orders placed in the period cost, plus fees kept on
  cancelled ones; a package's revenue is that of the services it lists first
  (a service in two packages counts once, in the first by the manager's order);
- total revenue: that revenue, net of refunds a cancellation does not already account for
  (a desk refund of part of a booking), on the day of the refund; shown with its change
  against the period of equal length just before;
- attach rate: stays arriving in the period with at least one paid extra, out of all
  stays arriving in it;
- conversion: bookings placed in the period per service page view in the period;
- ratings: the average 1–5 rating per service; NPS: % of 9–10 answers minus % of 0–6;
- response and resolution: minutes from a request to its acknowledgement and to its
  end, and the share done by the SLA deadline, for requests made in the period;
- offers shown (impressions): services offered to a stay, counted once per stay, service
  and place (home, after a booking, email, desk), in the period the offer was first shown;
- attributed bookings and revenue: lines booked from an offer (the guest came through it),
  placed in the period, counted like revenue above, by the offer's place or reason;
  offer conversion: those bookings per offer shown, both counted in the same period;
- upsell before arrival or during the stay: revenue of all extras, and the attributed part,
  by whether the line was placed before the stay's arrival day (hotel-local dates) or on
  it or after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, func, literal_column, select

from app.extensions import db
from app.models import (
    Feedback,
    GuestRequest,
    Hotel,
    LineStatus,
    OfferImpression,
    OfferPlace,
    Order,
    OrderLine,
    Package,
    Payment,
    Refund,
    RefundStatus,
    RequestKind,
    RequestStatus,
    SalesDay,
    Service,
    ServiceViewDay,
    Stay,
    package_service,
)
from app.services import view_counts


@dataclass(frozen=True)
class Period:
    first: date
    last: date  # inclusive

    def bounds(self, hotel: Hotel) -> tuple[datetime, datetime]:
        """The period as UTC instants: midnight to midnight in the hotel's time zone."""
        start = datetime.combine(self.first, time(0), tzinfo=hotel.tz)
        end = datetime.combine(self.last + timedelta(days=1), time(0), tzinfo=hotel.tz)
        return start, end


def count_view(service: Service, day: date) -> None:
    """One more view of a service's page: counted in a buffer, written later (``view_counts``)."""
    view_counts.count_view(service.hotel_id, service.id, day)


def _sales_in(hotel: Hotel, period: Period):
    """The period's rows of the sales roll-up (``app.services.sales_days``): a few per service and day."""
    return and_(SalesDay.hotel_id == hotel.id, SalesDay.day >= period.first, SalesDay.day <= period.last)


@dataclass(frozen=True)
class ServiceFigures:
    service_id: int
    title: str
    revenue: int
    bookings: int
    views: int
    rating: float | None
    ratings: int

    @property
    def conversion(self) -> float | None:
        return self.bookings / self.views if self.views else None


def service_figures(hotel: Hotel, period: Period) -> list[ServiceFigures]:
    """Revenue, bookings, page views and ratings per service, most revenue first."""
    sales = dict(
        (row.service_id, row)
        for row in db.session.execute(
            select(
                SalesDay.service_id,
                func.sum(SalesDay.revenue).label("revenue"),
                func.sum(SalesDay.bookings).label("bookings"),
            )
            .where(_sales_in(hotel, period))
            .group_by(SalesDay.service_id)
        )
    )
    views = dict(
        db.session.execute(
            select(ServiceViewDay.service_id, func.sum(ServiceViewDay.views))
            .where(
                ServiceViewDay.hotel_id == hotel.id,
                ServiceViewDay.day >= period.first,
                ServiceViewDay.day <= period.last,
            )
            .group_by(ServiceViewDay.service_id)
        ).all()
    )
    start, end = period.bounds(hotel)
    ratings = dict(
        (row.service_id, row)
        for row in db.session.execute(
            select(
                Feedback.service_id,
                func.avg(Feedback.rating).label("average"),
                func.count(Feedback.id).label("n"),
            )
            .where(
                Feedback.hotel_id == hotel.id,
                Feedback.rating.is_not(None),
                Feedback.created_at >= start,
                Feedback.created_at < end,
            )
            .group_by(Feedback.service_id)
        )
    )
    figures = []
    for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id)):
        sold, rated = sales.get(service.id), ratings.get(service.id)
        figures.append(
            ServiceFigures(
                service_id=service.id,
                title=str(service.title),
                revenue=int(sold.revenue or 0) if sold else 0,
                bookings=int(sold.bookings or 0) if sold else 0,
                views=int(views.get(service.id, 0)),
                rating=round(float(rated.average), 2) if rated else None,
                ratings=int(rated.n) if rated else 0,
            )
        )
    return sorted(figures, key=lambda item: (-item.revenue, item.title))


def package_revenue(hotel: Hotel, figures: list[ServiceFigures]) -> list[tuple[str, int]]:
    """Each service's revenue counted once, in the first package that lists it."""
    first_package: dict[int, Package] = {}
    rows = db.session.execute(
        select(package_service.c.service_id, Package)
        .join(Package, Package.id == package_service.c.package_id)
        .where(Package.hotel_id == hotel.id)
        .order_by(Package.position, Package.id)
    ).all()
    for service_id, package in rows:
        first_package.setdefault(service_id, package)
    totals: dict[int, int] = {}
    titles: dict[int, str] = {}
    for item in figures:
        package = first_package.get(item.service_id)
        if package is not None:
            totals[package.id] = totals.get(package.id, 0) + item.revenue
            titles[package.id] = str(package.title)
    return sorted(((titles[key], value) for key, value in totals.items()), key=lambda pair: -pair[1])


_LIVE_REFUND = (RefundStatus.PENDING, RefundStatus.SUCCEEDED)
# A refund no cancelled line explains: a desk refund of part of what was paid. A cancellation's
# refund names its line (and the line already left the revenue); a payment that came after its
# hold expired was refunded whole and never became a booking, so it was never revenue either.
_UNEXPLAINED_REFUND = and_(
    Refund.order_line_id.is_(None), Refund.status.in_(_LIVE_REFUND), Payment.refunded_late.is_(False)
)


def refunds(hotel: Hotel, period: Period) -> int:
    """Minor units to take off the period's revenue for refunds, on the day each was given.

    A line cancelled after a desk refund on its order gets back only what the payment has
    left, while the roll-up drops the whole line: the part the desk had already given back
    would count twice, so it is added back on the day of the cancellation.
    """
    start, end = period.bounds(hotel)
    given = db.session.scalar(
        select(func.coalesce(func.sum(Refund.amount), 0))
        .join(Payment, Payment.id == Refund.payment_id)
        .where(
            Refund.hotel_id == hotel.id,
            _UNEXPLAINED_REFUND,
            Refund.created_at >= start,
            Refund.created_at < end,
        )
    )
    refunded_for_line = (
        select(func.coalesce(func.sum(Refund.amount), 0))
        .where(Refund.order_line_id == OrderLine.id, Refund.status.in_(_LIVE_REFUND))
        .scalar_subquery()
    )
    orders_with_desk_refunds = (
        select(Payment.order_id).join(Refund, Refund.payment_id == Payment.id).where(_UNEXPLAINED_REFUND)
    )
    not_given_back = OrderLine.total - OrderLine.cancellation_fee - refunded_for_line
    counted_twice = db.session.scalar(
        select(func.coalesce(func.sum(case((not_given_back > 0, not_given_back), else_=0)), 0)).where(
            OrderLine.hotel_id == hotel.id,
            OrderLine.status == LineStatus.CANCELLED,
            OrderLine.cancelled_at >= start,
            OrderLine.cancelled_at < end,
            OrderLine.order_id.in_(orders_with_desk_refunds),
        )
    )
    return int(given) - int(counted_twice)


@dataclass(frozen=True)
class RevenueTotal:
    booked: int  # booked lines and fees kept, as in the charts
    refunded: int  # refunds no cancellation accounts for
    previous: int  # net revenue of the period of equal length just before

    @property
    def net(self) -> int:
        return self.booked - self.refunded

    @property
    def change(self) -> float | None:
        """Net revenue against the previous period, as a fraction (0.25 is 25 % more); None from nothing."""
        return (self.net - self.previous) / abs(self.previous) if self.previous else None


def _net_revenue(hotel: Hotel, period: Period) -> tuple[int, int]:
    booked = db.session.scalar(
        select(func.coalesce(func.sum(SalesDay.revenue), 0)).where(_sales_in(hotel, period))
    )
    return int(booked), refunds(hotel, period)


def revenue_total(hotel: Hotel, period: Period) -> RevenueTotal:
    booked, refunded = _net_revenue(hotel, period)
    before = previous_period(period)
    booked_before, refunded_before = _net_revenue(hotel, before)
    return RevenueTotal(booked=booked, refunded=refunded, previous=booked_before - refunded_before)


def previous_period(period: Period) -> Period:
    """The period of the same number of days that ends the day before ``period`` starts."""
    length = period.last - period.first + timedelta(days=1)
    return Period(period.first - length, period.first - timedelta(days=1))


@dataclass(frozen=True)
class AttachRate:
    stays: int
    with_extra: int

    @property
    def rate(self) -> float | None:
        return self.with_extra / self.stays if self.stays else None


def attach_rate(hotel: Hotel, period: Period) -> AttachRate:
    """One pass over the period's arrivals; each asks its own orders (indexed) for a paid line."""
    paid_extra = (
        select(OrderLine.id)
        .join(Order, Order.id == OrderLine.order_id)
        .where(Order.stay_id == Stay.id, OrderLine.status == LineStatus.BOOKED, OrderLine.total > 0)
        .exists()
    )
    row = db.session.execute(
        select(func.count(Stay.id), func.sum(case((paid_extra, 1), else_=0))).where(
            Stay.hotel_id == hotel.id, Stay.arrival >= period.first, Stay.arrival <= period.last
        )
    ).one()
    return AttachRate(stays=row[0], with_extra=int(row[1] or 0))


@dataclass(frozen=True)
class Nps:
    answers: int
    promoters: int
    detractors: int

    @property
    def score(self) -> int | None:
        if not self.answers:
            return None
        return round(100 * (self.promoters - self.detractors) / self.answers)


def nps(hotel: Hotel, period: Period) -> Nps:
    start, end = period.bounds(hotel)
    row = db.session.execute(
        select(
            func.count(Feedback.id),
            func.sum(case((Feedback.nps >= 9, 1), else_=0)),
            func.sum(case((Feedback.nps <= 6, 1), else_=0)),
        ).where(
            Feedback.hotel_id == hotel.id,
            Feedback.nps.is_not(None),
            Feedback.created_at >= start,
            Feedback.created_at < end,
        )
    ).one()
    return Nps(answers=row[0], promoters=int(row[1] or 0), detractors=int(row[2] or 0))


def _minutes_between(earlier, later):
    """Minutes between two timestamp columns, in the database's own date arithmetic."""
    if db.session.get_bind().dialect.name == "postgresql":
        return func.extract("epoch", later - earlier) / 60
    return (func.julianday(later) - func.julianday(earlier)) * literal_column("1440")


@dataclass(frozen=True)
class SlaFigures:
    kind: RequestKind
    requests: int
    acknowledged: int
    acknowledge_minutes: float | None
    acknowledged_on_time: int
    resolved: int
    resolve_minutes: float | None
    resolved_on_time: int

    @property
    def on_time_share(self) -> float | None:
        return self.resolved_on_time / self.resolved if self.resolved else None


def sla_figures(hotel: Hotel, period: Period) -> list[SlaFigures]:
    start, end = period.bounds(hotel)
    acknowledged = GuestRequest.acknowledged_at.is_not(None)
    resolved = GuestRequest.status == RequestStatus.DONE
    rows = db.session.execute(
        select(
            GuestRequest.kind,
            func.count(GuestRequest.id),
            func.sum(case((acknowledged, 1), else_=0)),
            func.avg(
                case((acknowledged, _minutes_between(GuestRequest.created_at, GuestRequest.acknowledged_at)))
            ),
            func.sum(
                case(
                    (and_(acknowledged, GuestRequest.acknowledged_at <= GuestRequest.ack_due_at), 1), else_=0
                )
            ),
            func.sum(case((resolved, 1), else_=0)),
            func.avg(case((resolved, _minutes_between(GuestRequest.created_at, GuestRequest.resolved_at)))),
            func.sum(
                case((and_(resolved, GuestRequest.resolved_at <= GuestRequest.resolve_due_at), 1), else_=0)
            ),
        )
        .where(
            GuestRequest.hotel_id == hotel.id, GuestRequest.created_at >= start, GuestRequest.created_at < end
        )
        .group_by(GuestRequest.kind)
    ).all()
    return [
        SlaFigures(
            kind=kind,
            requests=total,
            acknowledged=int(acked or 0),
            acknowledge_minutes=round(float(ack_minutes), 1) if ack_minutes is not None else None,
            acknowledged_on_time=int(ack_on_time or 0),
            resolved=int(done or 0),
            resolve_minutes=round(float(done_minutes), 1) if done_minutes is not None else None,
            resolved_on_time=int(done_on_time or 0),
        )
        for kind, total, acked, ack_minutes, ack_on_time, done, done_minutes, done_on_time in rows
    ]


def top_complaints(hotel: Hotel, period: Period, limit: int = 10) -> list[tuple[str, int]]:
    """What complaints and low ratings were about, most often first: a service, or "general"."""
    start, end = period.bounds(hotel)
    rows = db.session.execute(
        select(OrderLine.service_id, func.count(GuestRequest.id))
        .select_from(GuestRequest)
        .outerjoin(OrderLine, OrderLine.id == GuestRequest.order_line_id)
        .where(
            GuestRequest.hotel_id == hotel.id,
            GuestRequest.kind.in_([RequestKind.COMPLAINT, RequestKind.RECOVERY]),
            GuestRequest.created_at >= start,
            GuestRequest.created_at < end,
        )
        .group_by(OrderLine.service_id)
        .order_by(func.count(GuestRequest.id).desc())
        .limit(limit)
    ).all()
    titles = {
        service.id: str(service.title)
        for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
    }
    return [(titles.get(service_id, ""), count) for service_id, count in rows]


@dataclass(frozen=True)
class OfferFigures:
    """Offers shown and what they brought, for one place (``OfferPlace``) or one reason code."""

    key: str
    impressions: int
    bookings: int
    revenue: int

    @property
    def conversion(self) -> float | None:
        return self.bookings / self.impressions if self.impressions else None


@dataclass(frozen=True)
class OfferBreakdown:
    by_place: list[OfferFigures]  # every place, in the order a guest meets them
    by_reason: list[OfferFigures]  # most often shown first


def offer_figures(hotel: Hotel, period: Period) -> OfferBreakdown:
    """Offers shown and attributed sales by place and by reason: one aggregate of each, split here.

    Impressions are counted per (day, place, reason) first, the order of their period
    index, so the database streams them instead of sorting a year of rows.
    """
    per_day = (
        select(OfferImpression.place, OfferImpression.reason, func.count().label("shown"))
        .where(
            OfferImpression.hotel_id == hotel.id,
            OfferImpression.day >= period.first,
            OfferImpression.day <= period.last,
        )
        .group_by(OfferImpression.day, OfferImpression.place, OfferImpression.reason)
        .subquery()
    )
    shown = db.session.execute(
        select(per_day.c.place, per_day.c.reason, func.sum(per_day.c.shown)).group_by(
            per_day.c.place, per_day.c.reason
        )
    ).all()
    sold = db.session.execute(
        select(
            SalesDay.offer_place,
            SalesDay.offer_reason,
            func.sum(SalesDay.bookings),
            func.sum(SalesDay.revenue),
        )
        .where(_sales_in(hotel, period), SalesDay.offer_place != "")
        .group_by(SalesDay.offer_place, SalesDay.offer_reason)
    ).all()
    places: dict[str, list[int]] = {place.value: [0, 0, 0] for place in OfferPlace}
    reasons: dict[str, list[int]] = {}
    for place, reason, count in shown:
        for totals, key in ((places, place), (reasons, reason)):
            totals.setdefault(key, [0, 0, 0])[0] += int(count)
    for place, reason, bookings, revenue in sold:
        for totals, key in ((places, place), (reasons, reason)):
            if key:  # an attributed line always names its place; a missing reason is left out
                figures = totals.setdefault(key, [0, 0, 0])
                figures[1] += int(bookings or 0)
                figures[2] += int(revenue or 0)
    by_reason = sorted(
        (OfferFigures(key, *figures) for key, figures in reasons.items()),
        key=lambda item: (-item.impressions, -item.bookings, item.key),
    )
    return OfferBreakdown([OfferFigures(key, *figures) for key, figures in places.items()], by_reason)


@dataclass(frozen=True)
class UpsellTiming:
    before_arrival: bool
    bookings: int
    revenue: int  # every extra
    attributed_revenue: int  # the part booked from an offer


def upsell_timing(hotel: Hotel, period: Period) -> list[UpsellTiming]:
    """Revenue placed before arrival, then during the stay (both always listed): one aggregate."""
    rows = {
        before: (int(bookings or 0), int(revenue or 0), int(attributed or 0))
        for before, bookings, revenue, attributed in db.session.execute(
            select(
                SalesDay.before_arrival,
                func.sum(SalesDay.bookings),
                func.sum(SalesDay.revenue),
                func.sum(case((SalesDay.offer_place != "", SalesDay.revenue), else_=0)),
            )
            .where(_sales_in(hotel, period))
            .group_by(SalesDay.before_arrival)
        )
    }
    return [UpsellTiming(before, *rows.get(before, (0, 0, 0))) for before in (True, False)]
