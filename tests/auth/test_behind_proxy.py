"""Behind the TLS proxy: each client is known by its own address, never by the proxy's.

Every request here comes from the test client's 127.0.0.1 (the proxy) and names the real
client in X-Forwarded-For, as nginx's ``proxy_add_x_forwarded_for`` does.
"""

from __future__ import annotations

import pytest

from app.models import StaffRole
from tests.conftest import GuestActions
from tests.staff import PASSWORD, StaffActions, make_staff

SIGNIN = "/staff/signin"


@pytest.fixture
def receptionist(app, world):
    return make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)


@pytest.fixture
def one_proxy(app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_PROXIES", 1)


def browser_at(app, forwarded_for: str, **headers):
    """A fresh browser (its own cookies) whose requests reach the app through the proxy."""
    client = app.test_client()
    client.environ_base["HTTP_X_FORWARDED_FOR"] = forwarded_for
    for name, value in headers.items():
        client.environ_base[f"HTTP_{name.upper()}"] = value
    return client


def staff_sign_in(app, email: str, password: str, forwarded_for: str):
    return StaffActions(browser_at(app, forwarded_for)).sign_in(email, password)


def guest_sign_in(app, forwarded_for: str, surname: str = "Nobody"):
    return GuestActions(browser_at(app, forwarded_for)).sign_in("204", surname)


def test_someone_guessing_a_password_does_not_lock_the_staff_member_out(app, one_proxy, receptionist):
    for _ in range(5):
        assert staff_sign_in(app, receptionist, "guess", "203.0.113.7").status_code == 401
    assert staff_sign_in(app, receptionist, "guess", "203.0.113.7").status_code == 429

    # The receptionist at the desk, behind the same proxy, signs in with the right password.
    assert staff_sign_in(app, receptionist, PASSWORD, "198.51.100.20").status_code == 302
    # And a wrong password of theirs still counts only against their own address.
    assert staff_sign_in(app, receptionist, "typo", "198.51.100.20").status_code == 401
    # The guesser stays refused, even with the right password (else the limit would be no limit).
    assert staff_sign_in(app, receptionist, PASSWORD, "203.0.113.7").status_code == 429


def test_a_client_cannot_escape_its_bucket_by_forging_the_header(app, one_proxy, receptionist):
    """The proxy appends the real address; only that last, trusted entry counts."""
    for forged in range(5):
        answer = staff_sign_in(app, receptionist, "guess", f"10.0.0.{forged}, 203.0.113.7")
        assert answer.status_code == 401
    assert staff_sign_in(app, receptionist, "guess", "10.0.0.99, 203.0.113.7").status_code == 429


def test_without_a_trusted_proxy_the_header_is_ignored(app, receptionist):
    assert app.config["TRUSTED_PROXIES"] == 0  # the default: nothing in front of the app
    for address in range(5):
        assert staff_sign_in(app, receptionist, "guess", f"203.0.113.{address}").status_code == 401
    # A client talking to the app directly cannot pick a fresh address per try.
    assert staff_sign_in(app, receptionist, "guess", "203.0.113.99").status_code == 429


def test_guests_behind_the_proxy_each_have_their_own_sign_in_budget(app, one_proxy, world):
    for _ in range(10):
        assert guest_sign_in(app, "203.0.113.7").status_code == 401
    assert guest_sign_in(app, "203.0.113.7").status_code == 429
    # Another guest in the hotel is not refused because one address tried too often.
    assert guest_sign_in(app, "198.51.100.20", surname="Garcia").status_code == 302


def test_the_proxy_says_the_request_came_over_https(app, one_proxy, receptionist):
    """Flask-WTF then also checks that a form was posted from our own https pages."""
    ours = browser_at(
        app, "198.51.100.20", x_forwarded_proto="https", referer="https://localhost/staff/signin"
    )
    assert StaffActions(ours).sign_in(receptionist).status_code == 302

    elsewhere = browser_at(app, "198.51.100.21", x_forwarded_proto="https", referer="https://evil.example/")
    assert StaffActions(elsewhere).sign_in(receptionist).status_code == 400


def test_the_room_card_link_is_the_guests_address_not_the_desks(
    app, one_proxy, receptionist, world, monkeypatch
):
    """The QR code on the room card is the hotel's public address, whatever address the desk uses
    (an intranet name, a proxy): a guest's phone scans it from outside."""
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://guests.example.com")
    stay_id = next(iter(world.stays.values()))
    desk = browser_at(
        app, "198.51.100.20", x_forwarded_proto="https", referer="https://localhost/staff/signin"
    )
    assert StaffActions(desk).sign_in(receptionist).status_code == 302
    card = desk.get(f"/desk/stays/{stay_id}/card").get_data(as_text=True)
    token = world.tokens[next(iter(world.stays))]
    assert f"https://guests.example.com/s/{token}" in card
    assert "localhost/s/" not in card
