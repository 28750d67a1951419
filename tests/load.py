"""Every guest and staff page at once: clients that sign in, browse, book, cancel, ask and work the desk.

Used by tests/test_all_pages_under_load.py (no answer >= 500 allowed) and by
bench/all_pages.py (the same run as a benchmark). Each client is a person doing what
that person does, in a loop, as fast as the server answers: guests sign in by room and
surname, open every guest page, put a service in the cart, check out by room charge,
open the confirmation and its calendar file, ask for help, cancel the request and the
booking, change language and sign out; receptionists work the queue (acknowledge,
start, done), open today's list, stays and room cards, and sell at the desk; managers
open every manager page. Refusals (sold out, already moved by a colleague) are
ordinary answers; only 5xx and dropped connections count as errors.
"""

from __future__ import annotations

import contextlib
import functools
import html
import random
import re
import statistics
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta

import requests

from app import clock
from app.extensions import db
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, seed_demo
from app.services import guest_access

EXTRA_GUESTS = 12
TIMEOUT = 60  # longer than SQLite's busy timeout: a slow answer is not an error, a 5xx is


def prepare(app) -> list[tuple[str, str, str]]:
    """The demo hotel, plus in-house stays for the guest clients; returns (room, surname, link token)."""
    with app.app_context():
        hotel, demo = seed_demo()
        today = clock.now().astimezone(hotel.tz).date()
        stays = [demo.in_house, demo.large_family]
        for number in range(EXTRA_GUESTS):
            stay = guest_access.create_stay(
                hotel,
                room=str(401 + number),
                surname=f"Load{number}",
                first_name="Sam",
                locale="en",
                arrival=today - timedelta(days=1),
                departure=today + timedelta(days=6),
                adults=2,
                children_ages=[],
            )
            stays.append(stay)
        db.session.commit()
        return [(stay.room, stay.surname, stay.access_token) for stay in stays]


@dataclass
class Report:
    seconds: float
    answers: dict[str, Counter] = field(default_factory=lambda: defaultdict(Counter))
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)  # the first few 5xx, with their body's start
    lock = threading.Lock()

    def add(self, page: str, status: int | str, seconds: float, detail: str = "") -> None:
        with self.lock:
            self.answers[page][status] += 1
            self.latencies.append(seconds)
            if _is_error(status) and len(self.failures) < 20:
                self.failures.append(f"{page} -> {status} {detail[:300]}")

    @property
    def requests(self) -> int:
        return sum(sum(counts.values()) for counts in self.answers.values())

    def errors_per_page(self) -> dict[str, int]:
        return {
            page: sum(n for status, n in counts.items() if _is_error(status))
            for page, counts in sorted(self.answers.items())
        }

    @property
    def errors(self) -> int:
        return sum(self.errors_per_page().values())

    def percentile(self, share: float) -> float:
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0

    def table(self) -> str:
        lines = [f"{'page':58} {'requests':>8} {'errors':>6}  answers"]
        for page, counts in sorted(self.answers.items()):
            errors = sum(n for status, n in counts.items() if _is_error(status))
            spread = ", ".join(f"{status}: {n}" for status, n in sorted(counts.items(), key=str))
            lines.append(f"{page:58} {sum(counts.values()):8} {errors:6}  {spread}")
        lines.append(
            f"{self.requests} requests in {self.seconds:.0f} s ({self.requests / self.seconds:.0f}/s), "
            f"{self.errors} errors; p50 {self.percentile(0.5) * 1000:.0f} ms, "
            f"p95 {self.percentile(0.95) * 1000:.0f} ms, "
            f"mean {statistics.fmean(self.latencies or [0]) * 1000:.0f} ms"
        )
        return "\n".join(lines)


def _is_error(status: int | str) -> bool:
    return not isinstance(status, int) or status >= 500


def page_name(method: str, path: str) -> str:
    """``POST /desk/requests/17/status`` -> ``POST /desk/requests/<id>/status``: one row per page."""
    path = path.split("?", 1)[0]
    path = re.sub(r"/(orders|s|e)/[^/]+?(?=\.ics$|/|$)", r"/\1/<ref>", path)
    path = re.sub(r"/\d+", "/<id>", path)
    return f"{method} {path}"


