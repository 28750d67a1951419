"""Catalog texts: one JSON value per field, localized with a fallback, never empty."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import LocalizedText, Service, i18n


def test_localize_falls_back_from_region_to_language_to_hotel_default():
    text = LocalizedText({"en": "Horse riding", "vi": "Cưỡi ngựa"})
    assert text.localize("vi") == "Cưỡi ngựa"
    assert text.localize("vi_VN") == "Cưỡi ngựa"
    assert text.localize("ka", fallbacks=("vi",)) == "Cưỡi ngựa"
    assert text.localize("ka") == "Horse riding"


def test_blank_translations_count_as_missing():
    text = LocalizedText({"en": "Sauna", "vi": "   "})
    assert not text.has("vi")
    assert text.localize("vi") == "Sauna"


def test_a_text_without_english_still_shows_something():
    assert LocalizedText({"vi": "Câu cá"}).localize("ru") == "Câu cá"


def test_stored_as_one_json_object_and_read_back(app, world):
    with app.app_context():
        service = db.session.get(Service, world.services["horse_riding"])
        service.title = LocalizedText({"en": "Trail ride", "vi": "Cưỡi ngựa đường rừng"})
        db.session.commit()
        db.session.expire_all()
        reread = db.session.scalar(select(Service).where(Service.id == world.services["horse_riding"]))
        assert reread.title.as_dict() == {"en": "Trail ride", "vi": "Cưỡi ngựa đường rừng"}


def test_str_follows_the_request_language(app, world):
    with app.test_request_context(headers={"Accept-Language": "vi"}):
        service = db.session.get(Service, world.services["horse_riding"])
        service.title = LocalizedText({"en": "Trail ride", "vi": "Cưỡi ngựa"})
        assert str(service.title) == "Cưỡi ngựa"


def test_str_asks_the_resolver_the_web_layer_set_and_defaults_to_english(app, monkeypatch):
    """Models know no request: the locale comes from a resolver handed in at app creation."""
    text = LocalizedText({"en": "Sauna", "ka": "საუნა", "vi": "Xông hơi"})
    monkeypatch.setattr(i18n, "_locale_chain", lambda: ("ru", ("ka",)))  # put back after the test
    assert str(text) == "საუნა"  # no Russian: the hotel's default, Georgian
    i18n.set_locale_chain_resolver(None)  # a script without the web layer
    assert str(text) == "Sauna"
