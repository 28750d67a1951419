"""The group dashboard over a hundred hotels and 10,000,000 order lines must answer in < 500 ms.

Builds a group of HOTELS hotels (default 100; five currencies and time zones in turn: EUR,
VND, MYR, GEL, USD) with LINES order lines (default 10,000,000) over the past year in
BENCH_DATABASE_URL (PostgreSQL: the load is bulk SQL, ``INSERT … SELECT generate_series``),
with stays, desk refunds, ratings, recommendation scores, requests, offers shown and page
views, then fills the roll-ups in bulk SQL that says what ``flask lobby rebuild-sales-days``
does, checks two hotels' roll-ups against the real code (``sales_days.rebuild``), and
times the group dashboard for the last 30 days and the whole year and one hotel's own
dashboard (the figures of ``bench/dashboard.py``), median of ROUNDS each. Exits non-zero if
the group dashboard (year) takes 500 ms or more, or anything failed.

``--reuse`` keeps the data a previous run built (it takes minutes; the machine is shared):
`make bench-group BENCH_ARGS=--reuse`.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select, text

from app import clock, create_app
from app.extensions import db
from app.models import (
    ArrivalDay,
    ExchangeRate,
    Hotel,
    HotelGroup,
    HotelSalesDay,
    OrderLine,
    PoolMode,
    SalesDay,
    StayPaidLines,
)
from app.services import analytics, group_figures, sales_days
from config import TestConfig
from tests import database, factories

HOTELS = int(os.environ.get("HOTELS", "100"))
LINES = int(os.environ.get("LINES", "10000000"))
SERVICES = 10  # per hotel
ROUNDS = int(os.environ.get("ROUNDS", "7"))
LIMIT_MS = 500
GROUP = "bench-group"
# (currency, time zone, minor units per euro cent, roughly: a 15.00 EUR ride is 405,000 VND)
PLACES = [
    ("EUR", "Europe/Vienna", 1),
    ("VND", "Asia/Ho_Chi_Minh", 270),
    ("MYR", "Asia/Kuala_Lumpur", 5),
    ("GEL", "Asia/Tbilisi", 3),
    ("USD", "America/New_York", 1),
]
RATES = {"VND": "0.0000365", "MYR": "0.1995", "GEL": "0.3431", "USD": "0.9238"}
REASONS = "ARRAY['children','often_with','few_left','pinned','bundle','long_stay','popular']"
PLACES_SHOWN = "ARRAY['home','after_booking','email','desk']"


def _sql(statement: str, **values) -> None:
    db.session.execute(text(statement), values)


def build(url: str) -> None:
    """Every table dropped and migrated, then the group's year of history in bulk SQL."""
    started = time.perf_counter()
    group = HotelGroup(slug=GROUP, name="Bench Hotels", reporting_currency="EUR")
    db.session.add(group)
    db.session.flush()
    for number in range(HOTELS):
        currency, zone, _factor = PLACES[number % len(PLACES)]
        hotel = factories.make_hotel(
            f"bench-{number:03d}", name={"en": f"Bench hotel {number:03d}"}, currency=currency, timezone=zone
        )
        hotel.group_id = group.id
        pool = factories.make_pool(hotel, "things", capacity=50, mode=PoolMode.DAILY)
        for service in range(SERVICES):
            factories.make_service(hotel, pool, f"service_{service}", price_adult=1500)
    for currency, rate in RATES.items():
        db.session.add(ExchangeRate(group_id=group.id, currency=currency, rate_text=rate))
    db.session.commit()
    first_hotel = db.session.scalar(select(func.min(Hotel.id)).where(Hotel.group_id == group.id))
    # The load below picks a hotel's services as first_service + 10 × its place + 0…9: check that holds.
    rows = db.session.execute(
        text("SELECT hotel_id, min(id), max(id) FROM service GROUP BY hotel_id ORDER BY hotel_id")
    ).all()
    first_service = rows[0][1]
    assert all(low == first_service + SERVICES * (hotel - first_hotel) for hotel, low, _high in rows)
    assert all(high - low == SERVICES - 1 for _hotel, low, high in rows)

    now = clock.now()
    stays, orders = LINES // 20, LINES // 5
    _sql("SELECT setseed(0.42)")
    # A hotel's currency factor and time zone by its place in the group (hotel_id - first_hotel).
    factor = "(CASE (h % 5) WHEN 1 THEN 270 WHEN 2 THEN 5 WHEN 3 THEN 3 ELSE 1 END)"
    currency = "(CASE (h % 5) WHEN 0 THEN 'EUR' WHEN 1 THEN 'VND' WHEN 2 THEN 'MYR' WHEN 3 THEN 'GEL' "
    currency += "ELSE 'USD' END)"
    values = {"now": now, "first_hotel": first_hotel, "hotels": HOTELS}
    # Stays: the i-th belongs to hotel i % HOTELS, arriving some day of the past year.
    _sql(
        f"""INSERT INTO stay (hotel_id, room, surname, surname_key, first_name, email, locale, arrival,
            departure, adults, children_ages, tier, access_token, booking_reference, created_at)
        SELECT :first_hotel + h, (100 + i % 300)::text, 'Guest', 'guest', '', '', 'en', a, a + 1 + (i % 7),
            2, '[]', 'standard', 'bench-' || i, 'BENCH-' || i, :now
        FROM (SELECT i, i % :hotels AS h, (CAST(:now AS timestamptz)::date - (random() * 364)::int) AS a
              FROM generate_series(0, {stays - 1}) AS i) AS s""",
        **values,
    )
    first_stay = db.session.scalar(text("SELECT min(id) FROM stay"))
    per_hotel = stays // HOTELS
    print(f"  {stays:,} stays in {time.perf_counter() - started:.0f} s", flush=True)
    # Orders: the j-th of hotel j % HOTELS, for one of its stays, placed some minute of the year.
    _sql(
        f"""INSERT INTO guest_order (hotel_id, stay_id, reference, status, payment_method, currency, total,
            placed_at, created_at)
        SELECT :first_hotel + h, :first_stay + h + :hotels * (random() * {per_hotel - 1})::int, 'B' || j,
            'confirmed', 'room', {currency}, 0, p, p
        FROM (SELECT j, j % :hotels AS h, CAST(:now AS timestamptz) - random() * interval '365 days' AS p
              FROM generate_series(0, {orders - 1}) AS j) AS o""",
        first_stay=first_stay,
        **values,
    )
    print(f"  {orders:,} orders in {time.perf_counter() - started:.0f} s", flush=True)
    first_order, last_order = db.session.execute(text("SELECT min(id), max(id) FROM guest_order")).one()
    step = (last_order - first_order + 1 + 9) // 10
    for low in range(first_order, last_order + 1, step):
        # Five lines per order, a tenth from an offer, one in twenty cancelled with a fee kept.
        _sql(
            f"""INSERT INTO order_line (hotel_id, order_id, service_id, status, starts_at, ends_at, adults,
                children_ages, quantity, currency, subtotal, discount, total, breakdown, cancellation_fee,
                placed_at, cancelled_at, offer_place, offer_reason, created_at)
            SELECT o.hotel_id, o.id, :first_service + 10 * h + (random() * 9)::int,
                CASE WHEN c THEN 'cancelled' ELSE 'booked' END, o.placed_at, o.placed_at, 1, '[]', 1,
                o.currency, t, 0, t, '[]', CASE WHEN c THEN 500 * {factor} ELSE 0 END, o.placed_at,
                CASE WHEN c THEN o.placed_at + interval '1 hour' END,
                CASE WHEN r < 0.1 THEN ({PLACES_SHOWN})[1 + (r * 40)::int % 4] END,
                CASE WHEN r < 0.1 THEN ({REASONS})[1 + (r * 70)::int % 7] END, o.placed_at
            FROM (SELECT o.*, o.hotel_id - :first_hotel AS h, random() < 0.05 AS c, random() AS r,
                         (ARRAY[1500, 4000, 6000, 12000])[1 + (random() * 3)::int]
                           * (CASE ((o.hotel_id - :first_hotel) % 5) WHEN 1 THEN 270 WHEN 2 THEN 5
                              WHEN 3 THEN 3 ELSE 1 END) AS t
                  FROM guest_order o CROSS JOIN generate_series(1, 5) AS n
                  WHERE o.id >= :low AND o.id < :high) AS o""",
            first_service=first_service,
            low=low,
            high=low + step,
            **values,
        )
        db.session.commit()
        print(
            f"  lines to order {min(low + step, last_order + 1):,}: {time.perf_counter() - started:.0f} s",
            flush=True,
        )
    # Desk refunds of part of one order in 101 (so every hotel has some), on a room payment, days after it.
    _sql(
        """INSERT INTO payment (hotel_id, order_id, provider, status, amount, currency, idempotency_key,
            refunded_late, updated_at, created_at)
        SELECT hotel_id, id, 'room', 'succeeded', 10000, currency, 'bench-' || id, false, placed_at, placed_at
        FROM guest_order WHERE id % 101 = 0"""
    )
    _sql(
        """INSERT INTO refund (hotel_id, payment_id, amount, currency, status, reason, updated_at, created_at)
        SELECT hotel_id, id, 1000, currency, 'succeeded', 'Started late', created_at,
            least(created_at + interval '3 days', CAST(:now AS timestamptz))
        FROM payment""",
        now=now,
    )
    # Ratings and recommendation scores, and requests answered in 10 to 120 minutes (due in 60).
    _sql(
        """INSERT INTO feedback (hotel_id, stay_id, service_id, rating, nps, comment, reply, created_at)
        SELECT s.hotel_id, s.id, :first_service + 10 * (s.hotel_id - :first_hotel) + (random() * 9)::int,
            CASE WHEN s.id % 2 = 0 THEN 1 + (random() * 4)::int END,
            CASE WHEN s.id % 2 = 1 THEN (random() * 10)::int END, '', '',
            CAST(:now AS timestamptz) - random() * interval '365 days'
        FROM stay s WHERE s.id % 2 = 0 OR s.id % 5 = 1""",
        first_service=first_service,
        **values,
    )
    _sql(
        """INSERT INTO guest_request (hotel_id, stay_id, kind, status, item, quantity, details, guest_message,
            priority, ack_due_at, resolve_due_at, acknowledged_at, resolved_at, created_at, updated_at)
        SELECT hotel_id, id, (ARRAY['amenity','help','complaint','recovery'])[1 + id % 4], 'done', '', 1,
            '', '', 100, c + interval '10 minutes', c + interval '60 minutes',
            c + (1 + random() * 19) * interval '1 minute',
            c + (10 + random() * 110) * interval '1 minute', c, c
        FROM (SELECT id, hotel_id, CAST(:now AS timestamptz) - random() * interval '365 days' AS c
              FROM stay WHERE id % 5 < 2) AS s""",
        now=now,
    )
    # Offers shown (each stay, one service, one place) and page views per service and day.
    _sql(
        f"""INSERT INTO offer_impression (hotel_id, stay_id, service_id, place, reason, day, first_shown_at,
            last_shown_at, times)
        SELECT hotel_id, id, :first_service + 10 * (hotel_id - :first_hotel) + id % 10,
            ({PLACES_SHOWN})[1 + id % 4], ({REASONS})[1 + id % 7], w::date, w, w, 1
        FROM (SELECT id, hotel_id, CAST(:now AS timestamptz) - random() * interval '365 days' AS w
              FROM stay) AS s""",
        first_service=first_service,
        **values,
    )
    _sql(
        """INSERT INTO service_view_day (service_id, day, hotel_id, views)
        SELECT s.id, CAST(:now AS timestamptz)::date - d, s.hotel_id, 50 + (random() * 450)::int
        FROM service s CROSS JOIN generate_series(0, 364) AS d""",
        now=now,
    )
    db.session.commit()
    print(f"  the rest of the history in {time.perf_counter() - started:.0f} s", flush=True)
    fill_roll_ups()
    print(f"  roll-ups filled in {time.perf_counter() - started:.0f} s", flush=True)
    with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
        connection.exec_driver_sql("VACUUM ANALYZE")
    print(f"built in {time.perf_counter() - started:.0f} s", flush=True)


