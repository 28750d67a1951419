"""How fast and how safely checkouts go through when many guests want the same seats.

Builds a throwaway hotel in the database given by BENCH_DATABASE_URL (default: a
temporary SQLite file), gives ATTEMPTS stays a cart for one slot with SEATS seats,
fires every checkout at once from WORKERS threads, and reports seats sold (must equal
SEATS), refusals, errors and checkouts per second. Run: `make bench`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import select, update

from app.extensions import db
from app.models import Hotel, Slot, Stay
from app.services import ordering, planning
from app.services.errors import SoldOut
from tests import database, factories

ATTEMPTS = int(os.environ.get("ATTEMPTS", "400"))
SEATS = int(os.environ.get("SEATS", "5"))
WORKERS = int(os.environ.get("WORKERS", "32"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))


def fresh_app(url: str):
    return database.fresh_app(url, SQLALCHEMY_ENGINE_OPTIONS={"pool_size": WORKERS})


def one_round(app) -> dict:
    with app.test_request_context():
        world = factories.build_world(slot_days=3)
        hotel = db.session.get(Hotel, world.hotel_id)
        slot = db.session.scalars(
            select(Slot).where(Slot.pool_id == world.pools["stable"]).order_by(Slot.starts_at.desc())
        ).first()
        db.session.execute(update(Slot).where(Slot.id == slot.id).values(capacity=SEATS, taken=0))
        stay_ids = []
        for n in range(ATTEMPTS):
            stay = factories.make_stay(hotel, room=f"B{n}", surname=f"Bench{n}", children_ages=[])
            request = planning.BookingRequest(world.services["horse_riding"], slot_id=slot.id, adults=1)
            ordering.add_to_cart(stay, request)
            stay_ids.append(stay.id)
        slot_id = slot.id

    outcomes: list[str] = []
    lock = threading.Lock()

    def attempt(stay_id: int) -> None:
        with app.test_request_context():
            try:
                ordering.checkout(db.session.get(Stay, stay_id))
                result = "sold"
            except SoldOut:
                result = "refused"
            except Exception as error:  # counted, not hidden: any error is a failure of the design
                result = f"error: {type(error).__name__}"
            finally:
                db.session.remove()
        with lock:
            outcomes.append(result)

    started = time.perf_counter()
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        list(pool.map(attempt, stay_ids))
    elapsed = time.perf_counter() - started

    with app.app_context():
        taken = db.session.get(Slot, slot_id).taken
        for table in reversed(db.metadata.sorted_tables):
            db.session.execute(table.delete())
        db.session.commit()
    return {
        "sold": outcomes.count("sold"),
        "refused": outcomes.count("refused"),
        "errors": len([o for o in outcomes if o.startswith("error")]),
        "taken": taken,
        "per_second": ATTEMPTS / elapsed,
    }


def main() -> None:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    app = fresh_app(url)
    rounds = [one_round(app) for _ in range(ROUNDS)]
    dialect = url.split(":")[0]
    print(f"{dialect}: {ATTEMPTS} checkouts for {SEATS} seats, {WORKERS} threads, {ROUNDS} rounds")
    for n, result in enumerate(rounds, 1):
        print(
            f"  round {n}: sold {result['sold']}, refused {result['refused']}, errors {result['errors']}, "
            f"slot.taken {result['taken']}, {result['per_second']:.0f} checkouts/s"
        )
    median = statistics.median(r["per_second"] for r in rounds)
    print(f"  median {median:.0f} checkouts/s")
    if any(r["sold"] != SEATS or r["errors"] or r["taken"] != SEATS for r in rounds):
        sys.exit("OVERSOLD OR ERRORS: see above")


if __name__ == "__main__":
    main()
