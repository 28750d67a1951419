"""Checkouts over HTTP under a rush (issue #13): many guests on distinct slots, then a crowd at one slot.

Seeds a throwaway hotel in BENCH_DATABASE_URL (default: a temporary SQLite file; a
PostgreSQL URL has every table dropped first) and starts real gunicorn with
GUNICORN_WORKERS sync workers (default 4). Every guest signs in through their own link
(``/s/<token>``) and books through the real forms: add to cart (``POST /services/<id>``)
and check out by room charge (``POST /checkout``), CSRF token and cookies as a phone
would send them; redirects are not followed.

- Phase 1, distinct slots: CLIENTS guests (default 32), each on its own keep-alive
  connection and its own slots (capacity far above what a run sells), add and check out
  in a loop for SECONDS (default 30). Prints checkouts/s, p50/p95/p99 of the checkout
  request and of the whole add + checkout, and errors.
- Phase 2, one slot: RUSH guests (default 300) each with one seat of the same slot in
  their cart, SEATS seats left (default 5); every checkout is sent at once. Prints the
  winners (must equal SEATS), the losers' statuses (the issue wants 409) and their
  p50/p95/p99, and the seats taken counted in the database (must equal SEATS: no oversell).

Any 5xx, dropped connection, wrong winner count or oversell fails the run (exit 1).
Targets: p99 of a checkout <= 150 ms in phase 1; p99 of a loser's answer <= 1 s in phase 2.
Run: `make bench-rush` (BENCH_DATABASE_URL=postgresql://... for PostgreSQL).

The clients run on the same machine as gunicorn and take CPU from it, as in
bench/guest_pages.py: the figures compare runs on this box, not capacities.
"""

from __future__ import annotations

import os
import re
import sys
import tempfile
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import requests
from sqlalchemy import func, select, update

from app import create_app
from app.extensions import db
from app.models import Hotel, SeatAllocation, Slot
from app.services import availability, ordering, planning
from config import DevelopmentConfig
from tests import database, factories, servers
from tests.statements import is_write, statements_sent

GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "4"))
CLIENTS = int(os.environ.get("CLIENTS", "32"))
SECONDS = float(os.environ.get("SECONDS", "30"))
RUSH = int(os.environ.get("RUSH", "300"))
SEATS = int(os.environ.get("SEATS", "5"))
TIMEOUT = 120  # longer than SQLite's busy timeout: slow is measured, not an error
PLENTY = 1_000_000  # seats per phase-1 slot: nobody sells out
TARGET_CHECKOUT_P99, TARGET_LOSER_P99 = 0.150, 1.0
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
# Every half hour from 06:00 to 21:30: enough distinct times for every phase-1 client.
TIMES = tuple(f"{hour:02d}:{minute:02d}" for hour in range(6, 22) for minute in (0, 30))


@dataclass
class Seeded:
    """What the clients need from the seeded hotel."""

    service_id: int
    slot_ids: list[int]  # phase 1: one list of distinct slots per client
    rush_slot_id: int
    tokens: list[str]  # phase 1 guests' sign-in links
    rush_tokens: list[str]  # phase 2 guests, each with the rush slot in the cart


def seed(app) -> Seeded:
    with app.test_request_context():
        world = factories.build_world(slot_days=1)
        hotel = db.session.get(Hotel, world.hotel_id)
        pool = factories.make_pool(hotel, "rush", capacity=PLENTY, times=TIMES)
        service = factories.make_service(hotel, pool, "rush_ride", price_adult=2000, lead_time_minutes=60)
        first, last = world.today + timedelta(days=1), world.today + timedelta(days=4)
        availability.ensure_slots(pool, first, last)
        slot_ids = list(
            db.session.scalars(select(Slot.id).where(Slot.pool_id == pool.id).order_by(Slot.starts_at))
        )
        rush_slot_id = slot_ids.pop()
        db.session.execute(update(Slot).where(Slot.id == rush_slot_id).values(capacity=SEATS, taken=0))
        db.session.commit()
        assert len(slot_ids) >= CLIENTS, f"{len(slot_ids)} slots for {CLIENTS} clients"
        per_client = [slot_ids[n::CLIENTS] for n in range(CLIENTS)]
        stay_fields = {"children_ages": [], "departure": world.today + timedelta(days=6)}
        tokens = [
            factories.make_stay(hotel, room=f"P{n}", surname=f"Pace{n}", **stay_fields).access_token
            for n in range(CLIENTS)
        ]
        rush_tokens = []
        for n in range(RUSH):
            stay = factories.make_stay(hotel, room=f"R{n}", surname=f"Rush{n}", **stay_fields)
            ordering.add_to_cart(stay, planning.BookingRequest(service.id, slot_id=rush_slot_id, adults=1))
            db.session.commit()
            rush_tokens.append(stay.access_token)
        return Seeded(service.id, per_client, rush_slot_id, tokens, rush_tokens)


