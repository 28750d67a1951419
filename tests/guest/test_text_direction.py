"""Text in another direction than the page keeps its own: fallbacks, names, rooms and references."""

from __future__ import annotations

import re

import pytest
from flask import g
from flask_babel import force_locale, refresh

from app.extensions import db
from app.models import Hotel, Service
from app.models.i18n import LocalizedText
from app.services import rich_text
from tests.guest.test_pages import book, switch_language, text

FSI, PDI = "\u2068", "\u2069"


@pytest.fixture
def arabic_guest(app, guest, world):
    """The Garcias signed in with the page in Arabic; horse riding has no Arabic texts, the pony ride has."""
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        hotel.enabled_locales = ["en", "vi", "ar"]
        pony = db.session.get(Service, world.services["pony_ride"])
        pony.title = LocalizedText({"en": "Pony ride", "ar": "ركوب المهر"})
        pony.summary = LocalizedText({"en": "About pony_ride", "ar": "عن ركوب المهر"})
        pony.description = LocalizedText({"en": "All about ponies.", "ar": "كل شيء عن المهور."})
        db.session.commit()
    assert guest.sign_in().status_code == 302
    assert switch_language(guest, "ar", page="/home").status_code == 302
    return guest


def test_an_english_fallback_is_isolated_and_labelled_on_an_arabic_page(arabic_guest, world):
    page = text(arabic_guest.client.get(f"/services/{world.services['horse_riding']}"))

    assert '<html lang="ar" dir="rtl"' in page
    assert '<h1><bdi lang="en">Horse riding</bdi></h1>' in page
    assert '<p class="lead"><bdi lang="en">About horse_riding</bdi></p>' in page
    assert '<div lang="en" dir="auto"><p>All about horse_riding.</p></div>' in page
    # Where markup cannot go (the page title, the photo's alt), the text isolates itself.
    assert f"<title>{FSI}Horse riding{PDI}" in page


def test_a_translated_text_needs_no_isolation(arabic_guest, world):
    page = text(arabic_guest.client.get(f"/services/{world.services['pony_ride']}"))

    assert "<h1>ركوب المهر</h1>" in page
    assert '<p class="lead">عن ركوب المهر</p>' in page
    assert '<div class="description"><p>كل شيء عن المهور.</p></div>' in page
    main = page.split("<main", 1)[1]
    assert FSI not in main and 'lang="en"' not in main


def test_names_rooms_and_references_are_isolated(arabic_guest, world):
    reference = book(arabic_guest, world.services["farm_visit"])
    home = text(arabic_guest.client.get("/home"))
    assert "<bdi>Elena</bdi>" in home
    assert re.search(r"<bdi>204</bdi>\S* · \S*<bdi>Garcia</bdi>", home), "the header's room and surname"
    confirmation = text(arabic_guest.client.get(f"/orders/{reference}"))
    assert f"<bdi>{reference}</bdi>" in confirmation
    assert "<bdi>204</bdi>" in text(arabic_guest.client.get("/stay"))


def test_rich_text_says_which_language_fell_back(app):
    description = LocalizedText({"en": "**Bring** a hat."})
    with app.test_request_context(), force_locale("ar"):
        g.hotel = Hotel(timezone="UTC", default_locale="en", enabled_locales=["en", "ar"])
        refresh()
        assert (
            rich_text.render(description)
            == '<div lang="en" dir="auto"><p><strong>Bring</strong> a hat.</p></div>'
        )
        assert str(description) == "**Bring** a hat."  # plain text (CSV, e-mail subjects) stays unmarked
