"""Lobby's guest pages against a bare Flask "hello" under the same gunicorn settings (issue #13).

Seeds the demo hotel in BENCH_DATABASE_URL (default: a temporary SQLite file; a PostgreSQL
URL has every table dropped first), grows its catalog to SERVICES services when that is set
(``app.seed.big_catalog``; 0, the default, keeps the demo's), signs the demo guest in
(room 204, Garcia), puts one timed service in the cart, then starts two gunicorn servers
with GUNICORN_WORKERS sync workers each: Lobby (``bench.lobby_floor:app``: ``wsgi:app`` with three
bench-only "floor" pages, Lobby's plumbing alone) and ``bench.hello_app:app``.
For ROUNDS rounds it alternates load between them page by page: SECONDS of CLIENTS
keep-alive clients (Python threads with http.client) on a Lobby page, then SECONDS on hello.
Prints per page the median req/s of each, their ratio, Lobby's p50/p99 latency and errors (any answer that is
not 2xx/3xx), plus SQL statements and bytes for one warm request per page, counted in
process through the Flask test client on the same database. Exits non-zero on any 5xx or
dropped connection. Run: `make bench-guest`.

The load generator runs on the same machine as both servers: on a small box its threads
take CPU from gunicorn, so hello's figure is a floor of what Flask can do here and every
ratio is a comparison on equal terms, not an absolute capacity.
"""

from __future__ import annotations

import html
import http.client
import os
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import requests

from app import create_app
from app.extensions import db
from app.seed.big_catalog import grow_catalog
from app.seed.demo import seed_demo
from bench.lobby_floor import FLOORS, with_floors
from config import DevelopmentConfig
from tests import database
from tests.servers import free_port
from tests.statements import is_write, statements_sent

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_WORKERS = int(os.environ.get("GUNICORN_WORKERS", "2"))
CLIENTS = int(os.environ.get("CLIENTS", "16"))
SECONDS = float(os.environ.get("SECONDS", "5"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
# Grow the demo's catalog to this many services before measuring (copies of its own); 0 = as seeded.
SERVICES = int(os.environ.get("SERVICES", "0"))
ROOM, SURNAME = "204", "Garcia"
# The targets: Lobby's req/s as a share of hello's, and SQL statements per page.
TARGETS = {"home": 0.25, "package": 0.40, "service": 0.40, "my stay": 0.30, "cart": 0.30}
MAX_QUERIES = 8
TOKEN = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@dataclass
class Run:
    """One SECONDS burst on one path: answers per status, latencies in seconds."""

    seconds: float
    statuses: dict = field(default_factory=dict)
    latencies: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        return len(self.latencies) / self.seconds

    @property
    def errors(self) -> int:
        return sum(n for status, n in self.statuses.items() if not (isinstance(status, int) and status < 400))

    @property
    def fatal(self) -> int:
        return sum(n for status, n in self.statuses.items() if not (isinstance(status, int) and status < 500))


def hammer(port: int, path: str, cookie: str) -> Run:
    """CLIENTS threads, each on its own connection, asking for ``path`` for SECONDS."""
    run, lock = Run(SECONDS), threading.Lock()
    headers = {"Cookie": cookie} if cookie else {}
    start = threading.Barrier(CLIENTS + 1)

    def client() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        statuses: dict = {}
        latencies: list[float] = []
        start.wait()
        stop = time.monotonic() + SECONDS
        while (began := time.monotonic()) < stop:
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                status = response.status
                if response.will_close:  # gunicorn's sync workers close after each answer
                    connection.close()
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                connection.close()
            latencies.append(time.monotonic() - began)
            statuses[status] = statuses.get(status, 0) + 1
        connection.close()
        with lock:
            run.latencies.extend(latencies)
            for status, n in statuses.items():
                run.statuses[status] = run.statuses.get(status, 0) + n

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in threads:
        thread.start()
    start.wait()
    for thread in threads:
        thread.join()
    return run


@contextmanager
def gunicorn(target: str, folder: Path, **settings: str) -> Iterator[int]:
    """Serve ``target`` with GUNICORN_WORKERS sync workers and no access log; yields the port."""
    port = free_port()
    env = {**os.environ, "LOBBY_ENV": "development", "SECRET_KEY": "bench", **settings}
    with (folder / f"{target.split(':')[0]}.log").open("wb") as log:
        process = subprocess.Popen(
            [
                str(Path(sys.executable).parent / "gunicorn"),
                *("--workers", str(GUNICORN_WORKERS)),
                *("--bind", f"127.0.0.1:{port}"),
                *("--graceful-timeout", "5"),
                target,
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=log,
        )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"http://127.0.0.1:{port}/", timeout=5)
                break
            except requests.RequestException:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"gunicorn {target} did not start") from None
                time.sleep(0.2)
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=15)


def sign_in(base: str) -> requests.Session:
    guest = requests.Session()
    token = TOKEN.search(guest.get(f"{base}/signin", timeout=30).text).group(1)
    answer = guest.post(
        f"{base}/signin",
        data={"csrf_token": token, "method": "room", "room-room": ROOM, "room-surname": SURNAME},
        timeout=30,
        allow_redirects=False,
    )
    assert answer.status_code == 302, f"sign-in as {ROOM} {SURNAME}: {answer.status_code}"
    return guest