@dataclass
class Tally:
    statuses: Counter = field(default_factory=Counter)
    checkout: list[float] = field(default_factory=list)  # seconds per checkout request
    round_trip: list[float] = field(default_factory=list)  # seconds per add + checkout
    losers: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, name: str, status: int | str, detail: str = "") -> None:
        with self.lock:
            self.statuses[(name, status)] += 1
            if _fatal(status) and len(self.failures) < 10:
                self.failures.append(f"{name} -> {status} {detail[:200]}")

    @property
    def fatal(self) -> int:
        return sum(n for (_name, status), n in self.statuses.items() if _fatal(status))


def _fatal(status: int | str) -> bool:
    return not isinstance(status, int) or status >= 500


class Guest:
    """One phone: its own cookie jar and keep-alive connection."""

    def __init__(self, base: str, token: str, tally: Tally):
        self.base, self.tally, self.token = base, tally, token
        self.web = requests.Session()
        self.web.get(f"{base}/s/{token}", timeout=TIMEOUT, allow_redirects=False).raise_for_status()
        self.csrf = ""

    def page_token(self, path: str) -> None:
        answer = self.web.get(f"{self.base}{path}", timeout=TIMEOUT)
        assert answer.status_code == 200, f"GET {path}: {answer.status_code}"
        self.csrf = TOKEN.search(answer.text).group(1)

    def post(self, name: str, path: str, data: dict) -> int | str:
        try:
            answer = self.web.post(
                f"{self.base}{path}",
                data={"csrf_token": self.csrf, **data},
                timeout=TIMEOUT,
                allow_redirects=False,
            )
            status, detail = answer.status_code, answer.text
        except requests.RequestException as error:
            status, detail = type(error).__name__, str(error)
        self.tally.add(name, status, detail)
        return status


def distinct_slots(base: str, seeded: Seeded) -> tuple[Tally, float]:
    tally = Tally()
    guests = [Guest(base, token, tally) for token in seeded.tokens]
    for guest in guests:
        guest.page_token("/cart")
    start = threading.Barrier(CLIENTS + 1)
    stop = [0.0]

    def client(guest: Guest, slots: list[int]) -> None:
        start.wait()
        n = 0
        while time.monotonic() < stop[0]:
            slot = slots[n % len(slots)]
            n += 1
            began = time.monotonic()
            added = guest.post("add", f"/services/{seeded.service_id}", {"slot": slot, "adults": "1"})
            if added != 302:
                continue
            middle = time.monotonic()
            status = guest.post("checkout", "/checkout", {"payment_method": "room"})
            ended = time.monotonic()
            if status == 302:
                with tally.lock:
                    tally.checkout.append(ended - middle)
                    tally.round_trip.append(ended - began)

    threads = [
        threading.Thread(target=client, args=(guest, slots))
        for guest, slots in zip(guests, seeded.slot_ids, strict=True)
    ]
    for thread in threads:
        thread.start()
    stop[0] = time.monotonic() + SECONDS
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - began


def one_slot(base: str, seeded: Seeded) -> tuple[Tally, float, dict[str, int | str]]:
    """Every rush stay checks out at once: the tally, seconds to the last answer, status by sign-in token."""
    tally = Tally()
    guests = [Guest(base, token, tally) for token in seeded.rush_tokens]
    for guest in guests:
        guest.page_token("/cart")
    start = threading.Barrier(RUSH + 1)
    statuses: dict[str, int | str] = {}

    def client(guest: Guest) -> None:
        start.wait()
        began = time.monotonic()
        status = guest.post("checkout", "/checkout", {"payment_method": "room"})
        took = time.monotonic() - began
        with tally.lock:
            statuses[guest.token] = status
            (tally.checkout if status == 302 else tally.losers).append(took)

    threads = [threading.Thread(target=client, args=(guest,)) for guest in guests]
    for thread in threads:
        thread.start()
    began = time.monotonic()
    start.wait()
    for thread in threads:
        thread.join()
    return tally, time.monotonic() - began, statuses


def sold_in_database(app, slot_id: int) -> tuple[int, int]:
    """(slot.taken, seats allocated to lines) of the rush slot."""
    with app.app_context():
        taken = db.session.scalar(select(Slot.taken).where(Slot.id == slot_id))
        allocated = db.session.scalar(
            select(func.coalesce(func.sum(SeatAllocation.seats), 0)).where(SeatAllocation.slot_id == slot_id)
        )
        db.session.remove()
        return taken, allocated


