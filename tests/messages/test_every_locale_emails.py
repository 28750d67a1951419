"""Every kind of email, and the pages its links open without sign-in, in each of the six languages."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    Hotel,
    MessageKind,
    PaymentMethod,
    Service,
    Slot,
    Stay,
    WaitlistEntry,
    WaitlistStatus,
)
from app.seed.catalog_data import HOTEL
from app.services import messages, ordering, planning, signed_links
from tests.guest.test_every_locale import ALLOWED_SAME, OTHER_LOCALES, same_in, words_of


@pytest.fixture
def demo_stay(app, demo_template):
    """Garcia (demo) with a ride tomorrow and a waiting-list offer, so every kind has something to say."""
    with app.test_request_context():
        hotel, stays = demo_template.seed()
        stay = stays.in_house
        tomorrow = clock.now().astimezone(hotel.tz).date() + timedelta(days=1)
        riding = db.session.scalar(
            select(Service).where(Service.hotel_id == hotel.id, Service.code == "horse_riding")
        )
        first, second = db.session.scalars(
            select(Slot)
            .where(Slot.pool_id == riding.pool_id, Slot.local_date == tomorrow)
            .order_by(Slot.starts_at)
        ).all()[:2]
        order = ordering.sell_at_desk(
            stay, planning.BookingRequest(riding.id, slot_id=first.id, adults=1), PaymentMethod.ROOM
        )
        entry = WaitlistEntry(
            hotel_id=hotel.id,
            stay_id=stay.id,
            service_id=riding.id,
            slot_id=second.id,
            adults=1,
            seats=1,
            status=WaitlistStatus.OFFERED,
            offered_at=clock.now(),
            offer_expires_at=clock.now() + timedelta(hours=1),
        )
        db.session.add(entry)
        db.session.commit()
        dues = [
            messages.Due(MessageKind.PRE_ARRIVAL, stay.id),
            messages.Due(MessageKind.CONFIRMATION, stay.id, order.reference),
            messages.Due(MessageKind.REMINDER, stay.id, tomorrow.isoformat()),
            messages.Due(MessageKind.THANK_YOU, stay.id),
            messages.Due(MessageKind.WAITLIST_OFFER, stay.id, str(entry.id)),
        ]
        return stay.id, dues, order.reference


def text_lines(text: str) -> set[str]:
    """The plain-text part's lines that are words (not links, prices or dates)."""
    lines = (re.sub(r"\S+://\S+", "", line).strip(" *") for line in text.splitlines())
    return {line for line in lines if re.search(r"[^\W\d_]{2,}", line) and not re.search(r"\d", line)}


def emails_in(app, stay_id: int, dues, locale: str) -> dict[MessageKind, tuple[set[str], str]]:
    with app.app_context():
        stay = db.session.get(Stay, stay_id)
        stay.locale = locale
        db.session.commit()
        hotel = db.session.get(Hotel, stay.hotel_id)
        rendered = {}
        for due in dues:
            email, _offers = messages.render(stay, hotel, due, clock.now())
            rendered[due.kind] = (words_of(email.html) | text_lines(email.text) | {email.subject}, email.html)
        return rendered


def pages_in(app, client, stay_id: int, locale: str) -> dict[str, tuple[set[str], str]]:
    with app.test_request_context():
        stay = db.session.get(Stay, stay_id)
        stay.locale = locale
        db.session.commit()
        paths = [
            f"/e/unsubscribe/{signed_links.unsubscribe_token(stay)}",
            f"/e/feedback/{signed_links.feedback_token(stay)}",
        ]
    pages = {}
    for path in paths:
        page = client.get(path).get_data(as_text=True)
        pages[path.split("/")[2]] = (words_of(page), page)
    return pages


# The reference and the demo's people are the same in every language.
# The footers name the hotel with its address, in the hotel's own words in every language.
SAME = (
    ALLOWED_SAME
    | {"Elena Garcia", "Langbiang Highland Lodge"}
    | {f"Langbiang Highland Lodge{joint}{HOTEL['address']}" for joint in (" · ", ", ")}
)


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_every_email_is_written_in_the_stays_language(app, demo_stay, locale):
    stay_id, dues, _reference = demo_stay
    english = emails_in(app, stay_id, dues, "en")
    translated = emails_in(app, stay_id, dues, locale)

    assert set(translated) == set(MessageKind)
    for kind, (words, html) in translated.items():
        assert f'lang="{locale}"' in html, kind
        left = english[kind][0] & words - SAME - same_in(locale)
        assert left == set(), f"{kind} in {locale} still shows English: {left}"


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_the_pages_email_links_open_are_in_the_stays_language(app, client, demo_stay, locale):
    stay_id, _dues, _reference = demo_stay
    english = pages_in(app, client, stay_id, "en")
    translated = pages_in(app, client, stay_id, locale)

    for name, (words, page) in translated.items():
        assert f'<html lang="{locale}"' in page, name
        left = english[name][0] & words - SAME - same_in(locale)
        assert left == set(), f"{name} page in {locale} still shows English: {left}"
