"""Several gunicorn workers, as in production: live updates and sign-in limits hold across them.

Live regions poll with If-None-Match and the version comes from the database, so any
worker answers the same; sign-in limits live in Redis. This starts real gunicorn
workers on the test database and checks both, and that more than one worker answered.
"""

from __future__ import annotations

import os
import time

import pytest
import redis
import requests

from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from tests import servers

# Its own Redis database, flushed by each run; TEST_REDIS_URL lets parallel runs keep apart.
REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
# Generous: with a worker replaced every 4 requests, a busy machine can take seconds to boot one.
TIMEOUT = 30


@pytest.fixture
def gunicorn(app, database_url, tmp_path, demo_template):
    with app.app_context():
        demo_template.seed()
    with redis.Redis.from_url(REDIS_URL) as client:
        try:
            client.flushdb()
        except redis.ConnectionError as error:
            pytest.fail(f"This test needs Redis at {REDIS_URL} (.ci/run starts it): {error}")
    # Each worker is replaced after 4 requests, so the polls below are answered by
    # many different processes: nothing can be remembered in a worker's memory.
    with servers.gunicorn(
        database_url, tmp_path, workers=3, options=("--max-requests", "4"), REDIS_URL=REDIS_URL
    ) as base:
        yield base, tmp_path / "access.log"


def test_live_queue_and_sign_in_limits_across_three_workers(gunicorn):
    base, access_log = gunicorn
    desk, phone = requests.Session(), requests.Session()
    signed_in = desk.post(
        f"{base}/staff/signin",
        data={
            "csrf_token": servers.csrf(desk, f"{base}/staff/signin"),
            "email": DEMO_STAFF[0][0],
            "password": DEMO_STAFF_PASSWORD,
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert signed_in.status_code == 302

    # The version also changes when the minute turns (countdowns); start early in a minute
    # so the "nothing changed" polls below all fall within the same one.
    while time.time() % 60 > 40:
        time.sleep(0.5)
    first = desk.get(f"{base}/desk/queue/live", timeout=TIMEOUT)
    assert first.status_code == 200
    etag = first.headers["ETag"]
    for _ in range(12):  # whichever worker answers, nothing changed
        assert (
            desk.get(f"{base}/desk/queue/live", headers={"If-None-Match": etag}, timeout=TIMEOUT).status_code
            == 304
        )

    servers.sign_in_guest(phone, base)
    asked = phone.post(
        f"{base}/stay/requests/item",
        data={
            "csrf_token": servers.csrf(phone, f"{base}/stay"),
            "item-item": "pillows",
            "item-quantity": "1",
        },
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    assert asked.status_code == 302

    for _ in range(12):  # every worker now sees the change at once: the version lives in the database
        changed = desk.get(f"{base}/desk/queue/live", headers={"If-None-Match": etag}, timeout=TIMEOUT)
        assert changed.status_code == 200
        assert "Extra pillows" in changed.text

    # Five wrong passwords for one account, whichever worker takes them, then 429 (Redis counts).
    attacker = requests.Session()
    token = servers.csrf(attacker, f"{base}/staff/signin")
    codes = [
        attacker.post(
            f"{base}/staff/signin",
            data={"csrf_token": token, "email": DEMO_STAFF[1][0], "password": "guess"},
            timeout=TIMEOUT,
        ).status_code
        for _ in range(7)
    ]
    assert codes == [401] * 5 + [429] * 2

    time.sleep(0.5)  # let gunicorn flush its access log
    workers = {line.split()[0] for line in access_log.read_text().splitlines() if "/desk/queue/live" in line}
    assert len(workers) >= 3, "the polls should have been answered by several worker processes"
