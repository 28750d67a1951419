"""Links carry the right hotel: emails, the desk's room card (QR code) and the API's guest link of a
stay at a second hotel point at that hotel's own site, and open it there.

The second hotel is tried twice: with a host name of its own, and without one (then its links
use the deployment's address with ``/h/<slug>``).
"""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import HotelHost, MessageKind, PaymentMethod, Slot, StaffRole, Stay
from app.services import availability, ordering, planning
from tests import factories
from tests.api.v1.conftest import bearer, make_key
from tests.browsing import text
from tests.messages.conftest import at, inbox, parts, send  # noqa: F401 (the inbox fixture)
from tests.staff import StaffActions, make_staff

PUBLIC = "https://lobby.example.com"
HOST = "b.lobby.test"
LOGO = "0123456789abcdef0123456789abcdef-320.webp"


@pytest.fixture(params=["host", "prefix"])
def second(request, app, world, inbox):  # noqa: F811
    """Hotel B with a guest who has an email address and a booking; its site's base URL."""
    with app.app_context():
        hotel = factories.make_hotel(
            slug="beach",
            name={"en": "Beach Resort", "vi": "Khu nghỉ biển"},
            logo=LOGO,
            brand_color="#0b4f8a",
            contact_email="desk@beach.example",
            contact_phone="+60 4 555 0100",
            address="Pantai Cenang, Langkawi",
        )
        if request.param == "host":
            hotel.hosts.append(HotelHost(host=HOST))
        pool = factories.make_pool(hotel, "boats", capacity=4)
        service = factories.make_service(hotel, pool, "kayak", price_adult=1000)
        availability.ensure_slots(pool, world.today, world.today + timedelta(days=4))
        db.session.commit()
        stay = factories.make_stay(hotel, room="12", surname="Tan", first_name="Mei", email="mei@example.com")
        hotel_id, stay_id, service_id, pool_id = hotel.id, stay.id, service.id, pool.id
    base = f"https://{HOST}" if request.param == "host" else f"{PUBLIC}/h/beach"
    return {
        "kind": request.param,
        "id": hotel_id,
        "stay": stay_id,
        "service": service_id,
        "pool": pool_id,
        "base": base,
    }


def _client_for(app, url: str):
    """A phone's client, and the path to ask for, for an absolute link to either kind of site."""
    parts_ = urlsplit(url)
    path = parts_.path + (f"?{parts_.query}" if parts_.query else "")
    return app.test_client(), path, f"{parts_.scheme}://{parts_.netloc}"


def test_an_email_of_hotel_b_links_to_b_and_opens_b(app, world, inbox, frozen_now, second):  # noqa: F811
    frozen_now(at(world, 0, 9))
    with app.test_request_context():
        stay = db.session.get(Stay, second["stay"])
        slot_id = db.session.scalar(
            select(Slot.id)
            .where(Slot.pool_id == second["pool"], Slot.local_date == world.today + timedelta(days=2))
            .order_by(Slot.starts_at)
        )
        booking = planning.BookingRequest(second["service"], slot_id=slot_id, adults=1, child_indexes=[])
        reference = ordering.sell_at_desk(stay, booking, PaymentMethod.ROOM).reference
    assert send(app).sent[MessageKind.CONFIRMATION] == 1
    [message] = inbox.to("mei@example.com")
    plain, html = parts(message)
    links = set(re.findall(r'https?://[^\s"<>]+', html))
    site_links = {link for link in links if "/e/" in link}
    assert site_links and all(link.startswith(second["base"] + "/e/") for link in site_links), links
    assert "Beach Resort" in html and "Test Lodge" not in html
    # The hotel's face: its logo by absolute address (with its name as alt), colour and contact details.
    assert f'src="{second["base"]}/media/{LOGO}" alt="Beach Resort"' in html
    assert "color:#0b4f8a" in html
    assert "desk@beach.example" in html and "+60 4 555 0100" in html and "Pantai Cenang, Langkawi" in html
    assert "desk@beach.example" in plain and "Pantai Cenang, Langkawi" in plain

    [opening] = [link for link in site_links if "/e/unsubscribe" not in link]
    phone, path, base_url = _client_for(app, opening.replace("&amp;", "&"))
    opened = phone.get(path, base_url=base_url)
    assert opened.status_code == 302
    prefix = "/h/beach" if second["kind"] == "prefix" else ""
    assert opened.headers["Location"] == f"{prefix}/orders/{reference}"
    page = phone.get(opened.headers["Location"], base_url=base_url)
    assert page.status_code == 200 and reference in text(page) and "Beach Resort" in text(page)
    # The same link on the Test Lodge's site opens nothing.
    elsewhere = app.test_client().get(urlsplit(opening).path.removeprefix("/h/beach"))
    assert elsewhere.status_code == 404


def test_the_room_card_of_hotel_b_holds_a_link_to_b(app, world, second, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, second["id"], StaffRole.RECEPTIONIST, email="desk@beach.test"))
    card = text(desk.client.get(f"/desk/stays/{second['stay']}/card"))
    with app.app_context():
        token = db.session.get(Stay, second["stay"]).access_token
    link = f"{second['base']}/s/{token}"
    assert link in card and "<svg" in card
    phone, path, base_url = _client_for(app, link)
    assert phone.get(path, base_url=base_url).status_code == 302
    assert "Tan" in text(
        phone.get(("/h/beach" if second["kind"] == "prefix" else "") + "/stay", base_url=base_url)
    )


def test_the_apis_guest_link_of_hotel_b_points_at_b(app, world, second, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    key = bearer(make_key(app, slug="beach"))
    stay = app.test_client().get(f"/api/v1/stays/{second['stay']}", headers=key).json
    assert stay["guest_link"].startswith(second["base"] + "/s/")
    phone, path, base_url = _client_for(app, stay["guest_link"])
    assert phone.get(path, base_url=base_url).status_code == 302


def test_the_default_hotels_links_stay_on_public_base_url(app, world, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    key = bearer(make_key(app))
    stay = app.test_client().get(f"/api/v1/stays/{world.stays['garcia']}", headers=key).json
    assert stay["guest_link"].startswith(f"{PUBLIC}/s/")


def test_the_calendar_file_of_hotel_b_names_bs_domain(app, world, second, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", PUBLIC)
    with app.test_request_context():
        stay = db.session.get(Stay, second["stay"])
        slot_id = db.session.scalar(
            select(Slot.id).where(Slot.pool_id == second["pool"]).order_by(Slot.starts_at.desc())
        )
        booking = planning.BookingRequest(second["service"], slot_id=slot_id, adults=1, child_indexes=[])
        reference = ordering.sell_at_desk(stay, booking, PaymentMethod.ROOM).reference
        token = stay.access_token
    prefix = "/h/beach" if second["kind"] == "prefix" else ""
    base_url = f"http://{HOST}" if second["kind"] == "host" else "http://localhost"
    phone = app.test_client()
    phone.get(f"{prefix}/s/{token}", base_url=base_url)
    ics = text(phone.get(f"{prefix}/orders/{reference}.ics", base_url=base_url))
    domain = HOST if second["kind"] == "host" else "lobby.example.com"
    assert re.search(rf"UID:{reference}-\d+@{re.escape(domain)}", ics)