def fill_roll_ups() -> None:
    """``sales_days.rebuild`` for every hotel at once, in SQL: a line's key is its hotel-local day of
    placing, service, offer place and reason, and whether that day is before its stay's arrival;
    booked lines count one booking and their total, cancelled ones their fee kept."""
    _sql("DELETE FROM sales_day")
    _sql(
        """INSERT INTO sales_day (hotel_id, service_id, day, offer_place, offer_reason, before_arrival,
            bookings, revenue)
        SELECT l.hotel_id, l.service_id, (l.placed_at AT TIME ZONE h.timezone)::date AS day,
            coalesce(l.offer_place, ''), coalesce(l.offer_reason, ''),
            (l.placed_at AT TIME ZONE h.timezone)::date < s.arrival,
            sum(CASE WHEN l.status = 'booked' THEN 1 ELSE 0 END),
            sum(CASE WHEN l.status = 'booked' THEN l.total ELSE l.cancellation_fee END)
        FROM order_line l JOIN hotel h ON h.id = l.hotel_id
        JOIN guest_order o ON o.id = l.order_id JOIN stay s ON s.id = o.stay_id
        WHERE l.placed_at IS NOT NULL AND l.status IN ('booked', 'cancelled')
        GROUP BY 1, 2, 3, 4, 5, 6"""
    )
    _sql("DELETE FROM hotel_sales_day")
    _sql(
        """INSERT INTO hotel_sales_day (hotel_id, day, bookings, revenue)
        SELECT hotel_id, day, sum(bookings), sum(revenue) FROM sales_day GROUP BY hotel_id, day"""
    )
    hotel_ids = list(db.session.scalars(select(Hotel.id)))
    sales_days.rebuild_arrivals(db.session, hotel_ids)
    db.session.commit()


