"""Reservations in Mews become stays: made, updated, cancelled, and a repeated pull changes nothing."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Hotel, PmsConnection, PmsSyncRun, Stay, StaySource, SyncKind, Tier
from app.services import pms_sync
from tests.integrations.conftest import WEBHOOK_SECRET


def sync(app, world) -> dict[str, dict]:
    """One `pms-sync` of the world's hotel; the counts of each run by kind."""
    with app.app_context():
        runs = pms_sync.sync_hotel(db.session.get(Hotel, world.hotel_id))
        return {run.kind.value: {"ok": run.ok, "error": run.error, **run.counts} for run in runs}


def stay_of(app, reservation_id: str) -> Stay | None:
    with app.app_context():
        stay = db.session.scalar(select(Stay).where(Stay.pms_reservation_id == reservation_id))
        if stay is not None:
            db.session.expunge(stay)
        return stay


def test_a_reservation_arriving_soon_becomes_a_stay_with_its_guest(app, world, connected):
    mews = connected
    guest = mews.add_customer(
        "Novák", "Jana", "jana@example.com", language="cs-CZ", classifications=["VeryImportant"]
    )
    arrival = world.today + timedelta(days=7)
    reservation = mews.add_reservation(
        guest, arrival, arrival + timedelta(days=3), adults=2, children=1, infants=1
    )

    assert sync(app, world)["pull"] == {"ok": True, "error": "", "created": 1}
    stay = stay_of(app, reservation)
    assert (stay.surname, stay.first_name, stay.email) == ("Novák", "Jana", "jana@example.com")
    assert (stay.arrival, stay.departure) == (arrival, arrival + timedelta(days=3))
    assert (stay.adults, stay.children_ages) == (2, [0, 3])  # youngest age of each Mews age category
    assert stay.source == StaySource.PMS
    assert stay.pms_account_id == guest
    assert stay.room == ""  # no room assigned yet
    assert stay.tier == Tier.GOLD  # VeryImportant -> gold in the hotel's mapping
    assert stay.cancelled_at is None


def test_language_is_the_hotels_nearest_and_tier_falls_back_to_standard(app, world, connected):
    mews = connected
    with app.app_context():
        enabled = db.session.get(Hotel, world.hotel_id).enabled_locales
    vietnamese = mews.add_customer("Nguyen", "An", language="vi-VN", loyalty_code="LOYAL-SILVER")
    klingon = mews.add_customer("Worf", language="tlh-KX", classifications=["Returning"])
    day = world.today + timedelta(days=2)
    first = mews.add_reservation(vietnamese, day, day + timedelta(days=1))
    second = mews.add_reservation(klingon, day, day + timedelta(days=1))
    sync(app, world)
    assert (stay_of(app, first).locale, stay_of(app, first).tier) == (
        "vi" if "vi" in enabled else "en",
        Tier.SILVER,
    )
    with app.app_context():
        default = db.session.get(Hotel, world.hotel_id).default_locale
    assert (stay_of(app, second).locale, stay_of(app, second).tier) == (default, Tier.STANDARD)


def test_repeat_pull_changes_nothing_and_updates_and_cancellations_follow(app, world, connected):
    mews = connected
    guest = mews.add_customer("Ito", "Ken")
    arrival = world.today + timedelta(days=5)
    reservation = mews.add_reservation(guest, arrival, arrival + timedelta(days=2))
    assert sync(app, world)["pull"]["created"] == 1
    assert sync(app, world)["pull"] == {"ok": True, "error": "", "unchanged": 1}
    with app.app_context():
        trail = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "stay.imported"))
        assert (trail.actor_kind.value, trail.actor_name) == ("pms", "Mews")

    mews.update_reservation(reservation, room="305")  # the room is assigned a day later
    assert sync(app, world)["pull"] == {"ok": True, "error": "", "updated": 1}
    assert stay_of(app, reservation).room == "305"

    mews.cancel_reservation(reservation)
    assert sync(app, world)["pull"] == {"ok": True, "error": "", "cancelled": 1}
    assert stay_of(app, reservation).cancelled_at is not None
    assert sync(app, world)["pull"] == {"ok": True, "error": "", "unchanged": 1}


def test_only_the_window_is_pulled_first_and_far_arrivals_come_later(app, world, connected):
    mews = connected
    guest = mews.add_customer("Far", "Away")
    far = world.today + timedelta(days=40)
    reservation = mews.add_reservation(guest, far, far + timedelta(days=1))
    assert "created" not in sync(app, world)["pull"]
    assert stay_of(app, reservation) is None
    mews.update_reservation(reservation, room="101")  # changed since the last pull: it comes in now
    assert sync(app, world)["pull"]["created"] == 1


