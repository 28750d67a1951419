"""What a desk screen's live polling costs: a 304 when nothing changed vs. rendering the queue.

Seeds the demo hotel plus OPEN_REQUESTS open requests in BENCH_DATABASE_URL (default: a
temporary SQLite file), starts gunicorn with GUNICORN_WORKERS workers, signs a
receptionist in, and for SECONDS each measures requests per second of
``/desk/queue/live`` answered 304 (If-None-Match matches) and 200 (full render), from
CLIENTS threads. Run: `make bench-live`.
"""

from __future__ import annotations

import os
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from sqlalchemy import select

from app.extensions import db
from app.models import RequestKind, Stay
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, seed_demo
from app.services import guest_requests
from tests import database

ROOT = Path(__file__).resolve().parent.parent
OPEN_REQUESTS = int(os.environ.get("OPEN_REQUESTS", "60"))
GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
CLIENTS = int(os.environ.get("CLIENTS", "16"))
SECONDS = float(os.environ.get("SECONDS", "5"))


def prepare(url: str) -> None:
    app = database.fresh_app(url)
    with app.app_context():
        hotel, _stays = seed_demo()
        stays = db.session.scalars(select(Stay).where(Stay.hotel_id == hotel.id)).all()  # the lodge's desk
        for number in range(OPEN_REQUESTS):
            guest_requests.open_request(
                stays[number % len(stays)], RequestKind.HELP, details=f"Request {number}"
            )
        db.session.commit()
        db.engine.dispose()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def hammer(base: str, cookies, headers: dict, expect: int) -> float:
    done, stop = [0] * CLIENTS, time.monotonic() + SECONDS

    def client(index: int) -> None:
        session = requests.Session()
        session.cookies.update(cookies)
        while time.monotonic() < stop:
            response = session.get(f"{base}/desk/queue/live", headers=headers, timeout=10)
            assert response.status_code == expect, response.status_code
            done[index] += 1

    threads = [threading.Thread(target=client, args=(i,)) for i in range(CLIENTS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return sum(done) / SECONDS


def main() -> int:
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{tempfile.mkdtemp()}/bench.sqlite3"
    prepare(url)
    port = free_port()
    env = {**os.environ, "LOBBY_ENV": "development", "SECRET_KEY": "bench", "DATABASE_URL": url}
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "-w",
            str(GUNICORN_WORKERS),
            "-b",
            f"127.0.0.1:{port}",
            "wsgi:app",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                requests.get(f"{base}/healthz", timeout=5)
                break
            except requests.RequestException:
                time.sleep(0.2)
        desk = requests.Session()
        page = desk.get(f"{base}/staff/signin", timeout=5).text
        token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
        desk.post(
            f"{base}/staff/signin",
            data={"csrf_token": token, "email": DEMO_STAFF[0][0], "password": DEMO_STAFF_PASSWORD},
            timeout=5,
        )
        etag = desk.get(f"{base}/desk/queue/live", timeout=5).headers["ETag"]
        unchanged = [hammer(base, desk.cookies, {"If-None-Match": etag}, 304) for _ in range(3)]
        rendered = [hammer(base, desk.cookies, {}, 200) for _ in range(3)]
    finally:
        server.terminate()
        server.wait(timeout=15)
    database = url.split(":", 1)[0]
    print(f"{database}, {GUNICORN_WORKERS} workers, {CLIENTS} clients, {OPEN_REQUESTS + 2} open requests")
    print(f"  304 (nothing changed): {statistics.median(unchanged):7.0f} polls/s")
    print(f"  200 (queue rendered):  {statistics.median(rendered):7.0f} polls/s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
