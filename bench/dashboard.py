"""Dashboard queries over a large history: 1,000,000 booked lines must still answer in < 500 ms.

Builds a hotel with LINES order lines (default 1,000,000) over the past year in
BENCH_DATABASE_URL (default: a temporary SQLite file), with page views, feedback,
requests, IMPRESSIONS offers shown (default 300,000) and a tenth of the lines booked from
an offer, then times each dashboard figure for the last 30 days and for the whole year
(median of ROUNDS runs), after rebuilding the sales roll-up from the lines (timed too).
Exits non-zero if any takes 500 ms or more. Run: `make bench-dashboard`.
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from datetime import timedelta

from sqlalchemy import insert, select

from app import clock
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
    OrderStatus,
    RequestKind,
    RequestStatus,
    ServiceViewDay,
    Stay,
)
from app.services import analytics, sales_days
from tests import database, factories

LINES = int(os.environ.get("LINES", "1000000"))
IMPRESSIONS = int(os.environ.get("IMPRESSIONS", "300000"))
ATTRIBUTED = 0.1  # share of lines booked from an offer
REASONS = ("children", "often_with", "few_left", "pinned", "bundle", "long_stay", "popular")
OFFERS = [(place.value, reason) for place in OfferPlace for reason in REASONS]
ROUNDS = int(os.environ.get("ROUNDS", "5"))
LIMIT_MS = 500
BATCH = 5000


def _batched(table, rows):
    for start in range(0, len(rows), BATCH):
        db.session.execute(insert(table), rows[start : start + BATCH])


def build_history(world) -> None:
    rng = random.Random(7)
    now = clock.now()
    hotel_id = world.hotel_id
    service_ids = list(world.services.values())
    stays_needed = LINES // 20
    stay_rows = []
    for number in range(stays_needed):
        arrival = (now - timedelta(days=rng.randrange(365))).date()
        stay_rows.append(
            {
                "hotel_id": hotel_id,
                "room": str(100 + number % 300),
                "surname": "Guest",
                "surname_key": "guest",
                "first_name": "",
                "email": "",
                "locale": "en",
                "arrival": arrival,
                "departure": arrival + timedelta(days=rng.randint(1, 7)),
                "adults": 2,
                "children_ages": [],
                "tier": "standard",
                "access_token": f"bench-{number}",
                "booking_reference": f"BENCH-{number}",
                "created_at": now,
            }
        )
    _batched(Stay.__table__, stay_rows)
    first_stay = db.session.scalar(select(Stay.id).where(Stay.access_token == "bench-0"))
    order_rows, line_rows = [], []
    orders = LINES // 5
    for number in range(orders):
        placed = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        order_rows.append(
            {
                "hotel_id": hotel_id,
                "stay_id": first_stay + rng.randrange(stays_needed),
                "reference": f"B{number}",
                "status": OrderStatus.CONFIRMED.value,
                "payment_method": "room",
                "currency": "EUR",
                "total": 0,
                "placed_at": placed,
                "created_at": placed,
            }
        )
    _batched(Order.__table__, order_rows)
    first_order = db.session.scalar(select(Order.id).where(Order.reference == "B0"))
    placed = {row["reference"]: row["placed_at"] for row in order_rows}
    for number in range(LINES):
        total = rng.choice((1500, 4000, 6000, 12000))
        cancelled = rng.random() < 0.05
        offer = rng.choice(OFFERS) if rng.random() < ATTRIBUTED else (None, None)
        line_rows.append(
            {
                "hotel_id": hotel_id,
                "order_id": first_order + number // 5,
                "placed_at": placed[f"B{number // 5}"],
                "service_id": rng.choice(service_ids),
                "status": (LineStatus.CANCELLED if cancelled else LineStatus.BOOKED).value,
                "starts_at": now,
                "ends_at": now,
                "adults": 1,
                "children_ages": [],
                "quantity": 1,
                "currency": "EUR",
                "subtotal": total,
                "discount": 0,
                "total": total,
                "breakdown": [],
                "cancellation_fee": 500 if cancelled else 0,
                "offer_place": offer[0],
                "offer_reason": offer[1],
                "created_at": now,
            }
        )
        if len(line_rows) == BATCH:
            _batched(OrderLine.__table__, line_rows)
            line_rows = []
    _batched(OrderLine.__table__, line_rows)
    today = now.date()
    _batched(
        ServiceViewDay.__table__,
        [
            {
                "service_id": service,
                "day": today - timedelta(days=day),
                "hotel_id": hotel_id,
                "views": rng.randint(50, 500),
            }
            for service in service_ids
            for day in range(365)
        ],
    )
    impressions = _impressions(rng, hotel_id, first_stay, stays_needed, service_ids, now)
    _batched(OfferImpression.__table__, impressions)
    _batched(
        Feedback.__table__,
        [
            {
                "hotel_id": hotel_id,
                "stay_id": first_stay + number,
                "service_id": rng.choice(service_ids),
                "rating": rng.randint(1, 5),
                "comment": "",
                "reply": "",
                "created_at": now - timedelta(days=rng.randrange(365)),
            }
            for number in range(min(stays_needed, 40000))
        ],
    )
    request_rows = []
    for number in range(min(stays_needed, 40000)):
        created = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        request_rows.append(
            {
                "hotel_id": hotel_id,
                "stay_id": first_stay + number,
                "kind": rng.choice(list(RequestKind)).value,
                "status": RequestStatus.DONE.value,
                "item": "",
                "quantity": 1,
                "details": "",
                "guest_message": "",
                "priority": 100,
                "ack_due_at": created + timedelta(minutes=10),
                "resolve_due_at": created + timedelta(minutes=60),
                "acknowledged_at": created + timedelta(minutes=rng.randint(1, 20)),
                "resolved_at": created + timedelta(minutes=rng.randint(10, 120)),
                "created_at": created,
                "updated_at": created,
            }
        )
    _batched(GuestRequest.__table__, request_rows)
    db.session.commit()
    # What autovacuum (PostgreSQL) or a periodic ANALYZE (SQLite) does on a live database:
    # fresh statistics, and on PostgreSQL a visibility map so index-only scans stay index-only.
    engine = db.engine
    if engine.dialect.name == "postgresql":
        with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.exec_driver_sql("VACUUM ANALYZE")
    else:
        with engine.begin() as connection:
            connection.exec_driver_sql("ANALYZE")


def _impressions(rng, hotel_id, first_stay, stays, service_ids, now) -> list[dict]:
    """IMPRESSIONS offers shown over the year, each (stay, service, place) once, as the unique key wants."""
    pairs = [(service, place.value) for service in service_ids for place in OfferPlace]
    rows = []
    for number in range(IMPRESSIONS):
        stay, round_ = number % stays, number // stays
        service, place = pairs[(round_ * 7 + stay) % len(pairs)]  # distinct for a stay's first rounds
        shown = now - timedelta(minutes=rng.randrange(365 * 24 * 60))
        rows.append(
            {
                "hotel_id": hotel_id,
                "stay_id": first_stay + stay,
                "service_id": service,
                "place": place,
                "reason": rng.choice(REASONS),
                "day": shown.date(),
                "first_shown_at": shown,
                "last_shown_at": shown,
                "times": 1,
            }
        )
    return rows


def timed(function, *args) -> float:
    runs = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        function(*args)
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs)


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/dashboard.sqlite3"
    app = database.fresh_app(url)
    with app.test_request_context():
        world = factories.build_world(slot_days=1)
        started = time.perf_counter()
        build_history(world)
        print(f"{url.split(':', 1)[0]}: built {LINES:,} order lines in {time.perf_counter() - started:.0f} s")
        hotel = db.session.get(Hotel, world.hotel_id)
        # The history went in without the ORM, so the sales roll-up is rebuilt from it, as after an upgrade.
        started = time.perf_counter()
        rows = sales_days.rebuild(hotel)
        print(f"  sales roll-up rebuilt: {rows:,} rows in {time.perf_counter() - started:.1f} s")
        hotel = db.session.get(Hotel, world.hotel_id)
        today = clock.now().astimezone(hotel.tz).date()
        worst = 0.0
        for label, period in (
            ("last 30 days", analytics.Period(today - timedelta(days=29), today)),
            ("whole year", analytics.Period(today - timedelta(days=364), today)),
        ):
            figures = analytics.service_figures(hotel, period)
            timings = {
                "revenue, bookings, views, ratings per service": timed(
                    analytics.service_figures, hotel, period
                ),
                "revenue by package": timed(analytics.package_revenue, hotel, figures),
                "attach rate": timed(analytics.attach_rate, hotel, period),
                "NPS": timed(analytics.nps, hotel, period),
                "response times": timed(analytics.sla_figures, hotel, period),
                "top complaints": timed(analytics.top_complaints, hotel, period),
                "offers by place shown and by reason": timed(analytics.offer_figures, hotel, period),
                "upsell before arrival and during the stay": timed(analytics.upsell_timing, hotel, period),
            }
            print(f"  {label}:")
            for name, milliseconds in timings.items():
                print(f"    {name:<48} {milliseconds:7.1f} ms")
            total = sum(timings.values())
            print(f"    {'whole dashboard':<48} {total:7.1f} ms")
            worst = max(worst, total)
    return 0 if worst < LIMIT_MS else 1


if __name__ == "__main__":
    sys.exit(main())
