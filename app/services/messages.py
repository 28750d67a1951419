"""Guest emails that go out by themselves: which are due, claimed once in the database, rendered, sent.

``send_due_messages`` is what ``flask lobby send-due-messages`` runs from cron. Each
message is claimed before it is sent by inserting its ``OutboundMessage`` row (unique per
stay, kind and subject) in a committed transaction; a second run, at the same time or
later, fails to insert it and moves on. A message is therefore sent at most once: a row
left in SENDING by a crash is never sent again, and only rows the SMTP server refused
(FAILED) are tried again, a few times.
"""

from __future__ import annotations

from collections import Counter
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Protocol

from flask import Flask, current_app
from flask_babel import gettext as _
from sqlalchemy import String, and_, cast, exists, or_, select, update
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import (
    Hotel,
    LineStatus,
    MessageKind,
    MessageStatus,
    OfferPlace,
    Order,
    OrderLine,
    OrderStatus,
    OutboundMessage,
    Slot,
    Stay,
    WaitlistEntry,
    WaitlistStatus,
)
from app.services import consent, signed_links, view_counts
from app.services.locking import write_transaction
from app.services.mail import Email, Mailer, MailError, build_message

MAX_ATTEMPTS = 3
CONFIRMATION_WITHIN = timedelta(days=2)  # a confirmation later than this is no news any more
REMINDER_FROM_HOUR = 17  # the evening before, hotel time
THANK_YOU_FROM_HOUR = 10  # on departure day, hotel time, after breakfast
THANK_YOU_DAYS_AFTER = 2
OFFERS_IN_EMAIL = 6


@dataclass(frozen=True)
class Due:
    kind: MessageKind
    stay_id: int
    subject: str = ""


@dataclass
class SendReport:
    sent: Counter = field(default_factory=Counter)
    failed: Counter = field(default_factory=Counter)
    taken: int = 0  # claimed by another run first

    def summary(self) -> str:
        kinds = ", ".join(f"{kind}: {self.sent[kind]}" for kind in MessageKind if self.sent[kind])
        return (
            f"{self.sent.total()} sent{f' ({kinds})' if kinds else ''}, "
            f"{self.failed.total()} failed, {self.taken} taken by another run"
        )


# --- What is due: a few set-based queries per kind and hotel ---------------------------------------


def _reachable(hotel_id: int) -> list:
    """Stays we may email at all: an address, not unsubscribed."""
    return [Stay.hotel_id == hotel_id, Stay.email != "", Stay.unsubscribed_at.is_(None)]


def _in_house_or_coming(today: date) -> list:
    return [Stay.checked_out_at.is_(None), Stay.departure >= today]


def _not_yet_sent(kind: MessageKind, subject) -> exists:
    """No row for this message, or only a FAILED one with tries left."""
    return ~exists().where(
        OutboundMessage.stay_id == Stay.id,
        OutboundMessage.kind == kind,
        OutboundMessage.subject == subject,
        or_(OutboundMessage.status != MessageStatus.FAILED, OutboundMessage.attempts >= MAX_ATTEMPTS),
    )


def _due_pre_arrival(hotel: Hotel, now: datetime, today: date) -> list[Due]:
    kind = MessageKind.PRE_ARRIVAL
    stay_ids = db.session.scalars(
        select(Stay.id).where(
            *_reachable(hotel.id),
            consent.marketing_allowed_clause(hotel),
            *_in_house_or_coming(today),
            Stay.arrival > today,
            Stay.arrival <= today + timedelta(days=hotel.pre_arrival_days),
            _not_yet_sent(kind, ""),
        )
    )
    return [Due(kind, stay_id) for stay_id in stay_ids]


def _due_confirmations(hotel: Hotel, now: datetime, today: date) -> list[Due]:
    kind = MessageKind.CONFIRMATION
    rows = db.session.execute(
        select(Stay.id, Order.reference)
        .join(Order, Order.stay_id == Stay.id)
        .where(
            *_reachable(hotel.id),
            *_in_house_or_coming(today),
            Order.status == OrderStatus.CONFIRMED,
            Order.placed_at >= now - CONFIRMATION_WITHIN,
            _not_yet_sent(kind, Order.reference),
        )
        .order_by(Order.id)
    )
    return [Due(kind, stay_id, reference) for stay_id, reference in rows]


