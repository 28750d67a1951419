"""Every guest page of the demo hotel in each of its six languages: right lang and dir, no English left."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import cache
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from babel import Locale
from babel.messages.pofile import read_po
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    GuestRequest,
    Hotel,
    Package,
    Payment,
    ResourcePool,
    Service,
    Slot,
    Stay,
    WaitlistEntry,
    WaitlistStatus,
)
from app.seed.catalog_data import HOTEL
from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD
from app.services import api_tokens, arrival_imports
from config import Config

OTHER_LOCALES = [code for code in Config.LANGUAGES if code != "en"]


class VisibleText(HTMLParser):
    """The text a guest reads: text nodes outside script and style, plus labels in attributes."""

    SKIP = {"script", "style"}
    READ_ATTRIBUTES = {"aria-label", "placeholder", "title", "alt"}

    def __init__(self):
        super().__init__()
        self.texts: set[str] = set()
        self._skipping = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.SKIP:
            self._skipping += 1
        for name, value in attrs:
            if name in self.READ_ATTRIBUTES and value:
                self.texts.add(value.strip())

    def handle_endtag(self, tag):
        if tag in self.SKIP:
            self._skipping -= 1

    def handle_data(self, data):
        if not self._skipping and data.strip():
            self.texts.add(" ".join(data.split()))


@cache
def same_in(locale: str) -> frozenset[str]:
    """Interface strings a translator kept as they are ("Email" in Vietnamese, "Status" in Malay)."""
    path = Path(__file__).resolve().parents[2] / "translations" / locale / "LC_MESSAGES" / "messages.po"
    with path.open("rb") as handle:
        catalog = read_po(handle, locale=locale)
    return frozenset(message.id for message in catalog if message.id and message.string == message.id)


BOOKING_REFERENCE = re.compile(r"[A-Z2-7]{4}(-[A-Z2-7]{1,4})+|[A-Z2-7]{8}")  # stay or order reference


def words_of(page: str) -> set[str]:
    parser = VisibleText()
    parser.feed(page)
    # Numbers, prices, times and references read the same in any language; so do the
    # language names in the picker (each is written in its own language on every page).
    return {
        text
        for text in parser.texts
        if re.search(r"[^\W\d_]{2,}", text)
        and not re.search(r"\d", text)
        and not BOOKING_REFERENCE.fullmatch(text)  # base32: now and then without a digit
    }


@pytest.fixture
def demo_pages(app, guest, demo_template):
    """Garcia signed in with horse riding booked and a stroller in the cart; the pages to read."""
    with app.app_context():
        hotel, _stays = demo_template.seed()
        services = {
            s.code: s.id for s in db.session.scalars(select(Service).where(Service.hotel_id == hotel.id))
        }
    assert guest.sign_in().status_code == 302
    riding = f"/services/{services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(riding).get_data(as_text=True))[-1]
    assert guest.post(riding, {"slot": slot, "adults": 1}).status_code == 302
    booked = guest.post("/checkout", {"payment_method": "room"}, page="/cart")
    reference = urlsplit(booked.location).path.rsplit("/", 1)[-1]
    stroller = f"/services/{services['stroller']}"
    assert guest.post(stroller, {"start_date": "", "days": 1, "quantity": 1}).status_code == 400
    _wait_for_two_rides(app, services["horse_riding"])
    return [
        "/home",
        "/packages/family",
        "/packages/nature",
        riding,
        stroller,
        f"/services/{services['crib']}",
        "/cart",
        f"/orders/{reference}",
        "/stay",
        "/no-such-page",
    ]


def _wait_for_two_rides(app, riding: int) -> None:
    """Garcia waits for one full ride and has places offered on another: My stay shows both."""
    with app.app_context():
        stay = db.session.scalar(select(Stay).where(Stay.room == "204"))
        pool_id = db.session.get(Service, riding).pool_id
        full, offered = db.session.scalars(
            select(Slot)
            .where(Slot.pool_id == pool_id, Slot.starts_at > clock.now() + timedelta(days=1))
            .order_by(Slot.starts_at)
        ).all()[:2]
        full.taken = full.capacity
        for slot, status in ((full, WaitlistStatus.WAITING), (offered, WaitlistStatus.OFFERED)):
            db.session.add(
                WaitlistEntry(
                    hotel_id=stay.hotel_id,
                    stay_id=stay.id,
                    service_id=riding,
                    slot_id=slot.id,
                    adults=1,
                    seats=1,
                    held_seats=1 if status is WaitlistStatus.OFFERED else 0,
                    status=status,
                    offered_at=clock.now() if status is WaitlistStatus.OFFERED else None,
                    offer_expires_at=clock.now() + timedelta(hours=1)
                    if status is WaitlistStatus.OFFERED
                    else None,
                )
            )
        offered.taken += 1
        db.session.commit()


def render(guest, path: str, locale: str) -> str:
    assert guest.post("/language", {"lang": locale, "next": "/home"}, page="/home").status_code == 302
    return guest.client.get(path).get_data(as_text=True)


# Names are names in every language, and so are the hotel's contact details (its About section);
# the picker names each language in itself on every page.
ALLOWED_SAME = (
    {"Langbiang Highland Lodge", "Garcia", "Elena", "Lobby"}
    | {HOTEL[detail] for detail in ("contact_email", "contact_phone", "address")}
    | {Locale.parse(code).get_display_name(code).capitalize() for code in Config.LANGUAGES}
)


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_every_guest_page_speaks_the_chosen_language(guest, demo_pages, locale):
    english = {path: words_of(render(guest, path, "en")) for path in demo_pages}
    for path in demo_pages:
        page = render(guest, path, locale)
        direction = "rtl" if locale == "ar" else "ltr"
        assert f'<html lang="{locale}" dir="{direction}">' in page, path
        left_in_english = english[path] & words_of(page) - ALLOWED_SAME - same_in(locale)
        assert left_in_english == set(), f"{path} in {locale} still shows English: {left_in_english}"


def test_signed_out_sign_in_page_in_every_language(client, app, demo_template):
    with app.app_context():
        demo_template.seed()
    english = words_of(client.get("/signin", headers={"Accept-Language": "en"}).get_data(as_text=True))
    for locale in OTHER_LOCALES:
        page = client.get("/signin", headers={"Accept-Language": locale}).get_data(as_text=True)
        assert f'<html lang="{locale}"' in page
        assert english & words_of(page) - ALLOWED_SAME - same_in(locale) == set(), locale


@pytest.fixture
def staff_pages(app, guest, demo_pages, staff):
    """The desk as a manager sees it, with Garcia's booking and a request of theirs in it."""

    assert (
        guest.post(
            "/stay/requests/item", {"item-item": "pillows", "item-quantity": 1}, page="/stay"
        ).status_code
        == 302
    )
    with app.app_context():
        garcia = db.session.scalar(select(Stay).where(Stay.room == "204")).id
        arriving = db.session.scalar(select(Stay).where(Stay.room == "305")).id
        request_id = db.session.scalar(select(GuestRequest.id).where(GuestRequest.stay_id == garcia).limit(1))
        payment_id = db.session.scalar(select(Payment.id))
        hotel = db.session.get(Hotel, db.session.scalar(select(Stay.hotel_id).where(Stay.id == garcia)))
        riding = db.session.scalar(
            select(Service.id).where(Service.hotel_id == hotel.id, Service.code == "horse_riding")
        )
        package_id = db.session.scalar(
            select(Package.id).where(Package.hotel_id == hotel.id, Package.code == "nature")
        )
        pool_id = db.session.scalar(
            select(ResourcePool.id).where(ResourcePool.hotel_id == hotel.id, ResourcePool.code == "stable")
        )
        key, _token = api_tokens.create_token(hotel, "Mews", None, ["stays:read", "folio:write"])
        key_id = key.id
        for status in (201, 422):
            api_tokens.record_call(
                key_id, api_tokens.Call("POST", "/api/v1/stays", status, 12, "retry-1", True)
            )
    assert staff.sign_in(DEMO_STAFF[1][0], DEMO_STAFF_PASSWORD).status_code == 302
    return [
        "/desk/queue",
        f"/desk/requests/{request_id}",
        "/desk/?q=204",
        f"/desk/stays/{garcia}",
        # The room card is in the guest's language, not the staff's (tests/desk/test_stay_life_pages.py).
        f"/desk/stays/{garcia}/check-out",
        f"/desk/stays/{arriving}",
        f"/desk/stays/{arriving}/check-in",
        f"/desk/stays/{garcia}/sell",
        f"/desk/stays/{garcia}/sell?service={riding}",
        f"/desk/payments/{payment_id}/refund",
        "/desk/check-in",
        "/desk/today",
        "/desk/feedback",
        "/desk/refunds",
        "/desk/arrivals",
        "/manage/folio",
        "/manage/pms",
        "/manage/staff",
        "/manage/api-tokens",
        f"/manage/api-tokens/{key_id}",
        "/manage/catalog",
        f"/manage/services/{riding}",
        "/manage/services/new",
        f"/manage/packages/{package_id}",
        "/manage/dashboard",
        "/manage/discounts",
        "/manage/sla",
        "/manage/rooms",
        "/manage/packages/new",
        "/manage/pools",
        f"/manage/pools/{pool_id}",
        "/staff/signin",
    ]


