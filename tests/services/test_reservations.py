"""The reservations door under fire: the same reservation imported by many workers at once is one stay."""

from __future__ import annotations

import contextlib
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from sqlalchemy import func, select

from app.extensions import db
from app.models import AuditEntry, Hotel, Stay, StaySource
from app.services import reservations

WORKERS = 12


def test_concurrent_imports_of_one_reservation_make_one_stay(app, world):
    start = threading.Barrier(WORKERS)

    def attempt(_n: int) -> str:
        with app.test_request_context():
            hotel = db.session.get(Hotel, world.hotel_id)
            wanted = reservations.Reservation(
                pms_reservation_id="R-RACE",
                surname="Tanaka",
                arrival=world.today + timedelta(days=2),
                departure=world.today + timedelta(days=4),
            )
            with contextlib.suppress(threading.BrokenBarrierError):
                start.wait(timeout=10)
            try:
                return reservations.upsert(hotel, wanted, StaySource.PMS)[1].value
            finally:
                db.session.remove()

    with ThreadPoolExecutor(WORKERS) as pool:
        outcomes = list(pool.map(attempt, range(WORKERS)))

    assert sorted(outcomes) == ["created"] + ["unchanged"] * (WORKERS - 1)
    with app.app_context():
        assert db.session.scalar(select(func.count(Stay.id)).where(Stay.pms_reservation_id == "R-RACE")) == 1
        imported = select(func.count(AuditEntry.id)).where(AuditEntry.action == "stay.imported")
        assert db.session.scalar(imported) == 1