def _due_reminders(hotel: Hotel, now: datetime, today: date) -> list[Due]:
    if hotel.local(now).hour < REMINDER_FROM_HOUR:
        return []
    kind, tomorrow = MessageKind.REMINDER, today + timedelta(days=1)
    stay_ids = db.session.scalars(
        select(Stay.id)
        .distinct()
        .join(Order, Order.stay_id == Stay.id)
        .join(OrderLine, OrderLine.order_id == Order.id)
        .join(Slot, Slot.id == OrderLine.slot_id)  # timed activities only; rentals have no slot
        .where(
            *_reachable(hotel.id),
            *_in_house_or_coming(today),
            OrderLine.status == LineStatus.BOOKED,
            Slot.local_date == tomorrow,
            _not_yet_sent(kind, tomorrow.isoformat()),
        )
    )
    return [Due(kind, stay_id, tomorrow.isoformat()) for stay_id in stay_ids]


def _due_thank_yous(hotel: Hotel, now: datetime, today: date) -> list[Due]:
    kind = MessageKind.THANK_YOU
    after_breakfast = hotel.local(now).hour >= THANK_YOU_FROM_HOUR
    left = [Stay.checked_out_at.is_not(None), Stay.departure < today]
    if after_breakfast:
        left.append(Stay.departure == today)
    stay_ids = db.session.scalars(
        select(Stay.id).where(
            *_reachable(hotel.id),
            consent.marketing_allowed_clause(hotel),
            Stay.arrival <= today,
            Stay.departure >= today - timedelta(days=THANK_YOU_DAYS_AFTER),
            or_(*left),
            _not_yet_sent(kind, ""),
        )
    )
    return [Due(kind, stay_id) for stay_id in stay_ids]


def _due_waitlist_offers(hotel: Hotel, now: datetime, today: date) -> list[Due]:
    kind = MessageKind.WAITLIST_OFFER
    subject = cast(WaitlistEntry.id, String)
    rows = db.session.execute(
        select(Stay.id, WaitlistEntry.id)
        .join(WaitlistEntry, and_(WaitlistEntry.stay_id == Stay.id, WaitlistEntry.hotel_id == hotel.id))
        .where(
            *_reachable(hotel.id),
            *_in_house_or_coming(today),
            WaitlistEntry.status == WaitlistStatus.OFFERED,
            WaitlistEntry.offer_expires_at > now,
            _not_yet_sent(kind, subject),
        )
        .order_by(WaitlistEntry.id)
    )
    return [Due(kind, stay_id, str(entry_id)) for stay_id, entry_id in rows]


DUE_QUERIES = (
    _due_confirmations,
    _due_waitlist_offers,
    _due_reminders,
    _due_pre_arrival,
    _due_thank_yous,
)


def due_messages(hotel: Hotel, now: datetime) -> list[Due]:
    today = hotel.local(now).date()
    return [due for query in DUE_QUERIES for due in query(hotel, now, today)]


# --- Claiming: the database row is the lock --------------------------------------------------------


def claim(stay: Stay, due: Due, now: datetime) -> OutboundMessage | None:
    """Take ``due`` for this run, or None when another run has it (or had it)."""
    to_address, locale = stay.email, stay.locale
    same = (
        OutboundMessage.stay_id == stay.id,
        OutboundMessage.kind == due.kind,
        OutboundMessage.subject == due.subject,
    )
    try:
        with write_transaction():
            # A refused message is tried again: the guarded update lets only one run take it.
            retried = db.session.execute(
                update(OutboundMessage)
                .where(
                    *same,
                    OutboundMessage.status == MessageStatus.FAILED,
                    OutboundMessage.attempts < MAX_ATTEMPTS,
                )
                .values(
                    status=MessageStatus.SENDING,
                    claimed_at=now,
                    attempts=OutboundMessage.attempts + 1,
                    to_address=to_address,
                    locale=locale,
                )
                .execution_options(synchronize_session=False)
            ).rowcount
            if not retried:
                db.session.add(
                    OutboundMessage(
                        hotel_id=stay.hotel_id,
                        stay_id=stay.id,
                        kind=due.kind,
                        subject=due.subject,
                        status=MessageStatus.SENDING,
                        to_address=to_address,
                        locale=locale,
                        claimed_at=now,
                        attempts=1,
                    )
                )
                db.session.flush()  # the unique constraint answers here
    except IntegrityError:
        return None
    return db.session.scalar(select(OutboundMessage).where(*same).execution_options(populate_existing=True))


# --- Rendering -------------------------------------------------------------------------------------