def test_a_pms_that_is_down_leaves_an_error_and_the_next_pull_recovers(app, world, connected):
    mews = connected
    guest = mews.add_customer("Down", "Time")
    day = world.today + timedelta(days=3)
    reservation = mews.add_reservation(guest, day, day + timedelta(days=1))
    mews.fail("reservations/getAll/2023-06-06", 503)
    pulled = sync(app, world)["pull"]
    assert not pulled["ok"] and "503" in pulled["error"]
    with app.app_context():
        connection = db.session.scalar(select(PmsConnection))
        assert "503" in connection.last_error and connection.last_error_at is not None
        assert connection.pulled_until is None
    assert sync(app, world)["pull"]["created"] == 1
    assert stay_of(app, reservation) is not None
    with app.app_context():
        assert db.session.scalar(select(PmsConnection)).last_error == ""


def test_wrong_tokens_are_a_readable_error(app, world, connected):
    with app.app_context():
        connection = db.session.scalar(select(PmsConnection))
        connection.credentials = {**connection.credentials, "access_token": "wrong"}
        db.session.commit()
    pulled = sync(app, world)["pull"]
    assert not pulled["ok"] and "credentials" in pulled["error"]


def test_a_webhook_pulls_the_named_reservation_at_once(app, world, connected, client):
    mews = connected
    guest = mews.add_customer("Hook", "Web")
    far = world.today + timedelta(days=60)  # outside the window: only the webhook brings it
    reservation = mews.add_reservation(guest, far, far + timedelta(days=2))
    path = f"/api/pms/mews/test-lodge/webhook?secret={WEBHOOK_SECRET}"
    answer = client.post(path, json=mews.webhook_payload([reservation]))
    assert answer.status_code == 202, answer.get_data(as_text=True)
    assert stay_of(app, reservation) is not None
    with app.app_context():
        run = db.session.scalar(select(PmsSyncRun).where(PmsSyncRun.kind == SyncKind.WEBHOOK))
        assert run.ok and run.counts == {"created": 1}

    mews.update_reservation(reservation, room="210")
    # A guest's change arrives as CustomerUpdated: their stays are read again.
    mews.customers[guest]["LastName"] = "Hooked"
    assert client.post(path, json=mews.webhook_payload(customer_ids=[guest])).status_code == 202
    assert (stay_of(app, reservation).surname, stay_of(app, reservation).room) == ("Hooked", "210")


def test_a_webhook_with_a_wrong_secret_or_hotel_is_refused(app, world, connected, client):
    mews = connected
    payload = mews.webhook_payload(["x"])
    assert client.post("/api/pms/mews/test-lodge/webhook?secret=nope", json=payload).status_code == 403
    assert client.post("/api/pms/mews/test-lodge/webhook", json=payload).status_code == 403
    assert (
        client.post(f"/api/pms/mews/other/webhook?secret={WEBHOOK_SECRET}", json=payload).status_code == 403
    )
    assert (
        client.post(f"/api/pms/mews/test-lodge/webhook?secret={WEBHOOK_SECRET}", data="x").status_code == 400
    )
    assert mews.calls_to("reservations/getAll/2023-06-06") == []


def test_a_webhook_answers_even_when_mews_is_slow(app, world, connected, client):
    mews = connected
    guest = mews.add_customer("Slow")
    reservation = mews.add_reservation(
        guest, world.today + timedelta(days=1), world.today + timedelta(days=2)
    )
    mews.stall("reservations/getAll/2023-06-06", 3, carry_out=False)
    path = f"/api/pms/mews/test-lodge/webhook?secret={WEBHOOK_SECRET}"
    answer = client.post(path, json=mews.webhook_payload([reservation]))
    assert answer.status_code == 202  # the scheduled pull will read it; Mews must not resend forever
    assert stay_of(app, reservation) is None


def test_an_enquiry_becomes_a_stay_only_once_mews_confirms_it(app, world, connected):
    mews = connected
    guest = mews.add_customer("Maybe")
    day = world.today + timedelta(days=4)
    reservation = mews.add_reservation(guest, day, day + timedelta(days=1), state="Inquired")
    sync(app, world)
    mews.update_reservation(reservation, room="101")  # still an enquiry, now in the updated window
    sync(app, world)
    assert stay_of(app, reservation) is None
    mews.update_reservation(reservation, State="Confirmed")
    assert sync(app, world)["pull"]["created"] == 1


def test_a_cancellation_of_a_guest_already_in_the_house_is_refused_with_its_reason(app, world, connected):
    """Mews cancelling a started stay is a mistake the desk must see; the other reservations still come in."""
    mews = connected
    arriving = world.today
    in_house = mews.add_reservation(
        mews.add_customer("Home", "Already"), arriving, arriving + timedelta(days=2)
    )
    sync(app, world)
    with app.app_context():
        from app.services import stay_desk

        stay_desk.check_in_stay(db.session.scalar(select(Stay).where(Stay.pms_reservation_id == in_house)))
    mews.cancel_reservation(in_house)
    later = mews.add_reservation(mews.add_customer("Later", "Still"), arriving, arriving + timedelta(days=1))
    pulled = sync(app, world)["pull"]
    assert (pulled["ok"], pulled["refused"], pulled["created"]) == (False, 1, 1)
    assert "in the house" in pulled["error"]
    assert stay_of(app, in_house).cancelled_at is None
    assert stay_of(app, later) is not None