class TimeUp(Exception):
    """The run's time is over: the person stops mid-round."""


class Browser:
    """One person's phone or desk computer: a cookie jar that records every answer.

    A person always finishes a first round (unless ``last_call`` passes), so a run on a
    busy machine still visits every page; after that they stop when ``stop`` comes.
    """

    def __init__(self, base: str, report: Report, stop: float, last_call: float):
        self.base, self.report, self.stop, self.last_call = base, report, stop, last_call
        self.session = requests.Session()
        self.token = ""
        self.rounds = 0

    def _send(self, method: str, path: str, **kwargs) -> requests.Response | None:
        started = time.monotonic()
        if started >= (self.stop if self.rounds else self.last_call):
            raise TimeUp
        name = page_name(method, path)
        try:
            response = self.session.request(
                method, self.base + path, timeout=TIMEOUT, allow_redirects=False, **kwargs
            )
        except requests.RequestException as error:
            self.report.add(name, type(error).__name__, time.monotonic() - started)
            return None
        self.report.add(name, response.status_code, time.monotonic() - started, response.text)
        found = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', response.text)
        if found:
            self.token = found.group(1)
        return response

    def get(self, path: str) -> str:
        response = self._send("GET", path)
        return html.unescape(response.text) if response is not None else ""

    def post(self, path: str, data: dict) -> requests.Response | None:
        return self._send("POST", path, data={"csrf_token": self.token, **data})


def _ids(pattern: str, page: str) -> list[str]:
    return list(dict.fromkeys(re.findall(pattern, page)))


def guest_round(browser: Browser, guest: tuple[str, str, str], rng: random.Random) -> None:
    room, surname, token = guest
    if rng.random() < 0.25:
        browser.get(f"/s/{token}")  # the room card's QR code
    else:
        browser.get("/signin")
        browser.post("/signin", {"method": "room", "room-room": room, "room-surname": surname})
    browser.get("/")
    home = browser.get("/home")
    for code in _ids(r'href="/packages/([\w-]+)"', home)[:1]:
        browser.get(f"/packages/{code}")
    services = _ids(r'href="/services/(\d+)', home)
    rng.shuffle(services)
    for service_id in services[:3]:
        page = browser.get(f"/services/{service_id}")
        slots = re.findall(r'name="slot" value="(\d+)"(?! disabled)', page)
        if slots:  # a timed service: the latest time, days away and still free to cancel
            added = browser.post(f"/services/{service_id}", {"slot": slots[-1], "adults": "1"})
            if added is not None and added.status_code == 302:
                break  # otherwise not for one adult (children only, sold out): try the next
    browser.get("/cart")
    booked = browser.post("/checkout", {"payment_method": "room"})
    if booked is not None and booked.status_code == 302 and "/orders/" in booked.headers["Location"]:
        order = booked.headers["Location"].split("?", 1)[0]
        browser.get(order)
        browser.get(f"{order}.ics")
    stay = browser.get("/stay")
    browser.get("/stay/live")
    browser.post("/stay/requests/help", {"help-details": "Could someone help with the safe, please?"})
    stay = browser.get("/stay")
    for request_id in _ids(r'action="/stay/requests/(\d+)/cancel"', stay)[:1]:
        browser.post(f"/stay/requests/{request_id}/cancel", {})
    for line_id in _ids(r'action="/bookings/(\d+)/cancel"', stay)[:1]:
        browser.post(f"/bookings/{line_id}/cancel", {})
    for line_id in _ids(r'action="/cart/lines/(\d+)/remove"', browser.get("/cart"))[:1]:
        browser.post(f"/cart/lines/{line_id}/remove", {})
    browser.post("/language", {"lang": rng.choice(["en", "vi"]), "next": "/home"})
    browser.post("/signout", {})


