"""Do the offers guess what a guest books next better than "the most popular extras"?

Builds the demo hotel's catalog in BENCH_DATABASE_URL (default: a temporary SQLite
file) and a synthetic season, seeded: HISTORY stays over the past 150 days and
EVALUATED stays arriving in the next three weeks, with believable parties (babies,
children, teenagers, couples, groups of friends), lengths of stay and booking habits
(what each kind of party likes, what is booked together, rentals on long stays; only
what someone in the party may join, and never a second crib). The history goes in
as booked orders; then, for each evaluated stay, before each of its bookings, the
bench asks for the top 6 offers and checks whether the service the guest booked next
was among them, and does the same for a baseline: the 6 most-booked services of the
history that the stay has not booked yet. Then the booking is made and the next one
is asked for. Run: `make bench-offers`; `WEIGHTS="history=120,together=60"` ranks
with those of ``recommendations.WEIGHTS`` changed, to compare.

The guests' habits live here, not in the ranking: the ranking only sees the party,
the stay, the bookings and the catalog, like in production.
"""

from __future__ import annotations

import dataclasses
import os
import random
import statistics
import sys
import tempfile
import time as timer
from collections import Counter
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy import insert, select, update

from app import clock
from app.extensions import db
from app.models import Hotel, LineStatus, Order, OrderLine, OrderStatus, PaymentMethod, Service, Slot, Stay
from app.models.ages import ADULT_AGE, PARTY_BABY_UNDER, PARTY_CHILD_UNDER
from app.seed.demo import seed_demo
from app.services import guest_access, recommendations
from tests import database

HISTORY = int(os.environ.get("HISTORY", "5000"))
EVALUATED = int(os.environ.get("EVALUATED", "1000"))
SEED = int(os.environ.get("SEED", "7"))
TOP = recommendations.OFFERS_SHOWN

# What each kind of party likes (relative weights), by service code.
LIKES = {
    "baby": {
        "crib": 9, "stroller": 7, "kids_pool": 3, "playground": 2, "babysitting": 4, "kids_menu": 3,
        "contact_zoo": 4, "mini_farm": 3, "boat_trip": 2, "airport_transfer": 2, "sauna": 1,
    },
    "kids": {
        "kids_club": 7, "kids_party": 3, "kids_pool": 4, "playground": 3, "pony_ride": 6, "contact_zoo": 5,
        "mini_farm": 5, "fishing": 3, "boat_trip": 3, "kids_menu": 3, "babysitting": 2, "group_excursion": 2,
        "airport_transfer": 2, "horse_riding": 2, "kids_gear": 2,
    },
    "teens": {
        "horse_riding": 5, "paintball": 6, "fishing": 3, "boat_trip": 3, "disco": 3, "scooter_rental": 3,
        "group_excursion": 3, "private_excursion": 1, "sauna": 1, "airport_transfer": 2,
    },
    "couple": {
        "sauna": 7, "boat_trip": 5, "horse_riding": 4, "private_excursion": 4, "gong_show": 3, "disco": 2,
        "car_rental": 3, "scooter_rental": 3, "fishing": 2, "airport_transfer": 3, "group_excursion": 2,
    },
    "friends": {
        "paintball": 7, "disco": 5, "fishing": 4, "sauna": 4, "boat_trip": 3, "group_excursion": 3,
        "car_rental": 2, "airport_transfer": 3, "horse_riding": 3,
    },
}  # fmt: skip
# Booked one, then more likely to book the other.
TOGETHER = {
    ("horse_riding", "pony_ride"): 8, ("pony_ride", "horse_riding"): 4, ("fishing", "boat_trip"): 7,
    ("boat_trip", "fishing"): 5, ("sauna", "boat_trip"): 4, ("car_rental", "private_excursion"): 6,
    ("kids_club", "kids_menu"): 6, ("crib", "stroller"): 8, ("stroller", "crib"): 6,
    ("contact_zoo", "mini_farm"): 8, ("mini_farm", "contact_zoo"): 8, ("disco", "gong_show"): 4,
    ("paintball", "disco"): 5, ("private_excursion", "gong_show"): 3, ("kids_club", "kids_party"): 4,
}  # fmt: skip
LONG_STAY = {"car_rental": 4, "scooter_rental": 3, "private_excursion": 3, "group_excursion": 2}


