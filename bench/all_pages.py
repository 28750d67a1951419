"""Every guest and staff page under several gunicorn workers: errors per page, p50/p95.

Seeds the demo hotel plus in-house stays in BENCH_DATABASE_URL (default: a temporary
SQLite file; a PostgreSQL URL has every table dropped first), starts gunicorn with
GUNICORN_WORKERS workers and drives it with CLIENTS people at once for SECONDS: guests
sign in, browse, book, check out by room charge, ask for help and cancel; receptionists
work the queue and sell at the desk; managers open their pages (tests/load.py, the same
run as tests/test_all_pages_under_load.py). Exits non-zero on any answer >= 500.
Run: `make bench-pages`.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from app.extensions import db
from tests import database, load, servers

GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
CLIENTS = int(os.environ.get("CLIENTS", "16"))
SECONDS = float(os.environ.get("SECONDS", "30"))


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="lobby-bench-pages-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = database.fresh_app(url)
    guests = load.prepare(app)
    with app.app_context():
        db.engine.dispose()
    with servers.gunicorn(
        url,
        folder,
        workers=GUNICORN_WORKERS,
        GUEST_SIGNIN_LIMIT="100000 per minute",  # every client comes from 127.0.0.1
        GUEST_LINK_LIMIT="100000 per minute",
    ) as base:
        report = load.drive(base, guests, SECONDS, CLIENTS)
    print(f"{url.split(':', 1)[0]}, {GUNICORN_WORKERS} workers, {CLIENTS} clients, {SECONDS:.0f} s")
    print(report.table())
    for failure in report.failures[:5]:
        print("  ", failure)
    print(f"server logs: {folder}")
    return 1 if report.errors else 0


if __name__ == "__main__":
    sys.exit(main())
