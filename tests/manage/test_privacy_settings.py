"""The manager's privacy settings: checked with translated messages, audited, shown to guests."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Hotel, MarketingConsent, StaffRole
from tests.desk.helpers import RITA, make_named_staff, signed_in_staff, text


def _settings(**changes) -> dict:
    return {
        "legal_name": "Test Lodge GmbH",
        "privacy_email": "Privacy@Lodge-Hotel.com",
        "retention_days": "400",
        "marketing_consent": "opt_in",
    } | changes


def test_manager_saves_the_settings_and_the_trail_keeps_the_change(app, world, manager):
    assert manager.client.get("/manage/privacy").status_code == 200
    saved = manager.post("/manage/privacy", _settings())
    assert saved.status_code == 302
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        assert (hotel.legal_name, hotel.privacy_email, hotel.retention_days, hotel.marketing_consent) == (
            "Test Lodge GmbH",
            "Privacy@lodge-hotel.com",
            400,
            MarketingConsent.OPT_IN,
        )
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "hotel.privacy_changed"))
        assert entry.before["retention_days"] == 365 and entry.after["retention_days"] == 400
        assert entry.after["marketing_consent"] == "opt_in" and entry.actor_kind.value == "staff"
    page = text(app.test_client().get("/privacy"))
    assert "Test Lodge GmbH" in page and "400 days after your departure" in page


def test_out_of_range_days_and_bad_addresses_are_refused_with_messages_and_nothing_changes(
    app, world, manager
):
    for days in ("29", "3651", "a year"):
        refused = manager.post("/manage/privacy", _settings(retention_days=days))
        assert refused.status_code == 400
        assert 'aria-invalid="true"' in text(refused)
    bad = manager.post("/manage/privacy", _settings(privacy_email="not an address"))
    assert bad.status_code == 400 and "valid email address" in text(bad)
    wrong = manager.post("/manage/privacy", _settings(marketing_consent="sometimes"))
    assert wrong.status_code == 400
    vietnamese = manager.client.post(
        "/manage/privacy",
        data={"csrf_token": manager.csrf("/manage/privacy"), **_settings(retention_days="5")},
        headers={"Accept-Language": "vi"},
    )
    assert vietnamese.status_code == 400
    with app.app_context():
        assert db.session.get(Hotel, world.hotel_id).retention_days == 365


def test_receptionists_cannot_open_it(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita", StaffRole.RECEPTIONIST)
    assert signed_in_staff(app, RITA).client.get("/manage/privacy").status_code == 403
