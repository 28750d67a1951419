"""Shared fixtures: one app and migrated database per session, emptied after each test.

Set TEST_DATABASE_URL (e.g. postgresql://postgres@127.0.0.1:5432/test) to run the
suite on PostgreSQL; an unreachable database fails the run instead of skipping it.
"""

from __future__ import annotations

import os
import re
from datetime import UTC, datetime

import pytest
from flask import request
from flask_migrate import upgrade
from flask_wtf.csrf import CSRFError

from app import create_app
from app.extensions import csrf, db, limiter
from app.models import StaffRole
from app.services import sites, view_counts
from app.web import fragments
from config import TestConfig
from tests import factories
from tests.browsing import FormActions
from tests.database import drop_everything, empty_tables
from tests.demo_template import DemoTemplate


@pytest.fixture(scope="session")
def database_url(tmp_path_factory) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'lobby-test.sqlite3'}"


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    drop_everything(database_url)  # also proves the database is reachable
    uploads = tmp_path_factory.mktemp("uploads")
    app = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, UPLOAD_FOLDER=str(uploads))
    with app.app_context():
        upgrade()  # the real migrations, not create_all: they are what production runs
    yield app
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="session")
def demo_template(app, database_url, tmp_path_factory):
    """``demo_template.seed()`` in place of ``seed_demo()``: seeded once, then copied in."""
    template = DemoTemplate(database_url, tmp_path_factory.mktemp("demo") / "demo.sqlite3")
    yield template
    template.drop()


@pytest.fixture(autouse=True)
def _empty_database(app):
    """Each test starts from empty tables and a fresh rate-limit budget."""
    yield
    limiter.reset()
    with app.app_context():
        view_counts.discard()  # counts of rows the next lines delete
        sites.forget()  # hotels' slugs and hosts, which the next lines delete behind the ORM's back
        fragments.forget()  # pieces of pages keyed by hotel ids and versions the next hotels reuse
        db.session.remove()
        with db.engine.begin() as connection:
            empty_tables(connection, db.metadata)


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def ctx(app):
    """A request context for calling services directly (gettext, locale, g)."""
    with app.test_request_context():
        yield


@pytest.fixture
def world(app) -> factories.World:
    """A small hotel with a stable shared by two services, a car pool and an in-house family."""
    with app.app_context():
        return factories.build_world()


@pytest.fixture
def frozen_now(monkeypatch):
    """Move the clock: ``frozen_now(datetime(...))`` fixes what app.clock.now() returns."""

    def freeze(moment: datetime) -> datetime:
        monkeypatch.setattr("app.clock.now", lambda: moment)
        return moment

    return freeze


class GuestActions(FormActions):
    """Sign-in and booking steps through the real pages, as a phone would do them."""

    def sign_in(self, room: str = "204", surname: str = "Garcia"):
        return self.post(
            "/signin", {"method": "room", "room-room": room, "room-surname": surname}, follow_redirects=False
        )

    def cancel_booking(self, line_id: int):
        """Cancel as a guest does: open the confirmation step, then confirm the fee it names."""
        path = f"/bookings/{line_id}/cancel"
        page = self.client.get(path).get_data(as_text=True)
        fee = re.search(r'<input[^>]*name="fee"[^>]*value="(\d+)"', page)
        return self.post(path, {"fee": fee.group(1) if fee else ""}, page=path if fee else "/stay")

    def open_link(self, token: str):
        return self.client.get(f"/s/{token}")


class OnSite:
    """A test client that sends every request to one site: a host name, or a path prefix."""

    def __init__(self, client, base: str, prefix: str = ""):
        self.client, self.base, self.prefix = client, base, prefix

    def get(self, path: str, **kwargs):
        return self.client.get(self.prefix + path, base_url=self.base, **kwargs)

    def post(self, path: str, **kwargs):
        return self.client.post(self.prefix + path, base_url=self.base, **kwargs)


def on(client, base: str, prefix: str = "") -> GuestActions:
    return GuestActions(OnSite(client, base, prefix))


@pytest.fixture
def guest(client) -> GuestActions:
    return GuestActions(client)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


@pytest.fixture
def staff(client):
    from tests.staff import StaffActions

    return StaffActions(client)


@pytest.fixture
def manager(app, staff, world):
    """``staff``, signed in as the world hotel's manager (``manager.email``)."""
    from tests.staff import make_staff

    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    return staff


@pytest.fixture
def phone(app, world) -> GuestActions:
    """Garcia's phone, a client of its own, signed in: the staff member stays signed in on theirs."""
    phone = GuestActions(app.test_client())
    assert phone.sign_in().status_code == 302
    return phone


@pytest.fixture
def receiver():
    """A webhook receiver on a free port, answering 200 until told otherwise."""
    from tests.webhook_receiver import Receiver

    receiver = Receiver()
    receiver.start()
    yield receiver
    receiver.stop()


@pytest.fixture
def csrf_refusals(monkeypatch) -> list[str]:
    """Every request the CSRF check turned away: its 400 must not pass for a role's answer."""
    refused: list[str] = []
    protect = csrf.protect

    def recording(*args, **kwargs):
        try:
            return protect(*args, **kwargs)
        except CSRFError:
            refused.append(f"{request.method} {request.path}")
            raise

    monkeypatch.setattr(csrf, "protect", recording)
    return refused