def guest_paths(base: str, guest: requests.Session) -> dict[str, str]:
    """The five pages, found as a guest finds them; puts one timed service in the cart."""
    home = html.unescape(guest.get(f"{base}/home", timeout=30).text)
    package = re.search(r'href="(/packages/[\w-]+)"', home).group(1)
    services = list(dict.fromkeys(re.findall(r'href="(/services/\d+)', home)))
    in_cart = None
    for service in services:
        page = guest.get(f"{base}{service}", timeout=30).text
        token = TOKEN.search(page).group(1)
        for slot in re.findall(r'name="slot" value="(\d+)"(?! disabled)', page)[-1:]:
            added = guest.post(
                f"{base}{service}",
                data={"csrf_token": token, "slot": slot, "adults": "1"},
                timeout=30,
                allow_redirects=False,
            )
            if added.status_code == 302:
                in_cart = service
        if in_cart:
            break
    assert in_cart, "no timed service could be put in the cart"
    return {"home": "/home", "package": package, "service": in_cart, "my stay": "/stay", "cart": "/cart"}


def queries_and_bytes(url: str, paths: dict[str, str]) -> dict[str, tuple[int, int, int, int]]:
    """(statements and writes on a first view, statements on a second view, bytes) per page, in process."""
    app = with_floors(
        create_app(DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="bench", WTF_CSRF_ENABLED=False)
    )
    found: dict[str, tuple[int, int, int, int]] = {}
    # No app context held here: each request gets its own, and with it a fresh session,
    # as in gunicorn (one held open would keep the identity map across requests).
    client = app.test_client()
    client.post("/signin", data={"method": "room", "room-room": ROOM, "room-surname": SURNAME})
    for name, path in paths.items():
        counts, size = [], 0
        for _ in range(2):
            with statements_sent(app) as sent:
                answer = client.get(path)
            assert answer.status_code == 200, f"{path}: {answer.status_code}"
            counts.append((len(sent), sum(map(is_write, sent))))
            size = len(answer.data)
        found[name] = (*counts[0], counts[1][0], size)
    with app.app_context():
        db.engine.dispose()
    return found


def target(page: str) -> str:
    return f"{TARGETS[page]:.2f}" if page in TARGETS else "-"


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def main() -> int:
    folder = Path(tempfile.mkdtemp(prefix="lobby-bench-guest-"))
    url = os.environ.get("BENCH_DATABASE_URL") or f"sqlite:///{folder / 'bench.sqlite3'}"
    app = database.fresh_app(url)
    with app.app_context():
        hotel, _stays = seed_demo()
        if SERVICES:
            grow_catalog(hotel, SERVICES)
        db.engine.dispose()
    load_before = os.getloadavg()
    lobby_runs: dict[str, list[Run]] = {}
    hello_runs: dict[str, list[Run]] = {}
    with (
        gunicorn("bench.lobby_floor:app", folder, DATABASE_URL=url) as lobby,
        gunicorn("bench.hello_app:app", folder) as hello,
    ):
        base = f"http://127.0.0.1:{lobby}"
        guest = sign_in(base)
        paths = {**guest_paths(base, guest), **FLOORS}
        cookie = "; ".join(f"{c.name}={c.value}" for c in guest.cookies)
        for path in paths.values():  # every worker has rendered every page once
            for _ in range(2 * GUNICORN_WORKERS):
                guest.get(f"{base}{path}", timeout=30)
        for _ in range(ROUNDS):
            for name, path in paths.items():
                lobby_runs.setdefault(name, []).append(hammer(lobby, path, cookie))
                hello_runs.setdefault(name, []).append(hammer(hello, "/", ""))
    load_after = os.getloadavg()
    counted = queries_and_bytes(url, paths)

    print(
        f"{url.split(':', 1)[0]}, {SERVICES or 'demo'} services, {GUNICORN_WORKERS} sync workers each, "
        f"{CLIENTS} clients, "
        f"{ROUNDS} rounds x {SECONDS:g} s per page and server, median of rounds"
    )
    print(f"load average before {load_before[0]:.2f}, after {load_after[0]:.2f} (1 min)")
    print(
        f"{'page':13} {'path':22} {'lobby/s':>8} {'hello/s':>8} {'ratio':>6} {'target':>6} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'errors':>6} {'SQL 1st':>7} {'writes':>6} {'SQL 2nd':>7} {'bytes':>7}"
    )
    fatal = 0
    for name, path in paths.items():
        lobby_rate = statistics.median(run.rate for run in lobby_runs[name])
        hello_rate = statistics.median(run.rate for run in hello_runs[name])
        latencies = [latency for run in lobby_runs[name] for latency in run.latencies]
        errors = sum(run.errors for run in lobby_runs[name]) + sum(run.errors for run in hello_runs[name])
        fatal += sum(run.fatal for run in lobby_runs[name]) + sum(run.fatal for run in hello_runs[name])
        first, writes, second, size = counted[name]
        print(
            f"{name:13} {path:22} {lobby_rate:8.0f} {hello_rate:8.0f} {lobby_rate / hello_rate:6.3f} "
            f"{target(name):>6} {percentile(latencies, 0.5) * 1000:7.0f} "
            f"{percentile(latencies, 0.99) * 1000:7.0f} {errors:6} {first:7} {writes:6} {second:7} {size:7}"
        )
        for run in lobby_runs[name]:
            odd = {status: n for status, n in run.statuses.items() if status != 200}
            if odd:
                print(f"         answers other than 200: {odd}")
    print(f"targets: ratio as above, at most {MAX_QUERIES} SQL statements per page; server logs: {folder}")
    print("floors: Lobby's hooks alone, with the signed-in guest, in the guest layout (bench/lobby_floor.py)")
    return 1 if fatal else 0


if __name__ == "__main__":
    sys.exit(main())
