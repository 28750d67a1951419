"""The manager's /manage/hotel page: every field of the hotel's face, checked before saving, audited,
and shown on the guest pages and emails."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditEntry, Hotel, HotelHost, StaffRole
from tests import factories
from tests.browsing import text
from tests.conftest import GuestActions
from tests.staff import make_staff

PAGE = "/manage/hotel"


def face_form(**changes) -> dict:
    fields = {
        "name_en": "Test Lodge",
        "name_vi": "Nhà nghỉ Thử",
        "house_rules_en": "Quiet after 22:00.\nNo smoking in the rooms.",
        "house_rules_vi": "Giữ yên lặng sau 22:00.",
        "brand_color": "#0b4f8a",
        "accent_color": "#ffd166",
        "enabled_locales": ["en", "vi"],
        "default_locale": "en",
        "currency": "EUR",
        "timezone": "Europe/Vienna",
        "contact_email": "desk@test-lodge.example",
        "contact_phone": "+43 1 234 5678",
        "address": "Waldweg 1\n1010 Wien",
        "hosts": "guests.test-lodge.example\nlodge.lobby.test",
    }
    return fields | changes


def hotel(app, world) -> Hotel:
    with app.app_context():
        found = db.session.get(Hotel, world.hotel_id)
        found.hosts  # noqa: B018 (loaded before the session closes)
        db.session.expunge_all()
        return found


def test_the_page_shows_the_hotel_and_saves_every_field_in_one_audited_change(app, manager, world):
    page = text(manager.client.get(PAGE))
    assert 'name="name_vi"' in page and 'name="house_rules_en"' in page
    assert re.search(r'name="brand_color"[^>]*value="#1f5f4a"', page)

    saved = manager.post(PAGE, face_form())
    assert saved.status_code == 302
    assert "Saved." in text(manager.client.get(PAGE))
    stored = hotel(app, world)
    assert stored.name.as_dict() == {"en": "Test Lodge", "vi": "Nhà nghỉ Thử"}
    assert stored.house_rules.as_dict()["en"] == "Quiet after 22:00.\nNo smoking in the rooms."
    assert (stored.brand_color, stored.accent_color) == ("#0b4f8a", "#ffd166")
    assert (stored.contact_email, stored.contact_phone) == ("desk@test-lodge.example", "+43 1 234 5678")
    assert [each.host for each in stored.hosts] == ["guests.test-lodge.example", "lodge.lobby.test"]
    with app.app_context():
        [entry] = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "hotel.face_changed"))
        assert entry.before["brand_color"] == "#1f5f4a" and entry.after["brand_color"] == "#0b4f8a"
        assert entry.after["hosts"] == ["guests.test-lodge.example", "lodge.lobby.test"]
        assert entry.actor_staff_id is not None
    # Saving the same again changes nothing and records nothing.
    assert manager.post(PAGE, face_form()).status_code == 302
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "hotel.face_changed")
        ).all()
        assert len(entries) == 1, [(e.before, e.after) for e in entries]


@pytest.mark.parametrize(
    "field, colour, message",
    [
        ("brand_color", "#76b7a0", "White text on this colour has a contrast of 2.32:1, and at least 4.5:1"),
        ("accent_color", "#4a5a52", "Dark text on this colour has a contrast of 2.04:1, and at least 4.5:1"),
        ("brand_color", "red", "Please choose a colour written as #rrggbb."),
    ],
)
def test_colours_that_guests_could_not_read_are_refused_with_the_measured_ratio(
    app, manager, world, field, colour, message
):
    refused = manager.post(PAGE, face_form(**{field: colour}))
    assert refused.status_code == 400
    page = text(refused)
    assert message in page
    assert "Quiet after 22:00." in page and 'value="desk@test-lodge.example"' in page  # typed text kept
    assert hotel(app, world).brand_color == "#1f5f4a"  # nothing saved, not even the valid fields
    assert hotel(app, world).hosts == []


def test_the_currency_cannot_change_once_guests_have_ordered(app, manager, world):
    assert manager.post(PAGE, face_form(currency="usd")).status_code == 302
    assert hotel(app, world).currency == "USD"
    with app.app_context():
        factories.placed_order(world.hotel_id, world.stays["garcia"], "ORD-1", clock.now(), currency="USD")
        db.session.commit()
    refused = manager.post(PAGE, face_form(currency="EUR"))
    assert refused.status_code == 400
    assert "The currency cannot change once guests have ordered" in text(refused)
    assert hotel(app, world).currency == "USD"
    assert manager.post(PAGE, face_form(currency="XYZ")).status_code == 400


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"timezone": "Mars/Olympus"}, "Please enter a time zone such as Europe/Vienna"),
        ({"contact_email": "not an address"}, "Please enter a valid email address."),
        ({"enabled_locales": ["vi"], "default_locale": "en"}, "The default language must be one of"),
        ({"name_en": ""}, "Please enter the hotel&#39;s name in its default language."),
        ({"hosts": "https://guests.example.com/"}, "is not a host name. Write only the name"),
        ({"hosts": "guests.example.com:8443"}, "is not a host name."),
    ],
)
def test_other_refusals_say_what_to_do(app, manager, world, fields, message):
    refused = manager.post(PAGE, face_form(**fields))
    assert refused.status_code == 400
    assert message in text(refused)


def test_a_host_name_of_another_hotel_is_refused(app, manager, world):
    with app.app_context():
        other = factories.make_hotel(slug="beach", name={"en": "Beach"})
        other.hosts.append(HotelHost(host="b.lobby.test"))
        db.session.commit()
    refused = manager.post(PAGE, face_form(hosts="lodge.lobby.test\nB.Lobby.Test"))
    assert refused.status_code == 400
    assert "b.lobby.test is already used by another hotel." in text(refused)
    assert hotel(app, world).hosts == []


def test_hosts_can_be_reordered_and_removed(app, manager, world):
    manager.post(PAGE, face_form(hosts="one.lobby.test\ntwo.lobby.test"))
    assert manager.post(PAGE, face_form(hosts="two.lobby.test\none.lobby.test")).status_code == 302
    assert [each.host for each in hotel(app, world).hosts] == ["two.lobby.test", "one.lobby.test"]
    assert manager.post(PAGE, face_form(hosts="")).status_code == 302
    assert hotel(app, world).hosts == []


def test_only_a_manager_opens_the_page(app, staff, world):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert staff.client.get(PAGE).status_code == 403


def _logo(manager, payload: bytes, filename: str = "logo.png"):
    token = manager.csrf(PAGE)
    return manager.client.post(
        f"{PAGE}/logo",
        data={"csrf_token": token, "logo": (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )


def _png(size=(800, 400)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGBA", size, (20, 80, 60, 255)).save(buffer, "PNG")
    return buffer.getvalue()


def test_a_logo_is_re_encoded_served_and_shown_to_guests_with_the_name_as_alt(app, manager, world):
    assert _logo(manager, _png()).status_code == 302
    stored = hotel(app, world)
    assert stored.logo.endswith(".webp")
    with Image.open(Path(app.config["UPLOAD_FOLDER"]) / stored.logo) as image:
        assert image.format == "WEBP" and image.height <= 160
    phone = GuestActions(app.test_client())
    phone.sign_in()
    home = text(phone.client.get("/home"))
    assert f'src="/media/{stored.logo}" alt="Test Lodge"' in home
    with phone.client.get(f"/media/{stored.logo}") as served:
        assert served.status_code == 200

    refused = _logo(manager, b"GIF89a not really", "logo.gif")
    assert refused.status_code == 302
    assert "Please upload a JPEG, PNG or WebP photo." in text(manager.client.get(PAGE))
    assert hotel(app, world).logo == stored.logo

    token = manager.csrf(PAGE)
    assert manager.client.post(f"{PAGE}/logo/remove", data={"csrf_token": token}).status_code == 302
    assert hotel(app, world).logo == ""
    assert not (Path(app.config["UPLOAD_FOLDER"]) / stored.logo).exists()


def test_guest_pages_wear_the_hotels_colours_contact_and_house_rules_in_the_guests_language(
    app, manager, world
):
    manager.post(PAGE, face_form())
    phone = GuestActions(app.test_client())
    signin = text(phone.client.get("/signin"))
    assert re.search(
        r"<style nonce=\"[^\"]+\">:root \{ --pine: #0b4f8a; --pine-dark: #083b68; --sun: #ffd166; \}", signin
    )
    assert "Quiet after 22:00." in signin and 'href="tel:+4312345678"' in signin
    assert "desk@test-lodge.example" in signin and "Waldweg 1" in signin
    phone.sign_in()
    phone.post("/language", {"lang": "vi", "next": "/home"}, page="/home")
    home = text(phone.client.get("/home"))
    assert "Giữ yên lặng sau 22:00." in home and "Quiet after 22:00." not in home