def statements_per_checkout(url: str, seeded: Seeded, loser: str) -> dict[str, tuple[int, int]]:
    """(statements, writes) of one checkout request, counted in process on the same database after the run.

    "booked": a phase-1 guest adds a time and checks out; "refused": a phase-2 loser tries again.
    """
    app = create_app(
        DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", WTF_CSRF_ENABLED=False
    )
    found = {}
    for name, token, slot in (
        ("booked", seeded.tokens[0], seeded.slot_ids[0][0]),
        ("refused", loser, None),
    ):
        client = app.test_client()
        client.get(f"/s/{token}")
        if slot is not None:
            client.post(f"/services/{seeded.service_id}", data={"slot": slot, "adults": "1"})
        with statements_sent(app) as sent:
            status = client.post("/checkout", data={"payment_method": "room"}).status_code
        assert status == (302 if slot is not None else 409), f"{name}: {status}"
        found[name] = (len(sent), sum(map(is_write, sent)))
    with app.app_context():
        db.engine.dispose()
    return found


def percentiles(values: list[float]) -> str:
    if not values:
        return "no answers"
    ordered = sorted(values)

    def at(share: float) -> float:
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000

    return f"p50 {at(0.50):.0f} ms, p95 {at(0.95):.0f} ms, p99 {at(0.99):.0f} ms"


def p99(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(0.99 * len(ordered)))] if ordered else float("inf")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="lobby-bench-rush-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = database.fresh_app(url)
    seeded = seed(app)
    with app.app_context():
        db.engine.dispose()
    load_before = os.getloadavg()
    failed = []
    with servers.gunicorn(
        url,
        folder,
        workers=GUNICORN_WORKERS,
        GUEST_SIGNIN_LIMIT="100000 per minute",  # every client comes from 127.0.0.1
        GUEST_LINK_LIMIT="100000 per minute",
    ) as base:
        first, first_seconds = distinct_slots(base, seeded)
        rush, rush_seconds, statuses = one_slot(base, seeded)
    taken, allocated = sold_in_database(app, seeded.rush_slot_id)
    loser = next(token for token, status in statuses.items() if status == 409)
    statements = statements_per_checkout(url, seeded, loser)

    print(f"{url.split(':', 1)[0]}, {GUNICORN_WORKERS} gunicorn workers; load before {load_before[0]:.1f}")
    booked = len(first.checkout)
    print(f"phase 1: {CLIENTS} clients on distinct slots for {first_seconds:.0f} s")
    print(f"  {booked} checkouts, {booked / first_seconds:.1f} checkouts/s")
    print(f"  checkout request: {percentiles(first.checkout)}")
    print(f"  add + checkout:   {percentiles(first.round_trip)}")
    print(f"  answers: {dict(sorted(first.statuses.items(), key=str))}; errors {first.fatal}")
    counts = Counter(statuses.values())
    winners = counts.get(302, 0)
    print(f"phase 2: {RUSH} checkouts at once for {SEATS} seats, all answered in {rush_seconds:.2f} s")
    losers = dict(sorted(((status, n) for status, n in counts.items() if status != 302), key=str))
    print(f"  winners {winners}; losers {losers}")
    print(f"  winners: {percentiles(rush.checkout)}")
    print(f"  losers:  {percentiles(rush.losers)}")
    print(f"  in the database: slot.taken {taken}, seats allocated {allocated}; errors {rush.fatal}")
    print(
        "statements per checkout request (in process): "
        + ", ".join(f"{name} {n} ({writes} writes)" for name, (n, writes) in statements.items())
    )
    for failure in [*first.failures, *rush.failures][:5]:
        print("  ", failure)
    print(f"server logs: {folder}")

    if first.fatal or rush.fatal:
        failed.append("5xx or dropped connections")
    if winners != SEATS or taken != SEATS or allocated != SEATS:
        failed.append(f"sold {winners} / taken {taken} / allocated {allocated} for {SEATS} seats")
    if set(counts) - {302, 409}:
        failed.append("a loser was not answered 409")
    print(
        f"targets: checkout p99 {p99(first.checkout) * 1000:.0f} ms "
        f"({'met' if p99(first.checkout) <= TARGET_CHECKOUT_P99 else 'not met'}, <= 150 ms); "
        f"loser p99 {p99(rush.losers) * 1000:.0f} ms "
        f"({'met' if p99(rush.losers) <= TARGET_LOSER_P99 else 'not met'}, <= 1000 ms)"
    )
    if failed:
        print("FAILED: " + "; ".join(failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