def desk_round(browser: Browser, rng: random.Random) -> None:
    if "/staff/signout" not in browser.get("/desk/"):
        browser.get("/staff/signin")
        browser.post("/staff/signin", {"email": DEMO_STAFF[0][0], "password": DEMO_STAFF_PASSWORD})
    queue = browser.get("/desk/queue")
    browser.get("/desk/queue/live")
    for request_id in _ids(r'href="/desk/requests/(\d+)"', queue)[:2]:
        page = browser.get(f"/desk/requests/{request_id}")
        moves = _ids(r'name="to" value="(acknowledged|in_progress|done)"', page)
        if moves:
            browser.post(f"/desk/requests/{request_id}/status", {"to": moves[0]})
    today = browser.get("/desk/today")
    stays = _ids(r'href="/desk/stays/(\d+)"', today)
    rng.shuffle(stays)
    for stay_id in stays[:1]:
        page = browser.get(f"/desk/stays/{stay_id}")
        browser.get(f"/desk/stays/{stay_id}/card")
        services = _ids(
            r'href="/desk/stays/\d+/sell\?service=(\d+)"', browser.get(f"/desk/stays/{stay_id}/sell")
        )
        rng.shuffle(services)
        for service_id in services[:2]:
            path = f"/desk/stays/{stay_id}/sell?service={service_id}"
            form = browser.get(path)
            select_box = re.search(r'<select[^>]*name="slot".*?</select>', form, re.S)
            slots = re.findall(r'value="(\d+)"', select_box.group(0)) if select_box else []
            if slots:
                sold = browser.post(path, {"slot": slots[-1], "adults": "1", "payment_method": "room"})
                if sold is not None and sold.status_code == 302:
                    break
        for line_id in _ids(r'action="/desk/lines/(\d+)/cancel"', page)[:1]:
            browser.post(f"/desk/lines/{line_id}/cancel", {})
    browser.get("/desk/feedback")
    browser.get("/desk/refunds")


MANAGER_PAGES = (
    "/manage/dashboard",
    "/manage/catalog",
    "/manage/pools",
    "/manage/discounts",
    "/manage/staff",
    "/manage/folio",
    "/manage/sla",
)


def manager_round(browser: Browser, rng: random.Random) -> None:
    if "/staff/signout" not in browser.get("/desk/"):
        browser.get("/staff/signin")
        browser.post("/staff/signin", {"email": DEMO_STAFF[1][0], "password": DEMO_STAFF_PASSWORD})
    for path in MANAGER_PAGES:
        page = browser.get(path)
        if path == "/manage/catalog":
            for service_id in _ids(r'href="/manage/services/(\d+)"', page)[:1]:
                browser.get(f"/manage/services/{service_id}")
        if path == "/manage/dashboard":
            for csv_path in _ids(r'href="(/manage/dashboard/[\w-]+\.csv[^"]*)"', page)[:1]:
                browser.get(csv_path)
        if path == "/manage/folio":  # export the room charges sold meanwhile, as the PMS would fetch them
            exported = browser.post("/manage/folio/exports", {})
            if exported is not None and exported.status_code == 302:
                browser.get(exported.headers["Location"])
        if path == "/manage/pools":
            for pool_id in _ids(r'href="/manage/pools/(\d+)"', page)[:1]:
                browser.get(f"/manage/pools/{pool_id}")


def _as_guest(guest: tuple[str, str, str], browser: Browser, rng: random.Random) -> None:
    guest_round(browser, guest, rng)


def drive(base: str, guests: list[tuple[str, str, str]], seconds: float, clients: int = 16) -> Report:
    """``clients`` people at once for ``seconds``: mostly guests, a few receptionists and managers.

    On a machine too busy for everyone to finish a first round in time, the run lasts
    longer, never more than three times ``seconds``.
    """
    report = Report(seconds=seconds)
    stop = time.monotonic() + seconds
    last_call = stop + 2 * seconds
    people: list[Callable[[Browser, random.Random], None]] = []
    for index in range(clients):
        if index % 8 == 6:
            people.append(desk_round)
        elif index % 8 == 7:
            people.append(manager_round)
        else:
            people.append(functools.partial(_as_guest, guests[index % len(guests)]))

    def person(index: int) -> None:
        rng = random.Random(index)
        browser = Browser(base, report, stop, last_call)
        with contextlib.suppress(TimeUp):
            while True:
                people[index](browser, rng)
                browser.rounds += 1

    threads = [threading.Thread(target=person, args=(index,)) for index in range(clients)]
    started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    report.seconds = time.monotonic() - started
    return report