# Staff pages also show what people typed and who they are: names, emails, the demo's requests.
STAFF_ALLOWED_SAME = ALLOWED_SAME | {
    "Linh (reception)",
    "Hoa (manager)",
    "Lan (group office)",  # the group's office works at the lodge too
    "Elena Garcia",
    "Chidi Okafor",
    "Minh Anh Trần",
    "Our youngest has a cold. Could someone bring a kettle and some honey?",
    "Mews",  # an API token's name
    *api_tokens.SCOPES,  # shown as codes beside their names, as the PMS's settings know them
    # The arrivals file's column names: a file's header must use them, in whatever language it is read.
    *arrival_imports.COLUMNS,
    *(alias for aliases in arrival_imports.COLUMNS.values() for alias in aliases),
}


def catalog_texts(app) -> set[str]:
    """The editor shows every language's catalog texts in its tabs, whatever the staff member reads."""
    with app.app_context():
        texts = [pool.name for pool in db.session.scalars(select(ResourcePool))]
        for package in db.session.scalars(select(Package)):
            texts += [package.title, package.summary]
        for service in db.session.scalars(select(Service)):
            texts += [service.title, service.summary, service.description]
    return {" ".join(value.split()) for text in texts for value in text.as_dict().values()}


@pytest.mark.parametrize("locale", OTHER_LOCALES)
def test_every_staff_page_follows_the_staff_members_language(app, staff, staff_pages, locale):
    def read(path: str, lang: str) -> str:
        assert (
            staff.post(
                "/staff/language", {"lang": lang, "next": "/desk/queue"}, page="/desk/queue"
            ).status_code
            == 302
        )
        response = staff.client.get(path)
        assert response.status_code == 200, (path, lang)
        return response.get_data(as_text=True)

    editor_texts = catalog_texts(app)
    english = {path: words_of(read(path, "en")) for path in staff_pages}
    for path in staff_pages:
        page = read(path, locale)
        assert f'<html lang="{locale}" dir="{"rtl" if locale == "ar" else "ltr"}">' in page, path
        shown = english[path] & words_of(page) - STAFF_ALLOWED_SAME - same_in(locale) - editor_texts
        # Emails and an API token's first characters read the same in any language.
        left = {text for text in shown if "@" not in text and api_tokens.TOKEN_START not in text}
        assert left == set(), f"{path} in {locale} still shows English: {left}"
