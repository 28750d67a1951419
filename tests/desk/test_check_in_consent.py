"""The check-in form's box for offers by email: ticked, the guest's yes is kept with source "desk"."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ConsentRecord, Stay
from tests.desk.helpers import RITA, make_named_staff, signed_in_staff, text
from tests.desk.test_check_in_and_sales import check_in_form


def test_ticked_box_records_a_yes_and_an_empty_one_records_nothing(app, world):
    make_named_staff(app, world.hotel_id, RITA, "Rita")
    desk = signed_in_staff(app, RITA)
    assert "agrees to receive offers by email" in text(desk.client.get("/desk/check-in"))
    assert desk.post("/desk/check-in", check_in_form(world, marketing_consent="y")).status_code == 302
    assert desk.post("/desk/check-in", check_in_form(world, room="106", surname="Ito")).status_code == 302
    with app.app_context():
        stays = {
            stay.room: stay for stay in db.session.scalars(select(Stay).where(Stay.room.in_(["105", "106"])))
        }
        assert (stays["105"].marketing_consent, stays["106"].marketing_consent) == (True, None)
        records = db.session.scalars(select(ConsentRecord)).all()
        assert [(r.stay_id, r.given, r.source) for r in records] == [(stays["105"].id, True, "desk")]
