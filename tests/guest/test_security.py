"""What every response promises a browser: security headers, safe cookies, errors without internals."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from flask_babel import force_locale, gettext
from markupsafe import escape
from sqlalchemy import select

from app import create_app
from app.extensions import db, limiter
from app.models import Order, OrderLine, Stay
from config import ProductionConfig
from tests.browsing import text

NONCE = re.compile(r"script-src 'self' 'nonce-([A-Za-z0-9_-]{16,})'")


def ui(app, locale: str, message: str) -> str:
    with app.test_request_context(), force_locale(locale):
        return str(escape(gettext(message)))


def last_slot_id(page: str) -> int:
    return int(re.findall(r'name="slot" value="(\d+)"', page)[-1])


def book(guest, service_id: int) -> str:
    path = f"/services/{service_id}"
    added = guest.post(path, {"slot": last_slot_id(text(guest.client.get(path))), "adults": 1})
    assert added.status_code == 302
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    assert booked.status_code == 302
    return urlsplit(booked.location).path.rsplit("/", 1)[-1]


def session_cookie(response) -> str:
    cookies = [value for value in response.headers.getlist("Set-Cookie") if value.startswith("session=")]
    assert len(cookies) == 1, response.headers
    return cookies[0]


def cookie_attributes(header: str) -> dict[str, str]:
    attributes = {}
    for part in header.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        attributes[name.lower()] = value
    return attributes


# --- Headers --------------------------------------------------------------------------------------

COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "X-Frame-Options": "DENY",
}


def responses(app, guest, world) -> dict:
    """One response of each kind the guest side gives, signed in where that matters."""
    out = {"signin": guest.client.get("/signin"), "signed-out-redirect": guest.client.get("/home")}
    out["csrf-error"] = guest.client.post("/signout", data={})
    out["signin-refused"] = guest.post("/signin", {"method": "room", "room-room": "1", "room-surname": "X"})
    out["signin-redirect"] = guest.sign_in()
    out["home"] = guest.client.get("/home")
    reference = book(guest, world.services["horse_riding"])
    out["confirmation"] = guest.client.get(f"/orders/{reference}")
    out["calendar"] = guest.client.get(f"/orders/{reference}.ics")
    out["not-found"] = guest.client.get("/no-such-page")
    out["order-not-found"] = guest.client.get("/orders/NOPE")
    out["method-not-allowed"] = guest.client.put("/home")
    out["health"] = guest.client.get("/healthz")
    return out


KINDS = [
    "signin",
    "signed-out-redirect",
    "csrf-error",
    "signin-refused",
    "signin-redirect",
    "home",
    "confirmation",
    "calendar",
    "not-found",
    "order-not-found",
    "method-not-allowed",
    "health",
]


@pytest.mark.parametrize("kind", KINDS)
def test_every_response_carries_the_security_headers(app, guest, world, kind):
    response = responses(app, guest, world)[kind]

    for name, value in COMMON_HEADERS.items():
        assert response.headers.get(name) == value, f"{name} on {kind}"
    if response.mimetype == "text/html":
        policy = response.headers["Content-Security-Policy"]
        directives = {d.split()[0]: d.split()[1:] for d in policy.split("; ")}
        assert directives["default-src"] == ["'self'"]
        assert directives["frame-ancestors"] == ["'none'"]
        assert directives["object-src"] == ["'none'"]
        assert directives["base-uri"] == ["'none'"]
        assert directives["form-action"] == ["'self'"]
        for source in ("script-src", "style-src"):
            assert directives[source][0] == "'self'"
            assert re.fullmatch(r"'nonce-[A-Za-z0-9_-]{16,}'", directives[source][1])
        assert "unsafe-inline" not in policy and "unsafe-eval" not in policy and "*" not in policy


def test_page_scripts_carry_the_nonce_of_their_own_response(app, guest, world):
    guest.sign_in()
    first, second = guest.client.get("/home"), guest.client.get("/home")

    nonces = []
    for response in (first, second):
        nonce = NONCE.search(response.headers["Content-Security-Policy"]).group(1)
        page = text(response)
        scripts = re.findall(r"<script\b[^>]*>", page)
        assert scripts, "the page loads its script"
        assert all(f'nonce="{nonce}"' in tag for tag in scripts)
        assert not re.search(r"\son[a-z]+=", page), "inline event handlers would need 'unsafe-inline'"
        assert "<style" not in page or f'<style nonce="{nonce}"' in page
        nonces.append(nonce)
    assert nonces[0] != nonces[1], "a nonce is used for one response only"


def test_calendar_is_a_download_not_a_page(app, guest, world):
    guest.sign_in()
    reference = book(guest, world.services["horse_riding"])

    response = guest.client.get(f"/orders/{reference}.ics")

    assert response.mimetype == "text/calendar"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


# --- Cookies --------------------------------------------------------------------------------------


def test_session_cookie_is_httponly_and_samesite_lax(guest, world):
    response = guest.sign_in()

    attributes = cookie_attributes(session_cookie(response))
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    assert attributes["path"] == "/"
    assert "domain" not in attributes


class _Production(ProductionConfig):
    SECRET_KEY = "production-test-key-" + "x" * 32
    PUBLIC_BASE_URL = "https://guests.example.com"


@pytest.fixture
def production_app(app, database_url):
    production = create_app(
        _Production, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI="memory://"
    )
    yield production
    with production.app_context():
        db.engine.dispose()
    limiter.reset()  # the limiter object is shared by both apps (as in tests/api/test_health.py)


def test_production_session_cookie_is_secure_too(production_app, world):
    client = production_app.test_client()

    response = client.get("/signin", base_url="https://lobby.example")

    attributes = cookie_attributes(session_cookie(response))
    assert "secure" in attributes
    assert "httponly" in attributes
    assert attributes["samesite"] == "Lax"
    for name, value in COMMON_HEADERS.items():
        assert response.headers[name] == value
    assert "frame-ancestors 'none'" in response.headers["Content-Security-Policy"]


def test_production_refuses_to_start_without_a_secret_key(database_url):
    class Unkeyed(ProductionConfig):
        SECRET_KEY = ""

    with pytest.raises(RuntimeError, match="SECRET_KEY"):
        create_app(Unkeyed, SQLALCHEMY_DATABASE_URI=database_url)


def test_signing_in_starts_a_new_session(guest, world):
    guest.client.get("/signin")
    with guest.client.session_transaction() as session:
        session["planted"] = "by someone else"
        session["lang"] = "vi"
        old_token = session["csrf_token"]

    guest.sign_in()

    with guest.client.session_transaction() as session:
        assert "planted" not in session
        assert session.get("csrf_token") != old_token
        assert session["lang"] == "vi"  # the language the guest chose is kept


def test_a_session_naming_another_stay_without_its_fingerprint_is_not_signed_in(app, guest, world):
    guest.sign_in()
    with guest.client.session_transaction() as session:
        session["stay"] = [world.stays["other"], session["stay"][1]]

    response = guest.client.get("/stay")

    assert response.status_code == 302
    assert urlsplit(response.location).path == "/signin"


def test_reissuing_the_access_token_ends_open_sessions(app, guest, world):
    assert guest.open_link(world.tokens["garcia"]).status_code == 302
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).access_token = "reissued-" + "r" * 40
        db.session.commit()

    assert urlsplit(guest.client.get("/home").location).path == "/signin"
    assert guest.open_link(world.tokens["garcia"]).status_code == 404


def test_checking_out_ends_the_session(app, guest, world):
    guest.sign_in()
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.checked_out_at = stay.created_at
        db.session.commit()

    assert urlsplit(guest.client.get("/home").location).path == "/signin"
    assert guest.sign_in().status_code == 401
    assert guest.open_link(world.tokens["garcia"]).status_code == 404


# --- Error pages ----------------------------------------------------------------------------------


def test_an_unexpected_error_shows_a_friendly_page_without_internals(app, guest, world, monkeypatch):
    def explode(*args, **kwargs):
        raise RuntimeError("password=hunter2 at /work/main/app/services/recommendations.py")

    monkeypatch.setattr("app.services.recommendations.packages_for_stay", explode)
    guest.sign_in()

    response = guest.client.get("/home")

    assert response.status_code == 500
    assert response.mimetype == "text/html"
    page = text(response)
    assert "Something went wrong on our side. Please try again in a moment." in page
    for leak in ("Traceback", "RuntimeError", "hunter2", "recommendations.py", 'File "', "werkzeug"):
        assert leak not in page
    assert "Content-Security-Policy" in response.headers
    # The guest is still signed in and the next page works.
    assert guest.client.get("/stay").status_code == 200


def test_an_unexpected_error_while_booking_leaves_nothing_half_done(app, guest, world, monkeypatch):
    guest.sign_in()
    path = f"/services/{world.services['horse_riding']}"
    slot_id = last_slot_id(text(guest.client.get(path)))

    def explode(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("app.services.planning.price_breakdown", explode)
    response = guest.post(path, {"slot": slot_id, "adults": 1})

    assert response.status_code == 500
    assert "boom" not in text(response)
    with app.app_context():
        assert db.session.scalar(select(Order)) is None
        assert db.session.scalar(select(OrderLine)) is None


def test_json_clients_get_json_errors_without_internals(client, world):
    response = client.get("/no-such-page", headers={"Accept": "application/json"})

    assert response.status_code == 404
    assert response.get_json() == {"error": "We could not find that page."}


def set_stay_locale(app, world, locale: str) -> None:
    with app.app_context():
        db.session.get(Stay, world.stays["garcia"]).locale = locale
        db.session.commit()


@pytest.mark.parametrize("path", ["/orders/NOPE", "/services/987654", "/packages/none", "/no-such-page"])
def test_not_found_page_speaks_the_language_the_guest_chose(app, guest, world, path):
    guest.sign_in()
    guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home")

    response = guest.client.get(path)

    assert response.status_code == 404
    page = text(response)
    assert '<html lang="vi"' in page
    assert ui(app, "vi", "Sorry") in page
    assert ui(app, "vi", "Back to the start") in page


@pytest.mark.parametrize("path", ["/orders/NOPE", "/services/987654", "/packages/none", "/no-such-page"])
def test_not_found_page_speaks_the_language_of_the_stay(app, guest, world, path):
    """A guest whose stay is in Vietnamese (set at booking, never switched) reads errors in it too."""
    set_stay_locale(app, world, "vi")
    guest.open_link(world.tokens["garcia"])

    response = guest.client.get(path)

    assert response.status_code == 404
    assert '<html lang="vi"' in text(response)
    assert "Nhà nghỉ Thử" in text(response)  # still the guest's hotel, not a bare "Lobby" page


def test_not_found_page_speaks_the_browser_language_when_signed_out(app, client, world):
    response = client.get("/no-such-page", headers={"Accept-Language": "vi"})

    assert response.status_code == 404
    assert '<html lang="vi"' in text(response)
    assert ui(app, "vi", "We could not find that page.") in text(response)


# --- Methods --------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", ["/signin", "/home", "/stay", "/cart"])
def test_head_is_answered_like_get_without_a_body(guest, world, path):
    guest.sign_in()

    get, head = guest.client.get(path), guest.client.head(path)

    assert head.status_code == get.status_code == 200
    assert head.data == b""
    assert head.headers["X-Content-Type-Options"] == "nosniff"


# (GET /bookings/<id>/cancel is the confirmation step, a page of its own.)
POST_ONLY = ["/signout", "/language", "/checkout", "/cart/lines/1/remove"]
PAGES = ["/signin", "/home", "/stay", "/cart", "/services/1", "/orders/NOPE.ics", "/s/some-token"]


@pytest.mark.parametrize(
    ("method", "path"),
    [
        *(("HEAD", path) for path in POST_ONLY),
        *(("GET", path) for path in POST_ONLY),
        *((method, "/home") for method in ("PUT", "DELETE", "PATCH", "TRACE", "PROPFIND", "FOO")),
        *((method, path) for method in ("PUT", "DELETE") for path in PAGES),
        ("POST", "/home"),
        ("POST", "/stay"),
        ("POST", "/orders/NOPE"),
    ],
)
def test_other_methods_are_not_allowed_and_never_500(app, guest, world, method, path):
    guest.sign_in()

    response = guest.client.open(path, method=method)

    assert response.status_code == 405
    if method != "HEAD":
        assert ui(app, "en", "That action is not possible here.") in text(response)
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("method", "path"), [("PUT", "/home"), ("GET", "/checkout"), ("FOO", "/signin")])
def test_method_not_allowed_says_which_methods_are(guest, world, method, path):
    """RFC 9110 §15.5.6: a 405 response MUST carry an Allow header."""
    response = guest.client.open(path, method=method)

    assert response.status_code == 405
    assert "Allow" in response.headers
    assert method not in response.headers["Allow"].split(", ")


def test_options_is_answered_without_error(guest, world):
    response = guest.client.options("/signin")

    assert response.status_code == 200
    assert set(response.headers["Allow"].split(", ")) >= {"GET", "POST", "HEAD", "OPTIONS"}
