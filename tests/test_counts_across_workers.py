"""Page views and offers shown, counted by several real gunicorn workers, are exact after a flush.

The guest pages only add to a buffer (app/services/view_counts.py). Counted in each worker's
memory, the buffers reach the database when the workers stop (gunicorn's SIGTERM); counted in
Redis, the dashboard drains them while the server keeps running. Either way the dashboard's
figures must equal exactly what the guests did, across three workers.
"""

from __future__ import annotations

import csv
import html
import io
import os
import re
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
import redis
import requests
from sqlalchemy import func, select

from app import clock
from app.extensions import db
from app.models import Hotel, OfferImpression
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from app.services import analytics
from tests import servers

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
TIMEOUT = 30
SERVICE_VIEWS = 12  # N
HOME_VIEWS = 6  # M
# Far off: no worker flushes on its own while the test counts, so only the flush under test writes.
NOT_DUE = {"COUNTS_FLUSH_SECONDS": "3600"}


@pytest.fixture
def demo(app, demo_template):
    with app.app_context():
        hotel, _stays = demo_template.seed()
        return hotel.id


@pytest.fixture
def shared_redis():
    with redis.Redis.from_url(REDIS_URL) as client:
        try:
            client.flushdb()
        except redis.ConnectionError as error:
            pytest.fail(f"This test needs Redis at {REDIS_URL} (.ci/run starts it): {error}")
        yield
        client.flushdb()


def guest_visits(base: str) -> tuple[int, set[int]]:
    """A guest opens /home M times and one service page N times; that service and the offers shown."""
    phone = requests.Session()
    assert servers.sign_in_guest(phone, base).status_code == 302
    offered: list[set[int]] = []
    for _ in range(HOME_VIEWS):
        home = phone.get(f"{base}/home", timeout=TIMEOUT)
        assert home.status_code == 200
        links = [
            html.unescape(link) for link in re.findall(r'<a class="offer-card" href="([^"]+)"', home.text)
        ]
        offered.append({int(re.search(r"/services/(\d+)\?", link).group(1)) for link in links})
    assert offered[0] and all(shown == offered[0] for shown in offered)  # the same offers each time
    service_id = min(offered[0])
    # All at once from several connections: one after another, an idle machine's kernel may hand
    # every connection to the same worker, and then "several workers" would prove nothing.
    start = threading.Barrier(SERVICE_VIEWS)

    def view(_number: int) -> int:
        start.wait(timeout=TIMEOUT)
        page = requests.get(f"{base}/services/{service_id}", cookies=phone.cookies, timeout=TIMEOUT)
        return page.status_code

    with ThreadPoolExecutor(SERVICE_VIEWS) as pool:
        assert list(pool.map(view, range(SERVICE_VIEWS))) == [200] * SERVICE_VIEWS
    return service_id, offered[0]


def dashboard_csv(session: requests.Session, url: str) -> list[list[str]]:
    answer = session.get(url, timeout=TIMEOUT)
    assert answer.status_code == 200
    return list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))  # with the BOM spreadsheets want


def answered_by(access_log) -> set[str]:
    time.sleep(0.5)  # let gunicorn write its access log
    return {line.split()[0] for line in access_log.read_text().splitlines() if " GET /services/" in line}


def figures_in_database(app, hotel_id: int, service_id: int) -> tuple[int, int, int]:
    """What the dashboard reads: the service's page views, offers shown on home, and how often."""
    with app.app_context():
        hotel = db.session.get(Hotel, hotel_id)
        today = hotel.local(clock.now()).date()
        period = analytics.Period(today - timedelta(days=29), today)
        views = {item.service_id: item.views for item in analytics.service_figures(hotel, period)}
        shown = {item.key: item.impressions for item in analytics.offer_figures(hotel, period).by_place}
        times = db.session.scalar(
            select(func.sum(OfferImpression.times)).where(OfferImpression.place == "home")
        )
        return views.get(service_id, 0), shown.get("home", 0), times or 0


def test_each_worker_flushes_its_counts_when_gunicorn_stops_it(app, database_url, tmp_path, demo):
    with servers.gunicorn(database_url, tmp_path, workers=3, **NOT_DUE) as base:
        service_id, offered = guest_visits(base)
        assert figures_in_database(app, demo, service_id) == (0, 0, 0)  # all still in the workers
        workers = answered_by(tmp_path / "access.log")
    # The block's end sent SIGTERM: every worker wrote its buffer on its way out.
    assert len(workers) >= 2, "the views should have been counted by several workers"
    assert figures_in_database(app, demo, service_id) == (
        SERVICE_VIEWS,
        len(offered),
        HOME_VIEWS * len(offered),
    )


def test_the_dashboard_drains_the_counts_of_every_worker_from_redis(
    app, database_url, tmp_path, demo, shared_redis
):
    with servers.gunicorn(database_url, tmp_path, workers=3, REDIS_URL=REDIS_URL, **NOT_DUE) as base:
        service_id, offered = guest_visits(base)
        assert len(answered_by(tmp_path / "access.log")) >= 2

        desk = requests.Session()
        signed_in = desk.post(
            f"{base}/staff/signin",
            data={
                "csrf_token": servers.csrf(desk, f"{base}/staff/signin"),
                "email": DEMO_STAFF[1][0],  # the manager
                "password": DEMO_STAFF_PASSWORD,
            },
            allow_redirects=False,
            timeout=TIMEOUT,
        )
        assert signed_in.status_code == 302
        # The server keeps running: the dashboard itself drains Redis before it reads.
        conversion = dashboard_csv(desk, f"{base}/manage/dashboard/conversion.csv")
        by_place = dashboard_csv(desk, f"{base}/manage/dashboard/offers-by-place.csv")
        assert figures_in_database(app, demo, service_id) == (
            SERVICE_VIEWS,
            len(offered),
            HOME_VIEWS * len(offered),
        )
    assert conversion[0][:2] == ["Service", "Page views"]
    assert [int(row[1]) for row in conversion[1:]] == [SERVICE_VIEWS]  # only that page was viewed
    assert by_place[0][:2] == ["Shown on", "Offers shown"]
    assert {row[0]: int(row[1]) for row in by_place[1:]}["Guest home page"] == len(offered)


def test_idle_workers_write_their_counts_within_the_flush_interval(app, database_url, tmp_path, demo):
    with servers.gunicorn(database_url, tmp_path, workers=3, COUNTS_FLUSH_SECONDS="1") as base:
        service_id, offered = guest_visits(base)
        assert len(answered_by(tmp_path / "access.log")) >= 2
        expected = (SERVICE_VIEWS, len(offered), HOME_VIEWS * len(offered))
        # No more requests: each worker's timer writes what it counted (a second after).
        deadline = time.monotonic() + TIMEOUT
        while figures_in_database(app, demo, service_id) != expected and time.monotonic() < deadline:
            time.sleep(0.5)
        assert figures_in_database(app, demo, service_id) == expected
    assert figures_in_database(app, demo, service_id) == expected  # stopping wrote nothing twice