def email_locale(stay: Stay, hotel: Hotel) -> str:
    return stay.locale if stay.locale in current_app.config["LANGUAGES"] else hotel.default_locale


class EmailPages(Protocol):
    """What the web layer lends the emails: its templates and its addresses (app/web/mail.py).

    Templates, ``url_for`` and the page's hotel and language are the web's; the domain says
    which email, for whom and with what, and asks for it to be written.
    """

    def written_for(self, hotel: Hotel, locale: str) -> AbstractContextManager[None]:
        """Render and link as a page of ``hotel`` (its time zone) in ``locale``."""

    def render(self, template_name: str, **context) -> str:
        """The template filled in."""

    def link(self, endpoint: str, **values) -> str:
        """An absolute URL to a page of the hotel's own site."""

    def path(self, endpoint: str, **values) -> str:
        """A page's path on the site, for a signed link to open after signing the guest in."""


PAGES_EXTENSION = "lobby.email_pages"


def use_pages(app: Flask, pages: EmailPages) -> None:
    """Called at app creation by the web layer, so the CLI (which runs ``create_app``) has it too."""
    app.extensions[PAGES_EXTENSION] = pages


def _pages() -> EmailPages:
    return current_app.extensions[PAGES_EXTENSION]


def open_url(pages: EmailPages, stay: Stay, path: str) -> str:
    return pages.link("guest.email_link", token=signed_links.open_token(stay, path))


def unsubscribe_urls(pages: EmailPages, stay: Stay) -> tuple[str, str]:
    """The page with a button (in the email's footer) and the one-click endpoint (the header)."""
    token = signed_links.unsubscribe_token(stay)
    page = pages.link("guest.unsubscribe", token=token)
    return page, pages.link("guest.unsubscribe_one_click", token=token)


def _subject_line(kind: MessageKind, hotel: Hotel, **values) -> str:
    name = str(hotel.name)
    if kind is MessageKind.PRE_ARRIVAL:
        return _("Before you arrive at %(hotel)s: a few ideas for your stay", hotel=name)
    if kind is MessageKind.CONFIRMATION:
        return _("Your booking %(reference)s at %(hotel)s", reference=values["reference"], hotel=name)
    if kind is MessageKind.REMINDER:
        return _("Your plans for tomorrow at %(hotel)s", hotel=name)
    if kind is MessageKind.THANK_YOU:
        return _("Thank you for staying at %(hotel)s", hotel=name)
    return _("A place is free for you: %(service)s", service=values["service"])


def _context(
    pages: EmailPages, kind: MessageKind, stay: Stay, hotel: Hotel, due: Due, now: datetime
) -> dict | None:
    """What the kind's templates need, or None when there is nothing to say any more."""
    if kind is MessageKind.PRE_ARRIVAL:
        from app.services.recommendations import offers_for_stay

        offers = offers_for_stay(stay, now, limit=OFFERS_IN_EMAIL)
        links = {
            offer.service.id: open_url(
                pages,
                stay,
                pages.path(
                    "guest.service",
                    service_id=offer.service.id,
                    offer="email",
                    why=offer.reason_code,
                    sig=signed_links.offer_link_signature(stay, offer.service.id, "email", offer.reason_code),
                ),
            )
            for offer in offers
        }
        return {
            "offers": offers,
            "offer_links": links,
            "home_link": open_url(pages, stay, pages.path("guest.home")),
        }
    if kind is MessageKind.CONFIRMATION:
        order = db.session.scalar(
            select(Order).where(
                Order.stay_id == stay.id,
                Order.reference == due.subject,
                Order.status == OrderStatus.CONFIRMED,
            )
        )
        if order is None:
            return None
        link = open_url(pages, stay, pages.path("guest.confirmation", reference=order.reference))
        return {"order": order, "lines": order.live_lines, "order_link": link}
    if kind is MessageKind.REMINDER:
        day = date.fromisoformat(due.subject)
        lines = db.session.scalars(
            select(OrderLine)
            .join(Order)
            .join(Slot, Slot.id == OrderLine.slot_id)
            .where(Order.stay_id == stay.id, OrderLine.status == LineStatus.BOOKED, Slot.local_date == day)
            .order_by(OrderLine.starts_at)
        ).all()
        if not lines:
            return None
        return {"day": day, "lines": lines, "stay_link": open_url(pages, stay, pages.path("guest.my_stay"))}
    if kind is MessageKind.THANK_YOU:
        token = signed_links.feedback_token(stay)
        return {"feedback_link": pages.link("guest.email_feedback", token=token)}
    entry = db.session.get(WaitlistEntry, int(due.subject))
    if entry is None or entry.status is not WaitlistStatus.OFFERED or entry.offer_expires_at <= now:
        return None
    return {"entry": entry, "stay_link": open_url(pages, stay, pages.path("guest.my_stay"))}


