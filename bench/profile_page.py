"""Where one guest page's time and SQL go: cProfile over N warm views, plus one view's statements.

Seeds the demo hotel in PROFILE_DATABASE_URL (default: a temporary SQLite file; a PostgreSQL
URL has every table dropped first), signs the demo guest in (room 204, Garcia) through the
Flask test client, puts one timed service in the cart, warms the page up, then prints:

- the mean time of VIEWS views, then the top functions of VIEWS more under cProfile, by
  cumulative and by own time;
- the SQL statements of one more view, grouped by statement with their counts (a fresh
  session per request, as under gunicorn), and how many were writes;
- the lazy loads of that view (relationships loaded on first touch, and expired attributes
  reloaded after a commit), each with the line of app or template code that touched it.

PAGE is a path (``/home``, ``/stay``, ``/cart``) or one of ``service`` (the timed service in
the cart), ``package`` (the first package linked from home) and ``confirmation`` (the order
booked). Run: ``make profile-page PAGE=/home`` (knobs: ``VIEWS``,
``TOP``, ``SORT``).
"""

from __future__ import annotations

import cProfile
import html
import io
import os
import pstats
import re
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

from sqlalchemy import event

from app import create_app
from app.extensions import db
from app.seed.demo import seed_demo
from config import DevelopmentConfig
from tests import database

ROOT = Path(__file__).resolve().parent.parent
VIEWS = int(os.environ.get("VIEWS", "30"))
TOP = int(os.environ.get("TOP", "30"))
ROOM, SURNAME = "204", "Garcia"
# The SQLAlchemy functions a statement goes through when an attribute is loaded on first touch.
LAZY_FRAMES = {"_load_expired": "expired reload", "_load_for_state": "lazy relationship"}


def _seeded_app(url: str):
    app = database.fresh_app(url)
    with app.app_context():
        seed_demo()
        db.engine.dispose()
    return create_app(
        DevelopmentConfig, SQLALCHEMY_DATABASE_URI=url, SECRET_KEY="profile", WTF_CSRF_ENABLED=False
    )


def _book(client, service: str) -> bool:
    page = client.get(service).get_data(as_text=True)
    slots = re.findall(r'name="slot" value="(\d+)"(?! disabled)', page)
    return bool(slots) and client.post(service, data={"slot": slots[-1], "adults": "1"}).status_code == 302


def _resolve(client, page: str) -> str:
    """Sign in, book one timed service (charged to the room), put it in the cart again, ask the desk
    for help, and turn PAGE into a path: every guest page then has something of each kind to show."""
    answer = client.post("/signin", data={"method": "room", "room-room": ROOM, "room-surname": SURNAME})
    assert answer.status_code == 302, f"sign-in as {ROOM} {SURNAME}: {answer.status_code}"
    home = html.unescape(client.get("/home").get_data(as_text=True))
    services = dict.fromkeys(re.findall(r'href="(/services/\d+)', home))
    timed = next((service for service in services if _book(client, service)), None)
    assert timed, "no timed service could be put in the cart"
    placed = client.post("/checkout", data={"payment_method": "room"})
    assert placed.status_code == 302, f"checkout: {placed.status_code}"
    assert _book(client, timed), "the timed service could not be put in the cart again"
    client.post("/stay/requests/help", data={"help-details": "Could we have a late check-out?"})
    paths = {
        "service": timed,
        "package": re.search(r'href="(/packages/[\w-]+)"', home).group(1),
        "confirmation": placed.headers["Location"],
    }
    return paths.get(page, page)


def _where(stack: list[traceback.FrameSummary]) -> str:
    """The innermost line of our own code (app/ or a template) that led to a statement."""
    for frame in reversed(stack):
        name = frame.filename
        if name.endswith(".html") or (str(ROOT / "app") in name):
            return f"{Path(name).relative_to(ROOT) if name.startswith(str(ROOT)) else name}:{frame.lineno}"
    return "?"


def _one_view(app, client, path: str) -> None:
    with app.app_context():
        engine = db.engine
    statements: Counter[str] = Counter()
    lazy: Counter[tuple[str, str, str]] = Counter()

    def counted(_connection, _cursor, statement: str, *_args) -> None:
        text = " ".join(statement.split())
        statements[text] += 1
        stack = traceback.extract_stack()
        kinds = [LAZY_FRAMES[frame.name] for frame in stack if frame.name in LAZY_FRAMES]
        if kinds:
            table = re.search(r"\bFROM (\w+)", text)
            lazy[(kinds[-1], table.group(1) if table else "?", _where(stack))] += 1

    event.listen(engine, "before_cursor_execute", counted)
    answer = client.get(path)
    event.remove(engine, "before_cursor_execute", counted)
    assert answer.status_code == 200, f"{path}: {answer.status_code}"
    total = sum(statements.values())
    writes = sum(
        n for s, n in statements.items() if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}
    )
    print(f"\nSQL of one view of {path}: {total} statements ({writes} writes), {len(answer.data)} bytes")
    for statement, n in statements.most_common():
        print(f"  {n:3} x {statement[:220]}")
    print(f"\nLazy loads of that view: {sum(lazy.values())}")
    for (kind, table, where), n in lazy.most_common():
        print(f"  {n:3} x {kind:18} {table:22} {where}")


def main() -> int:
    page = sys.argv[1] if len(sys.argv) > 1 else os.environ.get("PAGE", "/home")
    folder = Path(tempfile.mkdtemp(prefix="lobby-profile-"))
    url = os.environ.get("PROFILE_DATABASE_URL") or f"sqlite:///{folder / 'profile.sqlite3'}"
    app = _seeded_app(url)
    client = app.test_client()
    path = _resolve(client, page)
    for _ in range(5):  # templates compiled, caches warm
        assert client.get(path).status_code == 200
    began = time.perf_counter()
    for _ in range(VIEWS):
        client.get(path)
    plain = (time.perf_counter() - began) / VIEWS
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(VIEWS):
        client.get(path)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    total = stats.total_tt  # type: ignore[attr-defined]
    print(
        f"{path} on {url.split(':', 1)[0]}: {plain * 1000:.1f} ms a view ({VIEWS} views), "
        f"{total / VIEWS * 1000:.1f} ms profiled"
    )
    for order in ("cumulative", "tottime"):
        out.seek(0)
        out.truncate()
        stats.sort_stats(order).print_stats(TOP)
        print(f"\n=== top {TOP} by {order} ===")
        print(out.getvalue().split("\n\n", 2)[-1].rstrip())
    _one_view(app, client, path)
    with app.app_context():
        db.engine.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
