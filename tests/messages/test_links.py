"""The signed links in emails: they open the guest's stay, expire with it, and unsubscribe without sign-in."""

from __future__ import annotations

import re
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import select

from app.extensions import db
from app.models import Feedback, MessageKind, Stay
from tests.conftest import GuestActions
from tests.messages.conftest import at, book_timed, parts, send, set_stay

LINK = re.compile(r"https://lobby\.example\.com(/e/[^\s\"<>]+)")


def _confirmation_link(app, world, inbox, frozen_now) -> tuple[str, str]:
    frozen_now(at(world, 0, 9))
    set_stay(app, world.stays["garcia"], email="elena@example.com")
    reference = book_timed(app, world, "garcia", world.today + timedelta(days=2))
    send(app)
    _text, html = parts(inbox.messages[0])
    return LINK.findall(html)[0], reference


def test_link_signs_the_guest_in_and_opens_the_booking(app, world, inbox, frozen_now):
    path, reference = _confirmation_link(app, world, inbox, frozen_now)
    phone = GuestActions(app.test_client())
    opened = phone.client.get(path)
    assert opened.status_code == 302
    assert opened.headers["Location"] == f"/orders/{reference}"
    page = phone.client.get(opened.headers["Location"])
    assert page.status_code == 200
    assert reference in page.get_data(as_text=True)
    assert phone.client.get("/stay").status_code == 200  # signed in, not just this page


def test_link_works_on_departure_day_and_is_refused_the_day_after(app, world, inbox, frozen_now):
    # The factory's stay leaves in 5 days.
    path, _reference = _confirmation_link(app, world, inbox, frozen_now)
    frozen_now(at(world, 5, 23, 59))
    assert app.test_client().get(path).status_code == 302
    frozen_now(at(world, 6, 0, 0))
    refused = app.test_client().get(path)
    assert refused.status_code == 404


def test_tampered_link_is_refused(app, world, inbox, frozen_now):
    path, _reference = _confirmation_link(app, world, inbox, frozen_now)
    payload, signature = path.removeprefix("/e/").split(".")
    other_stay = payload.replace(payload[:3], "WzI")  # [2, ... instead of [1, ...
    assert app.test_client().get(f"/e/{other_stay}.{signature}").status_code == 404
    assert app.test_client().get(f"/e/{payload}.{signature[:-2]}xx").status_code == 404
    phone = app.test_client()
    phone.get(f"/e/{payload}.{signature[:-2]}xx")
    assert phone.get("/stay").status_code == 302  # not signed in


def test_link_of_a_checked_out_stay_is_refused(app, world, inbox, frozen_now):
    path, _reference = _confirmation_link(app, world, inbox, frozen_now)
    set_stay(app, world.stays["garcia"], checked_out_at=at(world, 0, 9))
    assert app.test_client().get(path).status_code == 404


def test_offer_link_opens_the_service_page_with_the_offer_named(app, world, inbox, frozen_now):
    frozen_now(at(world, 0, 10))
    set_stay(
        app,
        world.stays["garcia"],
        email="elena@example.com",
        arrival=world.today + timedelta(days=3),
        departure=world.today + timedelta(days=6),
    )
    send(app)
    _text, html = parts(inbox.messages[0])
    phone = app.test_client()
    opened = phone.get(LINK.findall(html)[0])
    target = urlsplit(opened.headers["Location"])
    assert re.fullmatch(r"/services/\d+", target.path)
    assert "offer=email" in target.query and "why=" in target.query
    assert phone.get(opened.headers["Location"]).status_code == 200


def _thank_you_feedback_path(app, world, inbox) -> str:
    departure = world.today + timedelta(days=1)
    set_stay(app, world.stays["garcia"], email="elena@example.com", departure=departure)
    set_stay(app, world.stays["garcia"], checked_out_at=at(world, 1, 9))
    send(app, at(world, 1, 9, 30))  # checked out: no need to wait for 10:00
    _text, html = parts(inbox.messages[0])
    return next(path for path in LINK.findall(html) if path.startswith("/e/feedback/"))


def test_thank_you_feedback_page_works_after_check_out_without_sign_in(app, world, inbox, frozen_now):
    path = _thank_you_feedback_path(app, world, inbox)
    frozen_now(at(world, 3, 12))  # two days after departure
    phone = GuestActions(app.test_client())
    page = phone.client.get(path)
    assert page.status_code == 200
    answered = phone.post(path, {"nps-score": "9", "nps-comment": "Lovely horses"})
    assert answered.status_code == 302
    with app.app_context():
        feedback = db.session.scalar(select(Feedback).where(Feedback.stay_id == world.stays["garcia"]))
    assert feedback.nps == 9 and feedback.comment == "Lovely horses"
    assert 'name="nps-score"' not in phone.client.get(path).get_data(as_text=True)  # answered once
    frozen_now(at(world, 9, 0))  # more than a week after departure
    assert app.test_client().get(path).status_code == 404


def _unsubscribe_paths(app, world, inbox, frozen_now) -> tuple[str, str]:
    _confirmation_link(app, world, inbox, frozen_now)
    message = inbox.messages[0]
    _text, html = parts(message)
    page = next(p for p in LINK.findall(html) if p.startswith("/e/unsubscribe/"))
    one_click = LINK.search(message["List-Unsubscribe"]).group(1)
    return page, one_click


def _unsubscribed(app, world) -> bool:
    with app.app_context():
        return db.session.get(Stay, world.stays["garcia"]).unsubscribed_at is not None


def _book_again_and_send(app, world) -> int:
    book_timed(app, world, "garcia", world.today + timedelta(days=3))
    return send(app).sent[MessageKind.CONFIRMATION]


def test_unsubscribe_page_asks_then_stops_every_email(app, world, inbox, frozen_now):
    page, _one_click = _unsubscribe_paths(app, world, inbox, frozen_now)
    phone = GuestActions(app.test_client())
    shown = phone.client.get(page)
    assert shown.status_code == 200 and 'lang="en"' in shown.get_data(as_text=True)
    assert not _unsubscribed(app, world)  # looking at the page (or a mail scanner) changes nothing
    assert phone.client.post(page, data={}).status_code == 400  # no CSRF token: refused
    assert phone.post(page, {}).status_code == 200
    assert _unsubscribed(app, world)
    assert _book_again_and_send(app, world) == 0


def test_unsubscribe_page_is_in_the_stays_language(app, world, inbox, frozen_now):
    page, _one_click = _unsubscribe_paths(app, world, inbox, frozen_now)
    set_stay(app, world.stays["garcia"], locale="vi")
    assert 'lang="vi"' in app.test_client().get(page).get_data(as_text=True)


def test_one_click_unsubscribe_needs_no_session_and_no_csrf_token(app, world, inbox, frozen_now):
    _page, one_click = _unsubscribe_paths(app, world, inbox, frozen_now)
    answer = app.test_client().post(one_click, data={"List-Unsubscribe": "One-Click"})
    assert answer.status_code == 204
    assert _unsubscribed(app, world)
    assert _book_again_and_send(app, world) == 0
    assert app.test_client().post(one_click.replace("/one-click", "x/one-click")).status_code == 404