def render(stay: Stay, hotel: Hotel, due: Due, now: datetime) -> tuple[Email, list] | None:
    """The email for ``due`` in the stay's language (and the offers it shows), or None if moot."""
    locale, pages = email_locale(stay, hotel), _pages()
    with pages.written_for(hotel, locale):
        context = _context(pages, due.kind, stay, hotel, due, now)
        if context is None:
            return None
        page_url, one_click_url = unsubscribe_urls(pages, stay)
        values = {"reference": due.subject}
        if due.kind is MessageKind.WAITLIST_OFFER:
            values["service"] = str(context["entry"].service.title)
        subject = _subject_line(due.kind, hotel, **values)
        context |= {
            "stay": stay,
            "hotel": hotel,
            "subject": subject,
            "lang": locale.replace("_", "-"),
            "unsubscribe_link": page_url,
            "privacy_link": pages.link("guest.privacy"),
        }
        email = Email(
            to=stay.email,
            subject=subject,
            text=pages.render(f"email/{due.kind.value}.txt", **context),
            html=pages.render(f"email/{due.kind.value}.html", **context),
            locale=locale,
            unsubscribe_url=one_click_url,
        )
        return email, context.get("offers", [])


def unsubscribe(stay: Stay, now: datetime) -> None:
    """No more emails for this stay, and a "no" to marketing on record; asking twice keeps the first time."""
    with write_transaction():
        db.session.execute(
            update(Stay).where(Stay.id == stay.id, Stay.unsubscribed_at.is_(None)).values(unsubscribed_at=now)
        )
        consent.record_consent(db.session.get(Stay, stay.id), False, "unsubscribe_link", now)
    db.session.refresh(stay)


# --- Sending ---------------------------------------------------------------------------------------


def _finish(message: OutboundMessage, error: str | None, now: datetime, give_up: bool = False) -> None:
    # A write transaction of its own: on SQLite a transaction that has read cannot start writing
    # once another run has committed (WAL snapshot), so the outcome is written from a fresh one.
    with write_transaction():
        if error is None:
            message.status, message.sent_at, message.error = MessageStatus.SENT, now, ""
        else:
            message.status, message.error = MessageStatus.FAILED, error[:300]
            if give_up:
                message.attempts = MAX_ATTEMPTS


def send_due(due: Due, mailer: Mailer, now: datetime, report: SendReport) -> None:
    stay = db.session.get(Stay, due.stay_id)
    hotel = stay.hotel
    message = claim(stay, due, now)
    if message is None:
        report.taken += 1
        return
    try:
        rendered = render(stay, hotel, due, now)
        if rendered is None:
            # Nothing left to say (the order was cancelled, the offer ran out): the row stays, never retried.
            _finish(message, "nothing to send any more", now, give_up=True)
            return
        email, offers = rendered
        mailer.send(build_message(email, sender_name=str(hotel.name.localize(email.locale))))
    except MailError as error:
        db.session.rollback()
        _finish(message, str(error), now)
        report.failed[due.kind] += 1
        return
    except Exception as error:
        # A bug in rendering must not leave the row SENDING (never retried) without a trace.
        db.session.rollback()
        _finish(message, f"{type(error).__name__}: {error}", now)
        report.failed[due.kind] += 1
        current_app.logger.exception("could not build the %s email for stay %s", due.kind, due.stay_id)
        return
    _finish(message, None, now)
    if offers:
        from app.services.recommendations import record_impressions

        record_impressions(stay, offers, OfferPlace.EMAIL, now)
    report.sent[due.kind] += 1


def send_due_messages(now: datetime) -> SendReport:
    """Send every guest email that is due now, each at most once, whoever else runs at the same time."""
    report = SendReport()
    with Mailer() as mailer:
        for hotel in db.session.scalars(select(Hotel).order_by(Hotel.id)).all():
            for due in due_messages(hotel, now):
                send_due(due, mailer, now, report)
    view_counts.flush()  # the offers the emails showed, counted now rather than when cron's process ends
    return report
