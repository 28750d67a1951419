"""Guest pages on a big catalog, in process: milliseconds, bytes and SQL statements per view (issue #13).

Seeds the demo hotel in BENCH_DATABASE_URL (default: a temporary SQLite file; a PostgreSQL URL
has every table dropped first), grows its catalog to SERVICES services (0 = the demo as
seeded) with ``app.seed.big_catalog.grow_catalog``, signs the demo guest in (room 204, Garcia)
through the Flask test client, warms each page up, then times VIEWS views of each and prints
the median and the fastest in ms, the page's bytes and the SQL statements of one view.
One fresh session per request, as under gunicorn. Run: `make bench-catalog`.
"""

from __future__ import annotations

import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import select

from app import create_app
from app.extensions import db
from app.models import Hotel
from app.seed.big_catalog import grow_catalog
from app.seed.demo import seed_demo
from config import DevelopmentConfig
from tests import database
from tests.statements import statements_sent

SERVICES = int(os.environ.get("SERVICES", "2000"))
VIEWS = int(os.environ.get("VIEWS", "30"))
PAGES = os.environ.get(
    "PAGES", "/home,/packages/family,/packages/family?page=2,/packages/family?q=ride&kind=slot&fit=party"
).split(",")


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="lobby-bench-catalog-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = database.fresh_app(url)
    with app.app_context():
        hotel, _stays = seed_demo()
        hotel_id = hotel.id  # the lodge: the demo's other hotels have catalogs of their own
        added = grow_catalog(db.session.get(Hotel, hotel_id), SERVICES) if SERVICES else 0
        db.engine.dispose()
    app = create_app(
        DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", WTF_CSRF_ENABLED=False
    )
    with app.app_context():
        engine = db.engine
        service = db.metadata.tables["service"]
        services = db.session.scalar(select(db.func.count()).where(service.c.hotel_id == hotel_id))
    client = app.test_client()
    client.post("/signin", data={"method": "room", "room-room": "204", "room-surname": "Garcia"})
    print(f"{url.split(':', 1)[0]}: {services} services ({added} added), {VIEWS} warm views per page")
    print(f"{'page':58} {'median ms':>9} {'best ms':>8} {'bytes':>7} {'SQL':>4}")
    for path in PAGES:
        for _ in range(3):
            answer = client.get(path)
            assert answer.status_code == 200, f"{path}: {answer.status_code}"
        with statements_sent(app) as statements:
            client.get(path)
        times = []
        for _ in range(VIEWS):
            began = time.perf_counter()
            answer = client.get(path)
            times.append(time.perf_counter() - began)
        print(
            f"{path:58} {statistics.median(times) * 1000:9.1f} {min(times) * 1000:8.1f} "
            f"{len(answer.data):7} {len(statements):4}"
        )
    engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
