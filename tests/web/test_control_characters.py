"""Control characters (a "\\r\\n" in an email, an escape code in a name) are refused in every one-line
field of every form, guest, desk and manager alike, by one shared mechanism; text areas keep line breaks."""

from __future__ import annotations

import importlib
import pkgutil

import pytest
from flask_wtf import FlaskForm
from sqlalchemy import select

import app as app_package
from app.extensions import db
from app.models import Room, StaffRole, StaffUser, Stay
from app.web.forms import LobbyForm
from tests.desk.helpers import make_named_staff, signed_in_staff, text
from tests.desk.test_check_in_and_sales import check_in_form

MESSAGE = "Please type this on one line, without line breaks or control characters."
SNEAKY = ["\r\nBcc: thief@example.com", "\x1b[31m", "\x85", "\u2028", "\t"]


@pytest.mark.parametrize("sneaky", SNEAKY)
def test_the_guest_sign_in_refuses_control_characters(client, world, guest, sneaky):
    refused = guest.post("/signin", {"method": "room", "room-room": "204" + sneaky, "room-surname": "Garcia"})
    assert refused.status_code == 400
    assert MESSAGE in text(refused)


@pytest.mark.parametrize("sneaky", SNEAKY)
def test_check_in_refuses_control_characters_in_every_one_line_field(app, world, sneaky):
    make_named_staff(app, world.hotel_id, "rita@lodge.test", "Rita Reyes")
    desk = signed_in_staff(app, "rita@lodge.test")
    typed = check_in_form(world, email="ada@example.com" + sneaky, first_name="Ada" + sneaky)
    refused = desk.post("/desk/check-in", typed)
    assert refused.status_code == 400
    assert text(refused).count(MESSAGE) == 2  # on both fields, at once
    with app.app_context():
        assert db.session.scalar(select(Stay).where(Stay.room == "105")) is None


def test_manager_forms_refuse_control_characters_and_text_areas_keep_line_breaks(app, world):
    make_named_staff(app, world.hotel_id, "hoa@lodge.test", "Hoa Pham", StaffRole.MANAGER)
    manager = signed_in_staff(app, "hoa@lodge.test")
    new_colleague = {
        "name": "Thu\r\nAdmin",
        "email": "thu@lodge.test",
        "password": "a long enough password",
        "role": "receptionist",
    }
    refused = manager.post("/manage/staff", new_colleague, page="/manage/staff")
    assert refused.status_code == 400 and MESSAGE in text(refused)
    rooms = manager.post("/manage/rooms", {"numbers": "501\x0b502"}, page="/manage/rooms")
    assert rooms.status_code == 400 and MESSAGE in text(rooms)
    with app.app_context():
        assert db.session.scalar(select(StaffUser).where(StaffUser.email == "thu@lodge.test")) is None
        assert db.session.scalar(select(Room).where(Room.number.in_(["501", "502"]))) is None


def test_a_text_area_keeps_its_line_breaks(app):
    from app.guest.forms import MessageForm

    with app.test_request_context(method="POST", data={"details": "Two towels\r\nand a kettle"}):
        form = MessageForm(meta={"csrf": False})
        assert form.validate(), form.errors


def _all_subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _all_subclasses(sub)


def test_every_form_of_the_app_is_a_lobby_form():
    """A form built on FlaskForm directly would skip the check: every one derives from LobbyForm."""
    for module in pkgutil.walk_packages(app_package.__path__, "app."):
        importlib.import_module(module.name)
    forms = [cls for cls in _all_subclasses(FlaskForm) if cls.__module__.startswith("app.")]
    assert len(forms) > 20
    strays = [cls.__qualname__ for cls in forms if cls is not LobbyForm and not issubclass(cls, LobbyForm)]
    assert strays == []
