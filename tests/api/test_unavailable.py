"""When the database (or Redis) does not answer: 503 with Retry-After and the friendly page, never a 500.

Real outages, not mocks: an app pointed at a PostgreSQL port nothing listens on, or at
a SQLite file in a folder that does not exist; cookies from a working app replayed on
it, as when the database goes away in the middle of a shift.
"""

from __future__ import annotations

import re

import pytest

from app import create_app
from app.extensions import db, limiter
from app.models import StaffRole
from config import TestConfig
from tests.browsing import text
from tests.conftest import GuestActions
from tests.servers import free_port
from tests.staff import StaffActions, make_staff


@pytest.fixture(params=["postgresql", "sqlite"])
def unreachable(request, tmp_path) -> str:
    if request.param == "postgresql":
        return f"postgresql://postgres@127.0.0.1:{free_port()}/lobby"
    return f"sqlite:///{tmp_path / 'no-such-folder' / 'lobby.sqlite3'}"


@pytest.fixture
def keep_rate_limits():
    """Each app binds the one shared limiter to its own storage; give the suite's back afterwards."""
    saved = limiter._storage, limiter._limiter
    yield
    limiter._storage, limiter._limiter = saved


def down_app(url: str, **settings):
    return create_app(TestConfig, SQLALCHEMY_DATABASE_URI=url, **settings)


def assert_friendly_503(response, lang: str = "en") -> str:
    page = text(response)
    assert response.status_code == 503, page[:500]
    assert response.headers["Retry-After"] == "30"
    assert re.search(rf'<html lang="{lang}"', page)
    assert 'class="card error-page"' in page
    assert "Traceback" not in page and "OperationalError" not in page
    return page


@pytest.mark.parametrize("path", ["/", "/signin", "/home", "/stay", "/services/1", "/orders/ABC123"])
def test_guest_pages_answer_503_in_english(unreachable, keep_rate_limits, path):
    client = down_app(unreachable).test_client()
    page = assert_friendly_503(client.get(path))
    assert "We are briefly unable to reach our records. Please try again in a minute." in page


def test_the_page_speaks_the_browsers_language(unreachable, keep_rate_limits):
    client = down_app(unreachable).test_client()
    page = assert_friendly_503(client.get("/home", headers={"Accept-Language": "ru,en;q=0.5"}), "ru")
    assert "Извините" in page  # "Sorry", from the Russian catalog


def test_signed_in_guest_and_staff_get_the_friendly_page_when_the_database_goes_away(
    app, world, unreachable, keep_rate_limits
):
    email = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)
    guest, desk = GuestActions(app.test_client()), StaffActions(app.test_client())
    assert guest.sign_in().status_code == 302
    assert guest.post("/language", {"lang": "vi", "next": "/stay"}, page="/stay").status_code == 302
    token = guest.csrf("/stay")
    assert desk.sign_in(email).status_code == 302
    assert desk.client.get("/desk/queue").status_code == 200

    # The same signed cookies, now on an app whose database does not answer.
    phone = down_app(unreachable).test_client()
    phone.set_cookie("session", guest.client.get_cookie("session").value)
    assert_friendly_503(phone.get("/stay"), "vi")
    asked = phone.post(
        "/stay/requests/help", data={"csrf_token": token, "help-details": "The safe is locked"}
    )
    assert_friendly_503(asked, "vi")

    screen = down_app(unreachable).test_client()
    screen.set_cookie("session", desk.client.get_cookie("session").value)
    page = assert_friendly_503(screen.get("/desk/queue"))
    assert 'href="/desk/"' in page  # the staff layout, with its way back
    for stylesheet in re.findall(r'<link rel="stylesheet" href="([^"]+)"', page):
        served = screen.get(stylesheet)
        served.close()
        assert served.status_code == 200  # so the page still looks like Lobby


def test_the_api_answers_503_in_json(unreachable, keep_rate_limits):
    client = down_app(unreachable, PMS_API_TOKEN="pms-secret").test_client()
    response = client.get("/api/hotels/lodge/folio/exports/1", headers={"Authorization": "Bearer pms-secret"})
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json()["error"]


def test_healthz_says_which_part_failed(unreachable, keep_rate_limits):
    response = down_app(unreachable).test_client().get("/healthz")
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert response.get_json() == {"status": "error", "database": "error", "rate_limits": "ok"}


def test_redis_down_answers_503_and_healthz_names_it(app, database_url, world, keep_rate_limits):
    nothing_there = f"redis://127.0.0.1:{free_port()}/0"
    other = create_app(TestConfig, SQLALCHEMY_DATABASE_URI=database_url, RATELIMIT_STORAGE_URI=nothing_there)
    try:
        _redis_down(other.test_client())
    finally:
        with other.app_context():  # its own pool on the suite's database: close it now, not at GC time
            db.engine.dispose()


def _redis_down(client) -> None:
    health = client.get("/healthz")
    assert health.status_code == 503
    assert health.get_json() == {"status": "error", "database": "ok", "rate_limits": "error"}

    page = text(client.get("/signin"))
    token = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', page).group(1)
    signing_in = client.post(
        "/signin",
        data={"csrf_token": token, "method": "room", "room-room": "204", "room-surname": "Garcia"},
    )
    assert_friendly_503(signing_in)