def _rows(model, hotel_id: int) -> set[tuple]:
    columns = [column for column in model.__table__.columns]
    return set(db.session.execute(select(*columns).where(model.hotel_id == hotel_id)).all())


def check_sample(hotels: list[Hotel]) -> int:
    """The bulk roll-ups of a few hotels against what the real rebuild writes; returns the mismatches."""
    wrong = 0
    for hotel in hotels:
        bulk = {
            model: _rows(model, hotel.id) for model in (SalesDay, HotelSalesDay, ArrivalDay, StayPaidLines)
        }
        started = time.perf_counter()
        sales_days.rebuild(db.session.get(Hotel, hotel.id))
        took = time.perf_counter() - started
        for model, rows in bulk.items():
            real = _rows(model, hotel.id)
            if real != rows:
                wrong += 1
                print(f"  {hotel.slug}: {model.__tablename__} differs: {len(rows ^ real)} rows")
        print(f"  {hotel.slug}: roll-ups equal to sales_days.rebuild's ({took:.1f} s for its lines)")
    return wrong


def timed(function, *args) -> tuple[float, int]:
    """Median milliseconds of ROUNDS runs, and how many raised."""
    runs, errors = [], 0
    for _ in range(ROUNDS):
        start = time.perf_counter()
        try:
            function(*args)
        except Exception as error:  # counted and shown: a benchmark reports, it does not stop
            errors += 1
            print(f"    error: {error!r}")
            db.session.rollback()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), errors


