"""Each kind of guest email: both parts, in the stay's language, with the right things in it."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import (
    Hotel,
    MessageKind,
    OfferImpression,
    OfferPlace,
    OutboundMessage,
    Slot,
    WaitlistEntry,
    WaitlistStatus,
)
from tests.messages.conftest import at, book_timed, parts, send, set_stay

LINK = re.compile(r"https://lobby\.example\.com/e/[^\s\"<>]+")


def only_message(inbox, address="elena@example.com"):
    received = inbox.to(address)
    assert len(received) == 1, [m["Subject"] for m in inbox.messages]
    return received[0]


def assert_in_language(message, html: str, locale: str) -> None:
    assert message["Content-Language"] == locale
    assert f'<html lang="{locale}" dir="ltr">' in html


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_pre_arrival_lists_the_stays_offers_with_signed_links(app, world, inbox, frozen_now, locale):
    frozen_now(at(world, 0, 10))
    world_today = world.today
    set_stay(
        app,
        world.stays["garcia"],
        email="elena@example.com",
        locale=locale,
        arrival=world_today + timedelta(days=5),
        departure=world_today + timedelta(days=9),
    )
    report = send(app)
    assert report.sent[MessageKind.PRE_ARRIVAL] == 1
    message = only_message(inbox)
    text, html = parts(message)
    assert_in_language(message, html, locale)
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert re.fullmatch(
        r"<https://lobby\.example\.com/e/unsubscribe/[^>]+/one-click>", message["List-Unsubscribe"]
    )
    # Catalog titles come from the stay's language (the factories translate them as "[vi] code").
    titles = re.findall(r"\[vi\] \w+", html)
    assert bool(titles) is (locale == "vi")
    assert ("Pony ride" in html) is (locale == "en")
    with app.app_context():
        shown = db.session.scalars(
            select(OfferImpression).where(OfferImpression.place == OfferPlace.EMAIL)
        ).all()
    assert 1 <= len(shown) <= 6
    # Every offer links to its service page through its own signed link, and the text part has them too.
    assert len(set(LINK.findall(html))) >= len(shown) + 2  # offers, all offers, unsubscribe page
    assert set(LINK.findall(text)) == set(LINK.findall(html))


def _vi_or_en(locale: str, code: str) -> str:
    return f"[vi] {code}" if locale == "vi" else code.replace("_", " ").capitalize()


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_confirmation_says_what_when_and_the_total(app, world, inbox, frozen_now, locale):
    frozen_now(at(world, 0, 9))
    set_stay(app, world.stays["garcia"], email="elena@example.com", locale=locale)
    reference = book_timed(app, world, "garcia", world.today + timedelta(days=2))
    send(app)
    message = only_message(inbox)
    text, html = parts(message)
    assert_in_language(message, html, locale)
    for part in (text, html):
        assert reference in part
        assert _vi_or_en(locale, "horse_riding") in part
        assert "9:00" in part  # the session's start in hotel time ("9:00 AM", "09:00")
    assert "60.00" in text or "60,00" in text  # the total, one adult at 60 EUR
    order_link = LINK.findall(html)[0]
    assert order_link in text


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_reminder_lists_every_activity_of_tomorrow_in_one_email(app, world, inbox, frozen_now, locale):
    frozen_now(at(world, 0, 9))
    set_stay(app, world.stays["garcia"], email="elena@example.com", locale=locale)
    tomorrow = world.today + timedelta(days=1)
    book_timed(app, world, "garcia", tomorrow)
    book_timed(app, world, "garcia", tomorrow, service="farm_visit")
    book_timed(
        app, world, "garcia", tomorrow + timedelta(days=1), service="pony_ride", adults=0, children=[0]
    )
    send(app)  # the confirmations
    inbox.messages.clear()
    assert send(app, at(world, 0, 16, 59)).sent[MessageKind.REMINDER] == 0
    assert send(app, at(world, 0, 17, 0)).sent[MessageKind.REMINDER] == 1
    message = only_message(inbox)
    text, html = parts(message)
    assert_in_language(message, html, locale)
    for part in (text, html):
        assert _vi_or_en(locale, "horse_riding") in part
        assert _vi_or_en(locale, "farm_visit") in part
        assert _vi_or_en(locale, "pony_ride") not in part  # the day after
    with app.app_context():
        row = db.session.scalar(select(OutboundMessage).where(OutboundMessage.kind == MessageKind.REMINDER))
    assert row.subject == tomorrow.isoformat()


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_thank_you_links_to_the_feedback_page(app, world, inbox, frozen_now, locale):
    departure = world.today + timedelta(days=1)
    set_stay(app, world.stays["garcia"], email="elena@example.com", locale=locale, departure=departure)
    assert send(app, at(world, 1, 9, 59)).sent[MessageKind.THANK_YOU] == 0
    assert send(app, at(world, 1, 10, 0)).sent[MessageKind.THANK_YOU] == 1
    message = only_message(inbox)
    text, html = parts(message)
    assert_in_language(message, html, locale)
    feedback_links = [link for link in LINK.findall(html) if "/e/feedback/" in link]
    assert len(feedback_links) == 1 and feedback_links[0] in text


@pytest.mark.parametrize("locale", ["en", "vi"])
def test_waiting_list_offer_names_the_service_and_until_when(app, world, inbox, frozen_now, locale):
    now = frozen_now(at(world, 0, 9))
    set_stay(app, world.stays["garcia"], email="elena@example.com", locale=locale)
    with app.app_context():
        slot = db.session.scalars(
            select(Slot).where(
                Slot.pool_id == world.pools["stable"], Slot.local_date == world.today + timedelta(days=2)
            )
        ).first()
        entry = WaitlistEntry(
            hotel_id=world.hotel_id,
            stay_id=world.stays["garcia"],
            service_id=world.services["pony_ride"],
            slot_id=slot.id,
            seats=1,
            held_seats=1,
            status=WaitlistStatus.OFFERED,
            offered_at=now,
            offer_expires_at=now + timedelta(hours=2),  # 11:00 hotel time
        )
        db.session.add(entry)
        db.session.commit()
        entry_id = entry.id
    assert send(app).sent[MessageKind.WAITLIST_OFFER] == 1
    message = only_message(inbox)
    text, html = parts(message)
    assert_in_language(message, html, locale)
    for part in (text, html):
        assert _vi_or_en(locale, "pony_ride") in part
        assert "11:00" in part and "9:00" in part  # kept until, and the session's time
    with app.app_context():
        row = db.session.scalar(
            select(OutboundMessage).where(OutboundMessage.kind == MessageKind.WAITLIST_OFFER)
        )
    assert row.subject == str(entry_id)


def test_arabic_email_is_right_to_left(app, world, inbox, frozen_now, monkeypatch):
    frozen_now(at(world, 0, 10))
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        hotel.enabled_locales = ["en", "vi", "ar"]
        db.session.commit()
    set_stay(
        app,
        world.stays["garcia"],
        email="elena@example.com",
        locale="ar",
        arrival=world.today + timedelta(days=3),
        departure=world.today + timedelta(days=6),
    )
    send(app)
    message = only_message(inbox)
    _text, html = parts(message)
    assert message["Content-Language"] == "ar"
    assert '<html lang="ar" dir="rtl">' in html
