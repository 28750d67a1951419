"""Pieces of guest pages kept rendered (app/web/fragments.py) read exactly as if rendered afresh.

Each page is compared byte for byte with the cache off, once its pieces are kept, in two
languages and on a /h/<slug> site; a change of the catalog or of the hotel shows on the next
view; and what a kept piece shows is not read again from the database.
"""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import Hotel, Service, ServicePhoto
from app.models.i18n import LocalizedText
from app.web import fragments
from tests.guest.test_query_budget import demo_guest  # noqa: F401 (a fixture)
from tests.statements import statements_sent

# What differs between two renderings of the same page by design: signed tokens and CSP nonces.
# (A CSRF token is itsdangerous' signed text: payload, timestamp and signature.)
PER_ANSWER = re.compile(r'(nonce="[^"]*"|"[\w-]{20,}\.[\w-]{4,}\.[\w-]{20,}")')


def _page(client, path: str) -> str:
    answer = client.get(path)
    assert answer.status_code == 200, path
    return PER_ANSWER.sub("…", answer.get_data(as_text=True))


def _paths(demo_guest) -> list[str]:  # noqa: F811
    package = f"/packages/{demo_guest.package_code}"
    return [
        "/home",
        package,
        f"{package}?q=ride&kind=slot&fit=party",
        f"{package}?price=abc",  # a refused filter: its error is part of the kept form
        f"{package}?page=2",
        f"/services/{demo_guest.service_id}",
        "/stay",
        "/cart",
        f"/orders/{demo_guest.reference}",
        "/privacy",
        "/h/langbiang/home",
        f"/h/langbiang{package}",
    ]


def _uncached_then_cached(app, client, paths: list[str]) -> list[tuple[str, str, str]]:
    """(path, page with no cache, third page with the cache) for each path."""
    app.config["FRAGMENT_CACHE_SECONDS"] = 0
    try:
        fresh = [_page(client, path) for path in paths]
    finally:
        app.config["FRAGMENT_CACHE_SECONDS"] = 600
    fragments.forget()
    for path in paths:
        _page(client, path)  # rendered and kept
        _page(client, path)
    return [(path, before, _page(client, path)) for path, before in zip(paths, fresh, strict=True)]


@pytest.mark.parametrize("locale", ["en", "ar"])
def test_every_guest_page_reads_the_same_from_kept_pieces(app, guest, demo_guest, locale, frozen_now):  # noqa: F811
    frozen_now(clock.now())  # My stay's live stamp names the minute: one minute for every rendering
    assert guest.post("/language", {"lang": locale, "next": "/home"}, page="/home").status_code == 302
    for path, before, after in _uncached_then_cached(app, guest.client, _paths(demo_guest)):
        assert after == before, path
        assert f'<html lang="{locale}"' in after
    prefixed = _page(guest.client, "/h/langbiang/home")
    assert 'href="/h/langbiang/cart"' in prefixed and 'href="/cart"' not in prefixed


def test_a_language_chosen_after_a_piece_was_kept_shows_at_once(app, guest, demo_guest):  # noqa: F811
    english = _page(guest.client, "/home")
    assert ">Offers</a>" in english and 'value="en" lang="en" selected' in english
    assert guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home").status_code == 302
    vietnamese = _page(guest.client, "/home")
    assert ">Offers</a>" not in vietnamese and 'value="vi" lang="vi" selected' in vietnamese


def test_a_catalog_or_hotel_change_shows_on_the_next_view(app, guest, demo_guest):  # noqa: F811
    package = f"/packages/{demo_guest.package_code}"
    for path in ("/home", package):
        _page(guest.client, path)
    with app.app_context():
        service = db.session.get(Service, demo_guest.package_service_ids[0])
        service.title = LocalizedText({"en": "Renamed by the manager"})
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "langbiang"))
        hotel.address = "12 Renamed Street"
        db.session.commit()
        db.session.remove()
    for path in ("/home", package):
        page = _page(guest.client, path)
        assert "Renamed by the manager" in page, path
        assert "12 Renamed Street" in page, path


def test_a_new_photo_shows_on_the_next_view_of_its_service(app, guest, demo_guest):  # noqa: F811
    path = f"/services/{demo_guest.service_id}"
    _page(guest.client, path)
    with app.app_context():
        service = db.session.get(Service, demo_guest.service_id)
        photo = ServicePhoto(hotel_id=service.hotel_id, service_id=service.id, name="ab" * 16, widths=[320])
        db.session.add(photo)
        db.session.commit()
        db.session.remove()
    assert f"/media/{'ab' * 16}-320.webp" in _page(guest.client, path)


def test_a_second_view_does_not_read_what_its_pieces_show(app, guest, demo_guest):  # noqa: F811
    package = f"/packages/{demo_guest.package_code}"
    counted = {}
    for path in ("/home", package, f"{package}?kind=slot"):
        fragments.forget()
        views = []
        for _ in range(2):
            with statements_sent(app) as sent:
                _page(guest.client, path)
            views.append(sent)
        counted[path] = views
    first, second = counted["/home"]
    previews = [statement for statement in first if "row_number()" in statement.lower()]
    assert len(previews) == 1  # the package previews, read to render their cards
    assert not any("row_number()" in statement.lower() for statement in second)
    for path in (package, f"{package}?kind=slot"):
        first, second = counted[path]
        assert any("count(*)" in statement.lower() for statement in first), path
        assert len(second) == len(first) - 2, path  # neither the count nor the page of services


def test_a_form_answered_with_what_was_typed_is_never_kept(app, guest, demo_guest):  # noqa: F811
    _page(guest.client, "/stay")  # the empty forms, kept
    typed = "Please send towels " + "x" * 2100  # over the limit: refused, and shown back to fix
    refused = guest.post("/stay/requests/help", {"help-details": typed}, page="/stay")
    assert refused.status_code == 400
    assert typed in refused.get_data(as_text=True)
    refused = guest.post("/stay/rate", {"stay-comment": "Typed but not sent"}, page="/stay")
    assert refused.status_code == 400
    again = _page(guest.client, "/stay")
    assert "Please send towels" not in again and "Typed but not sent" not in again
    assert again.count('class="error"') == 0