def hotel_dashboard(hotel: Hotel, period: analytics.Period) -> dict[str, tuple[float, int]]:
    """The figures bench/dashboard.py times, for one hotel of the group."""
    figures = analytics.service_figures(hotel, period)
    return {
        "revenue, bookings, views, ratings per service": timed(analytics.service_figures, hotel, period),
        "revenue by package": timed(analytics.package_revenue, hotel, figures),
        "revenue total and change": timed(analytics.revenue_total, hotel, period),
        "attach rate": timed(analytics.attach_rate, hotel, period),
        "NPS": timed(analytics.nps, hotel, period),
        "response times": timed(analytics.sla_figures, hotel, period),
        "top complaints": timed(analytics.top_complaints, hotel, period),
        "offers by place shown and by reason": timed(analytics.offer_figures, hotel, period),
        "upsell before arrival and during the stay": timed(analytics.upsell_timing, hotel, period),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reuse", action="store_true", help="time the data a previous run built")
    arguments = parser.parse_args()
    url = os.environ.get("BENCH_DATABASE_URL", "")
    if not url.startswith("postgresql"):
        print(
            "BENCH_DATABASE_URL must name a PostgreSQL database of your own (every table there is dropped)."
        )
        return 2
    # Reused, the database is only opened; built afresh, every table there is dropped first.
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url) if arguments.reuse else database.fresh_app(url)
    errors = 0
    with app.test_request_context():
        if not arguments.reuse:
            build(url)
        group = db.session.scalar(select(HotelGroup).where(HotelGroup.slug == GROUP))
        if group is None:
            print("No bench group in this database: run without --reuse first.")
            return 2
        hotels = group_figures.group_hotels(group)
        lines = db.session.scalar(select(func.count(OrderLine.id)))
        print(f"postgresql: {len(hotels)} hotels, {lines:,} order lines")
        errors += check_sample([hotels[0], hotels[1]])
        today = hotels[0].today()
        worst = 0.0
        for label, period in (
            ("last 30 days", analytics.Period(today - timedelta(days=29), today)),
            ("whole year", analytics.Period(today - timedelta(days=364), today)),
        ):
            milliseconds, failed = timed(group_figures.group_figures, group, period)
            errors += failed
            found = group_figures.group_figures(group, period)
            print(
                f"  group dashboard, {label}: {milliseconds:7.1f} ms "
                f"({len(found.hotels)} hotels, {found.converted_revenue / 100:,.2f} EUR)"
            )
            if label == "whole year":
                worst = milliseconds
        for label, period in (
            ("last 30 days", analytics.Period(today - timedelta(days=29), today)),
            ("whole year", analytics.Period(today - timedelta(days=364), today)),
        ):
            timings = hotel_dashboard(hotels[0], period)
            print(f"  one hotel's dashboard ({hotels[0].slug}), {label}:")
            for name, (milliseconds, failed) in timings.items():
                errors += failed
                print(f"    {name:<48} {milliseconds:7.1f} ms")
            print(f"    {'whole dashboard':<48} {sum(ms for ms, _ in timings.values()):7.1f} ms")
    print(f"errors: {errors}")
    return 0 if worst < LIMIT_MS and errors == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
