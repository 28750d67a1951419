"""Buffered counts of offers shown and page views: exact after a flush, lost by no failed flush.

Each test runs twice: counted in this worker's memory, and counted in Redis as several workers
would (``TEST_REDIS_URL``, its own database, flushed by each test).
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from app import clock, create_app
from app.extensions import db
from app.models import OfferImpression, ServiceViewDay
from app.services import view_counts
from config import TestConfig

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


@contextmanager
def counting_in_redis(app):
    with redis.Redis.from_url(REDIS_URL) as client:
        try:
            client.flushdb()
        except redis.ConnectionError as error:
            pytest.fail(f"This test needs Redis at {REDIS_URL} (.ci/run starts it): {error}")
        app.config["REDIS_URL"] = REDIS_URL
        try:
            yield
        finally:
            app.config["REDIS_URL"] = ""
            client.flushdb()


@pytest.fixture(params=["worker", "redis"])
def where(request, app):
    """Where the counts wait: "worker" (memory) or "redis" (shared by the workers)."""
    if request.param == "worker":
        yield "worker"
        return
    with counting_in_redis(app):
        yield "redis"


@pytest.fixture
def in_redis(app):
    with counting_in_redis(app):
        yield


def impressions() -> list[tuple]:
    return [
        (
            row.stay_id,
            row.service_id,
            row.place,
            row.reason,
            row.day,
            row.first_shown_at,
            row.last_shown_at,
            row.times,
        )
        for row in db.session.scalars(select(OfferImpression).order_by(OfferImpression.service_id))
    ]


def views() -> dict:
    return {
        (row.service_id, row.day): row.views
        for row in db.session.scalars(select(ServiceViewDay).order_by(ServiceViewDay.service_id))
    }


def test_counts_add_up_exactly_after_a_flush(app, world, where):
    riding, farm = world.services["horse_riding"], world.services["farm_visit"]
    garcia, today = world.stays["garcia"], world.today
    first = clock.now().replace(microsecond=0)
    later = first + timedelta(minutes=5)
    with app.app_context():
        for _ in range(7):
            view_counts.count_view(world.hotel_id, riding, today)
        view_counts.count_view(world.hotel_id, farm, today)
        view_counts.count_view(world.hotel_id, farm, today - timedelta(days=1))
        view_counts.count_shown(
            world.hotel_id, garcia, [(riding, "pinned"), (farm, "children")], "home", today, first
        )
        # Shown again later, for another reason: the first showing's reason and day stay.
        view_counts.count_shown(world.hotel_id, garcia, [(riding, "popular")], "home", today, later)
        assert impressions() == [] and views() == {}  # nothing written yet
        assert view_counts.due() is False  # counted just now: not due before COUNTS_FLUSH_SECONDS

        assert view_counts.flush() == 5
        assert view_counts.flush() == 0  # drained: nothing is written twice

        assert views() == {(riding, today): 7, (farm, today): 1, (farm, today - timedelta(days=1)): 1}
        assert impressions() == [
            (garcia, riding, "home", "pinned", today, first, later, 2),
            (garcia, farm, "home", "children", today, first, first, 1),
        ]
        # A later flush adds to the rows already there.
        view_counts.count_view(world.hotel_id, riding, today)
        view_counts.count_shown(world.hotel_id, garcia, [(riding, "pinned")], "home", today, later)
        view_counts.flush()
        assert views()[(riding, today)] == 8
        assert impressions()[0][-1] == 3


def test_redis_holds_the_counts_of_every_worker_until_one_drains_them(app, world, in_redis):
    riding = world.services["horse_riding"]
    with app.app_context():
        view_counts.count_view(world.hotel_id, riding, world.today)
        assert app.extensions["lobby_view_counts"].counts.views == {}  # nothing kept in this worker
    # Another worker (another app, its own buffer) counts into the same hash and drains it.
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"])
    other.config["REDIS_URL"] = REDIS_URL
    with other.app_context():
        view_counts.count_view(world.hotel_id, riding, world.today)
        assert view_counts.flush() == 1
        db.engine.dispose()
    with app.app_context():
        assert views() == {(riding, world.today): 2}
        with redis.Redis.from_url(REDIS_URL) as client:
            assert client.keys("lobby:view-counts*") == []


@contextmanager
def database_locked(app):
    """Another connection holds the tables the flush writes (SQLite: the writer lock)."""
    with app.app_context():
        raw = db.engine.raw_connection()
    try:
        cursor = raw.cursor()
        if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
            cursor.execute("BEGIN IMMEDIATE")
        else:
            cursor.execute("LOCK TABLE offer_impression, service_view_day IN EXCLUSIVE MODE")
        yield
    finally:
        raw.rollback()
        raw.close()


@pytest.fixture
def impatient(app):
    """An app on the same database that gives up on a lock after 0.2 s instead of 30."""
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = {"pool_pre_ping": True}
    if not url.startswith("sqlite"):
        options["connect_args"] = {"options": "-c lock_timeout=200"}
    impatient = create_app(
        TestConfig, SQLALCHEMY_DATABASE_URI=url, SQLITE_BUSY_TIMEOUT=0.2, SQLALCHEMY_ENGINE_OPTIONS=options
    )
    impatient.config["REDIS_URL"] = app.config["REDIS_URL"]
    yield impatient
    with impatient.app_context():
        view_counts.discard()
        db.engine.dispose()


def test_a_flush_that_fails_keeps_every_count_for_the_next(app, impatient, world, where):
    riding, garcia, today = world.services["horse_riding"], world.stays["garcia"], world.today
    now = clock.now().replace(microsecond=0)
    with impatient.app_context():
        for _ in range(3):
            view_counts.count_view(world.hotel_id, riding, today)
        view_counts.count_shown(world.hotel_id, garcia, [(riding, "pinned")], "desk", today, now)
        with database_locked(app):
            assert view_counts.flush() == 0  # locked: nothing written, nothing raised
            view_counts.count_view(world.hotel_id, riding, today)  # counting goes on meanwhile
        assert view_counts.flush() == 2
        assert views() == {(riding, today): 4}
        assert impressions() == [(garcia, riding, "desk", "pinned", today, now, now, 1)]


def test_cron_flushes_with_flask_lobby_flush_counts(app, world, where):
    riding = world.services["horse_riding"]
    with app.app_context():
        view_counts.count_view(world.hotel_id, riding, world.today)
        view_counts.count_view(world.hotel_id, riding, world.today)

    result = app.test_cli_runner().invoke(args=["lobby", "flush-counts"])

    assert result.exit_code == 0, result.output
    assert result.output.strip() == "Counter rows written: 1."
    with app.app_context():
        assert views() == {(riding, world.today): 2}
