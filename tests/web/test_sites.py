"""Which hotel a guest sees: its /h/<slug> prefix, its host name, or the deployment's default hotel.

The world's Test Lodge is the first hotel (the default, on "localhost"); the Beach Resort is a
second one, reached on its own host name or its prefix. A stay's session never opens the other
hotel's pages, and no sign-in finds the other hotel's stays.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, HotelHost, Stay
from app.services import guest_access, signed_links, sites
from tests import factories
from tests.browsing import text
from tests.conftest import GuestActions, on

BEACH_HOST = "b.lobby.test"


@pytest.fixture
def beach(app, world) -> dict:
    """A second hotel with a catalog, a guest in room 204 called Garcia too, and its own host name."""
    with app.app_context():
        hotel = factories.make_hotel(
            slug="beach", name={"en": "Beach Resort"}, currency="MYR", timezone="Asia/Kuala_Lumpur"
        )
        hotel.hosts.append(HotelHost(host=BEACH_HOST))
        pool = factories.make_pool(hotel, "boats", capacity=4)
        service = factories.make_service(hotel, pool, "kayak")
        db.session.commit()
        stay = factories.make_stay(hotel, room="204", surname="Garcia", first_name="Ana")
        return {"id": hotel.id, "service": service.id, "stay": stay.id, "token": stay.access_token}


# --- Resolution --------------------------------------------------------------------------------


def test_the_host_name_picks_the_hotel_and_an_unknown_host_gets_the_default(client, beach):
    assert "Beach Resort" in text(client.get("/signin", base_url=f"http://{BEACH_HOST}"))
    assert "Beach Resort" in text(client.get("/signin", base_url=f"http://{BEACH_HOST.upper()}:8080"))
    lodge = text(client.get("/signin", base_url="http://somewhere-else.example"))
    assert "Test Lodge" in lodge and "Beach Resort" not in lodge
    assert "Test Lodge" in text(client.get("/signin"))  # localhost, as every other test


def test_the_prefix_picks_the_hotel_and_every_link_keeps_it(client, beach):
    page = text(client.get("/h/beach/signin"))
    assert "Beach Resort" in page
    # Forms, the stylesheet and the language picker all post or point under the prefix.
    assert 'href="/h/beach/static/css/guest.css' in page
    assert 'action="/h/beach/language"' in page
    assert re.search(r'<form[^>]+method="post"(?![^>]*action="/(?!h/beach))', page)
    assert client.get("/h/beach/").headers["Location"] == "/h/beach/signin"
    assert client.get("/h/beach").headers["Location"] == "/h/beach/signin"
    assert client.get("/h/beach/static/css/guest.css").status_code == 200
    assert "Test Lodge" in text(client.get("/h/test-lodge/signin"))


def test_an_unknown_slug_is_not_found(client, beach):
    for path in ("/h/nowhere/signin", "/h/nowhere/", "/h/nowhere/s/whatever"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert "We could not find that page." in text(response)


def test_lobby_hotel_names_the_default_hotel(app, client, beach, monkeypatch):
    monkeypatch.setitem(app.config, "LOBBY_HOTEL", "beach")
    assert "Beach Resort" in text(client.get("/signin"))
    with app.app_context():
        assert sites.directory("beach").default_id == beach["id"]


# --- Signing in: only the site's own stays ---------------------------------------------------


@pytest.mark.parametrize("base, path", [(f"http://{BEACH_HOST}", ""), ("http://localhost", "/h/beach")])
def test_room_and_surname_find_only_the_sites_stay(app, client, world, beach, base, path):
    # Both hotels have a Garcia in room 204: each site signs in its own.
    beach_phone = on(app.test_client(), base, path)
    assert beach_phone.sign_in().status_code == 302
    home = text(beach_phone.client.get("/home"))
    assert "Beach Resort" in home and "Horse riding" not in home
    assert beach_phone.client.get(f"/services/{beach['service']}").status_code == 200

    lodge_phone = GuestActions(app.test_client())
    assert lodge_phone.sign_in().status_code == 302
    lodge_home = text(lodge_phone.client.get("/home"))
    assert "Test Lodge" in lodge_home and "Kayak" not in lodge_home


def test_reference_sign_in_finds_only_the_sites_stay(app, world, beach):
    with app.app_context():
        reference = db.session.get(Stay, beach["stay"]).booking_reference
    lodge = GuestActions(app.test_client())
    form = {"method": "reference", "ref-reference": reference, "ref-surname": "Garcia"}
    refused = lodge.post("/signin", form)
    assert refused.status_code == 401
    assert "We could not find a stay with those details." in text(refused)
    beach_phone = on(app.test_client(), f"http://{BEACH_HOST}")
    assert beach_phone.post("/signin", form).status_code == 302


def test_a_qr_link_of_another_hotel_is_not_found_like_an_unknown_one(app, client, world, beach):
    foreign = client.get(f"/s/{beach['token']}")
    unknown = client.get("/s/not-a-token-at-all")
    assert foreign.status_code == unknown.status_code == 404
    assert "This link is not valid any more." in text(foreign)
    assert client.get("/stay").status_code == 302  # still not signed in
    assert client.get(f"/h/beach/s/{beach['token']}").headers["Location"] == "/h/beach/home"
    assert client.get("/h/beach/stay").status_code == 200
    own = app.test_client().get(f"/s/{beach['token']}", base_url=f"http://{BEACH_HOST}")
    assert own.headers["Location"] == "/home"


def test_an_email_link_of_another_hotel_is_refused(app, world, beach):
    with app.test_request_context():
        stay = db.session.get(Stay, beach["stay"])
        opening = signed_links.open_token(stay, "/stay")
        unsubscribing = signed_links.unsubscribe_token(stay)
    lodge = app.test_client()
    refused = lodge.get(f"/e/{opening}")
    assert refused.status_code == 404 and "This link is not valid any more." in text(refused)
    assert lodge.get(f"/e/unsubscribe/{unsubscribing}").status_code == 404
    assert lodge.get(f"/e/{opening}", base_url=f"http://{BEACH_HOST}").status_code == 302


def test_a_guest_of_one_hotel_is_not_signed_in_on_the_other(app, world, beach):
    phone = app.test_client()
    assert phone.get(f"/h/beach/s/{beach['token']}").status_code == 302
    assert phone.get("/h/beach/home").status_code == 200
    # The same cookie on the Lodge's pages: not signed in there, its own sign-in page instead.
    assert phone.get("/home").headers["Location"].startswith("/signin")
    lodge_signin = text(phone.get("/signin"))
    assert "Test Lodge" in lodge_signin and "Beach Resort" not in lodge_signin
    assert phone.get(f"/services/{beach['service']}").status_code == 302  # to sign in, nothing shown
    # The Beach session is still there for the Beach pages…
    assert phone.get("/h/beach/home").status_code == 200
    # …until the guest signs in at the Lodge, which replaces it.
    assert GuestActions(phone).sign_in().status_code == 302
    assert phone.get("/home").status_code == 200
    assert phone.get("/h/beach/home").status_code == 302


def test_another_hotels_service_package_and_order_are_not_found(app, world, beach):
    phone = GuestActions(app.test_client())
    phone.sign_in()
    assert phone.client.get(f"/services/{beach['service']}").status_code == 404
    assert phone.client.get(f"/services/{beach['service']}/total").status_code == 404
    beach_phone = app.test_client()
    beach_phone.get(f"/h/beach/s/{beach['token']}")
    assert beach_phone.get(f"/h/beach/services/{world.services['horse_riding']}").status_code == 404
    assert beach_phone.get("/h/beach/packages/family").status_code == 404


# --- The directory cache ---------------------------------------------------------------------


def test_a_new_host_name_is_served_at_once_in_this_process(app, client, beach):
    assert "Test Lodge" in text(client.get("/signin", base_url="http://new.lobby.test"))
    with app.app_context():
        hotel = db.session.get(Hotel, beach["id"])
        hotel.hosts.append(HotelHost(host="new.lobby.test"))
        db.session.commit()
    assert "Beach Resort" in text(client.get("/signin", base_url="http://new.lobby.test"))
    with app.app_context():
        db.session.execute(db.delete(HotelHost).where(HotelHost.host == "new.lobby.test"))
        sites.forget()  # a bulk delete goes around the ORM's events: whoever does it says so
        db.session.commit()
    assert "Test Lodge" in text(client.get("/signin", base_url="http://new.lobby.test"))


def test_a_changed_slug_is_served_at_once(app, client, beach):
    assert client.get("/h/beach/signin").status_code == 200
    with app.app_context():
        db.session.get(Hotel, beach["id"]).slug = "langkawi"
        db.session.commit()
    assert client.get("/h/beach/signin").status_code == 404
    assert "Beach Resort" in text(client.get("/h/langkawi/signin"))


# --- Public addresses ------------------------------------------------------------------------


def test_each_hotel_has_its_public_base_url(app, world, beach):
    with app.app_context():
        lodge = db.session.scalar(select(Hotel).where(Hotel.id == world.hotel_id))
        resort = db.session.get(Hotel, beach["id"])
        plain = factories.make_hotel(slug="hills", name={"en": "Hills"})
        db.session.commit()
        url = "https://guests.example.com"
        assert sites.public_base_url(resort, url, "") == f"https://{BEACH_HOST}"
        assert sites.public_base_url(resort, "http://localhost:5000", "") == f"http://{BEACH_HOST}:5000"
        assert sites.public_base_url(lodge, url + "/", "") == url
        assert sites.public_base_url(plain, url, "") == f"{url}/h/hills"
        assert sites.public_base_url(lodge, url, "hills") == f"{url}/h/test-lodge"
        assert sites.public_base_url(plain, url, "hills") == url


@pytest.mark.parametrize(
    "typed, kept",
    [
        ("B.Lobby.Test:8000", "b.lobby.test"),
        ("b.lobby.test.", "b.lobby.test"),
        ("[::1]:5000", "[::1]"),
        ("localhost", "localhost"),
        ("", ""),
    ],
)
def test_host_headers_are_normalized(typed, kept):
    assert sites.normalize_host(typed) == kept


@pytest.mark.parametrize(
    "host, ok",
    [
        ("guests.hotel-a.com", True),
        ("a.lobby.test", True),
        ("localhost", True),
        ("https://guests.hotel-a.com", False),
        ("guests.hotel-a.com:443", False),
        ("guests.hotel-a.com/path", False),
        ("-bad.example.com", False),
        ("bad-.example.com", False),
        ("two..dots.com", False),
        ("Upper.Example.com", False),
        ("a" * 64 + ".com", False),
        ("", False),
    ],
)
def test_host_syntax(host, ok):
    assert sites.host_syntax_ok(host) is ok


def test_guest_access_by_token_is_scoped_to_the_hotel(app, world, beach):
    with app.app_context():
        from app import clock

        lodge = db.session.get(Hotel, world.hotel_id)
        resort = db.session.get(Hotel, beach["id"])
        assert guest_access.stay_by_token(lodge, beach["token"], clock.now()) is None
        assert guest_access.stay_by_token(resort, beach["token"], clock.now()).id == beach["stay"]


def test_after_signing_in_or_picking_a_language_the_guest_stays_on_the_prefixed_site(app, world, beach):
    phone = app.test_client()
    to_signin = phone.get("/h/beach/stay")
    assert to_signin.headers["Location"] == "/h/beach/signin?next=/h/beach/stay?"
    beach_phone = on(phone, "http://localhost", "/h/beach")
    signed_in = beach_phone.post(
        "/signin?next=/h/beach/stay?", {"method": "room", "room-room": "204", "room-surname": "Garcia"}
    )
    assert signed_in.headers["Location"] == "/h/beach/stay"
    page = text(phone.get("/h/beach/stay"))
    assert 'name="next" value="/h/beach/stay?"' in page
    picked = beach_phone.post("/language", {"lang": "en", "next": "/h/beach/stay?"}, page="/stay")
    assert picked.headers["Location"] == "/h/beach/stay"
