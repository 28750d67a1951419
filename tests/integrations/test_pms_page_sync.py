"""The workspace's "Sync now": the same pull and post as the scheduled run, and its outcome in words."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import Stay
from tests.browsing import text

PAGE = "/manage/pms"


def test_sync_now_brings_a_new_reservation_in_and_says_so(app, world, connected, manager):
    mews = connected
    arrival = world.today + timedelta(days=3)
    reservation = mews.add_reservation(mews.add_customer("Sato", "Yui"), arrival, arrival + timedelta(days=2))
    answer = manager.post(f"{PAGE}/sync", {}, page=PAGE)
    assert answer.status_code == 302
    assert "Synced with the PMS." in text(manager.client.get(PAGE))
    with app.app_context():
        assert db.session.scalar(select(Stay.surname).where(Stay.pms_reservation_id == reservation)) == "Sato"


def test_sync_now_with_the_pms_down_shows_the_error_and_loses_nothing(app, world, connected, manager):
    mews = connected
    mews.fail("reservations/getAll/2023-06-06", 500, times=5)
    manager.post(f"{PAGE}/sync", {}, page=PAGE)
    page = text(manager.client.get(PAGE))
    assert "The PMS answered with an error" in page
    assert "500" in page  # the reason is on the page, next to "Last error"
