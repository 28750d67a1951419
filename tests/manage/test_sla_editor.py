"""Managers set how fast each kind of request must be answered; new requests follow at once."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import GuestRequest, Hotel, RequestKind, SlaTarget
from app.services.guest_requests import DEFAULT_SLA
from tests.conftest import GuestActions


def form(**changes) -> dict:
    fields = {"silver_sla_percent": 75, "gold_sla_percent": 50}
    for kind, (ack, resolve) in DEFAULT_SLA.items():
        fields[f"ack_{kind.value}"], fields[f"resolve_{kind.value}"] = ack, resolve
    return fields | changes


def test_the_page_shows_the_defaults_and_saves_new_targets(app, manager, world):
    page = manager.client.get("/manage/sla").get_data(as_text=True)
    assert re.search(r'<input[^>]*name="ack_help"[^>]*value="5"', page)  # help: acknowledged within 5 min
    saved = manager.post(
        "/manage/sla", form(ack_help=2, resolve_help=20, gold_sla_percent=40), page="/manage/sla"
    )
    assert saved.status_code == 302
    with app.app_context():
        target = db.session.scalar(select(SlaTarget).where(SlaTarget.kind == RequestKind.HELP))
        assert (target.ack_minutes, target.resolve_minutes) == (2, 20)
        assert db.session.get(Hotel, world.hotel_id).gold_sla_percent == 40

    phone = GuestActions(app.test_client())
    phone.sign_in()
    phone.post("/stay/requests/help", {"help-details": "The shower is cold"}, page="/stay")
    with app.app_context():
        request = db.session.scalar(select(GuestRequest))
        assert request.ack_due_at - request.created_at == timedelta(minutes=2)
        assert request.resolve_due_at - request.created_at == timedelta(minutes=20)


def test_impossible_targets_are_refused(app, manager):
    refused = manager.post("/manage/sla", form(ack_amenity=90, resolve_amenity=60), page="/manage/sla")
    assert refused.status_code == 400
    assert "not above the time to resolve" in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(SlaTarget)) is None
    zero = manager.post("/manage/sla", form(ack_help=0), page="/manage/sla")
    assert zero.status_code == 400