def tuned_weights(spec: str) -> recommendations.Weights:
    """The ranking's weights with those named in ``spec`` ("history=120,together=60") changed."""
    changes = dict(item.split("=", 1) for item in spec.replace(" ", "").split(",") if item)
    return dataclasses.replace(
        recommendations.WEIGHTS, **{name: float(value) for name, value in changes.items()}
    )


def segment(stay: Stay) -> str:
    if stay.children_ages:
        youngest = min(stay.children_ages)
        return "baby" if youngest < PARTY_BABY_UNDER else "kids" if youngest < PARTY_CHILD_UNDER else "teens"
    return "couple" if stay.adults <= 2 else "friends"


def random_party(rng: random.Random) -> dict:
    kind = rng.choices(["baby", "kids", "teens", "couple", "friends"], weights=[12, 30, 10, 33, 15])[0]
    if kind == "baby":
        return {
            "adults": 2,
            "children_ages": sorted([rng.randint(0, 2)] + [rng.randint(3, 10)] * rng.randint(0, 1)),
        }
    if kind == "kids":
        return {
            "adults": rng.choice([1, 2, 2, 2]),
            "children_ages": sorted(rng.randint(3, 11) for _ in range(rng.randint(1, 3))),
        }
    if kind == "teens":
        return {"adults": 2, "children_ages": sorted(rng.randint(12, 17) for _ in range(rng.randint(1, 2)))}
    if kind == "couple":
        return {"adults": 2, "children_ages": []}
    return {"adults": rng.randint(3, 6), "children_ages": []}  # fmt: skip


def may_join(service: Service, stay: Stay) -> bool:
    adults_ok = service.max_age is None or service.max_age >= ADULT_AGE
    return (adults_ok and stay.adults > 0) or any(service.accepts_age(age) for age in stay.children_ages)


def next_choice(rng, stay, services, booked: list[str], allowed: set[str]) -> str | None:
    """What this guest books next, from their habits; None when they book nothing more."""
    likes = LIKES[segment(stay)]
    weights = {}
    for code, service in services.items():
        if code not in allowed or not may_join(service, stay):
            continue
        if code in booked and (service.kind.by_day or rng.random() < 0.9):
            continue
        weight = likes.get(code, 0.3)
        weight += sum(TOGETHER.get((before, code), 0) for before in booked)
        if stay.nights >= 4:
            weight += LONG_STAY.get(code, 0)
        weights[code] = weight
    if not weights:
        return None
    codes = list(weights)
    return rng.choices(codes, weights=[weights[code] for code in codes])[0]


def how_many(rng: random.Random) -> int:
    return min(1 + int(rng.expovariate(0.6)), 5)


def new_stay(hotel, rng, number: int, arrival: date) -> Stay:
    party = random_party(rng)
    return guest_access.create_stay(
        hotel,
        room=str(100 + number % 300),
        surname=f"Guest{number}",
        arrival=arrival,
        departure=arrival + timedelta(days=rng.choice([2, 3, 3, 4, 5, 7])),
        **party,
    )


def book_rows(hotel: Hotel, stay: Stay, service: Service, placed: datetime, reference: str):
    order = {
        "hotel_id": hotel.id,
        "stay_id": stay.id,
        "reference": reference,
        "status": OrderStatus.CONFIRMED,
        "payment_method": PaymentMethod.ROOM,
        "currency": hotel.currency,
        "total": service.price_adult or service.price_unit,
        "placed_at": placed,
    }
    order_id = db.session.execute(insert(Order).returning(Order.id), [order]).scalar_one()
    line = {
        "hotel_id": hotel.id,
        "order_id": order_id,
        "service_id": service.id,
        "status": LineStatus.BOOKED,
        "starts_at": placed,
        "ends_at": placed + timedelta(hours=1),
        "adults": stay.adults,
        "currency": hotel.currency,
        "total": order["total"],
        "placed_at": placed,
    }
    db.session.execute(insert(OrderLine), [line])


def build_history(hotel, rng, services) -> None:
    today = hotel.today()
    everything = set(services)
    for number in range(HISTORY):
        stay = new_stay(hotel, rng, number, today - timedelta(days=rng.randint(10, 150)))
        booked: list[str] = []
        for step in range(how_many(rng)):
            code = next_choice(rng, stay, services, booked, everything)
            if code is None:
                break
            placed = datetime.combine(stay.arrival, time(9), tzinfo=UTC) + timedelta(hours=step)
            book_rows(hotel, stay, services[code], placed, f"H{number}-{step}")
            booked.append(code)
    db.session.commit()


