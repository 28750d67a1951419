"""The fake Mews for the connector tests: one server per session, emptied before each test."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Hotel
from app.services import pms_sync
from tests import fake_mews

WEBHOOK_SECRET = "mews-webhook-secret-123"


@pytest.fixture(scope="session")
def mews_server():
    server = fake_mews.Server().start()
    yield server
    server.stop()


@pytest.fixture
def mews(app, mews_server, monkeypatch) -> fake_mews.FakeMews:
    """The fake Mews, empty; Lobby waits for it at most one second (a pause of two is a timeout)."""
    mews_server.mews.reset()
    monkeypatch.setitem(app.config, "PMS_TIMEOUT", 1.0)
    return mews_server.mews


def connect(app, hotel_id: int, mews: fake_mews.FakeMews, **settings) -> None:
    """The hotel's connection to the fake, as `flask lobby pms-connect` makes it."""
    with app.app_context():
        pms_sync.connect(
            db.session.get(Hotel, hotel_id),
            mews.base_url,
            {
                "client_token": fake_mews.CLIENT_TOKEN,
                "access_token": fake_mews.ACCESS_TOKEN,
                "client": "Lobby tests 1.0",
            },
            {
                "service_id": mews.service_id,
                "days_ahead": 14,
                "webhook_secret": WEBHOOK_SECRET,
                "tier_by_classification": {"VeryImportant": "gold", "LOYAL-SILVER": "silver"},
                **settings,
            },
        )


@pytest.fixture
def connected(app, world, mews) -> fake_mews.FakeMews:
    """The world's hotel connected to the fake Mews."""
    connect(app, world.hotel_id, mews)
    return mews