def evaluate(hotel, rng, services) -> dict:
    popular = [
        code
        for code, _count in Counter(
            db.session.scalars(select(Service.code).join(OrderLine, OrderLine.service_id == Service.id))
        ).most_common()
    ]
    by_id = {service.id: code for code, service in services.items()}
    hits = Counter()
    ranking_seconds: list[float] = []
    started = timer.perf_counter()
    today = hotel.today()
    real_now = clock.now
    try:
        for number in range(EVALUATED):
            stay = new_stay(hotel, rng, HISTORY + number, today + timedelta(days=1 + rng.randint(0, 20)))
            db.session.commit()
            booked: list[str] = []
            for step in range(how_many(rng)):
                moment = datetime.combine(stay.arrival, time(8), tzinfo=hotel.tz) + timedelta(hours=step)
                clock.now = lambda moment=moment: moment.astimezone(UTC)
                open_now = recommendations.openings_during_stay(
                    stay, list(services.values()), hotel, clock.now()
                )
                allowed = {by_id[service_id] for service_id in open_now}
                code = next_choice(rng, stay, services, booked, allowed)
                if code is None:
                    break
                asked_at = timer.perf_counter()
                offers = recommendations.offers_for_stay(stay, clock.now())
                ranking_seconds.append(timer.perf_counter() - asked_at)
                baseline = [name for name in popular if name not in booked][:TOP]
                kind = "first" if step == 0 else "next"
                hits[f"{kind} asked"] += 1
                hits[f"{kind} ranking"] += code in {offer.service.code for offer in offers}
                hits[f"{kind} baseline"] += code in baseline
                book_rows(hotel, stay, services[code], clock.now(), f"E{number}-{step}")
                db.session.commit()
                booked.append(code)
    finally:
        clock.now = real_now
    hits["seconds"] = timer.perf_counter() - started
    hits["median ms"] = 1000 * statistics.median(ranking_seconds)
    hits["p95 ms"] = 1000 * statistics.quantiles(ranking_seconds, n=20)[-1]
    return hits


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/offers.sqlite3"
    app = database.fresh_app(url, RECOMMENDATION_REFRESH_SECONDS=3600)
    rng = random.Random(SEED)
    recommendations.WEIGHTS = tuned_weights(os.environ.get("WEIGHTS", ""))
    with app.test_request_context():
        hotel, _stays = seed_demo()
        db.session.execute(update(Slot).values(capacity=10_000))  # habits decide here, not sold-out slots
        db.session.commit()
        services = {
            service.code: service
            for service in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
        }
        started = timer.perf_counter()
        build_history(hotel, rng, services)
        print(f"{url.split(':', 1)[0]}: {HISTORY:,} past stays in {timer.perf_counter() - started:.0f} s")
        hits = evaluate(hotel, rng, services)
    asked = hits["first asked"] + hits["next asked"]
    print(f"evaluated {EVALUATED:,} arriving stays, {asked:,} bookings, {hits['seconds']:.0f} s")
    if recommendations.Weights() != recommendations.WEIGHTS:
        print(f"with {recommendations.WEIGHTS}")
    print(f"how often the service booked next was in the top {TOP}:")
    rows = [("first booking", "first"), ("later bookings", "next")]
    for label, key in rows:
        count = hits[f"{key} asked"]
        print(
            f"  {label:<16} ranking {hits[f'{key} ranking'] / count:6.1%}   "
            f"most popular {hits[f'{key} baseline'] / count:6.1%}   ({count:,})"
        )
    ranking = (hits["first ranking"] + hits["next ranking"]) / asked
    baseline = (hits["first baseline"] + hits["next baseline"]) / asked
    print(f"  {'all':<16} ranking {ranking:6.1%}   most popular {baseline:6.1%}")
    print(f"one list of offers: median {hits['median ms']:.1f} ms, 95th percentile {hits['p95 ms']:.1f} ms")
    return 0 if ranking > baseline else 1


if __name__ == "__main__":
    sys.exit(main())
