"""Webhooks out: the hotel's endpoints, events written to the outbox with the change, and their delivery.

Three steps, each safe to run in several processes at once:

1. A change sends a signal (``app/services/signals.py``); :func:`connect` has the outbox
   writer listen, and it adds an :class:`OutboxEvent` to the change's own transaction:
   the event exists exactly when the change committed.
2. :func:`fan_out` makes one :class:`WebhookDelivery` per active endpoint that wants
   the event; the event is claimed by a conditional UPDATE, so two workers never both do it.
3. :func:`deliver_due` claims each due delivery with ``UPDATE … WHERE claimed_until is
   null or past`` (one worker wins, on SQLite and PostgreSQL alike), POSTs it signed,
   outside any transaction, and records the attempt. A non-2xx answer, a timeout or a
   refused connection is retried with exponential backoff for at least
   :data:`RETRY_WINDOW`, then the delivery fails. A worker that dies mid-send leaves
   its claim to run out, and another worker sends again: at least once, never lost.

Everything lives in the database, so a restart loses nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import random
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any
from urllib.parse import urlsplit

import requests
from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import or_, select, update

from app import clock
from app.extensions import db
from app.models import (
    DeliveryStatus,
    Feedback,
    GuestRequest,
    Hotel,
    Order,
    OrderLine,
    OutboxEvent,
    Payment,
    Refund,
    StaffUser,
    Stay,
    WebhookAttempt,
    WebhookDelivery,
    WebhookEndpoint,
)
from app.services import audit, signals, webhook_payloads
from app.services.errors import LobbyError, NotFound
from app.services.hotel_rows import hotel_row
from app.services.transactions import operation

# Every event a hotel's endpoint can ask for, by family ("stay.*" asks for a whole family).
EVENT_FAMILIES: dict[str, tuple[str, ...]] = {
    "stay": ("stay.created", "stay.updated", "stay.cancelled", "stay.checked_in", "stay.checked_out"),
    "order": ("order.placed", "order.cancelled"),
    "payment": ("payment.succeeded", "payment.failed"),
    "refund": ("refund.created", "refund.succeeded", "refund.failed"),
    "request": ("request.created", "request.updated"),
    "feedback": ("feedback.created",),
}
EVENT_TYPES: tuple[str, ...] = tuple(kind for kinds in EVENT_FAMILIES.values() for kind in kinds)

SECRET_START = "whsec_"
SECRET_BYTES = 32
URL_MAX = 500
DESCRIPTION_MAX = 200
# Hosts a developer's receiver runs on, reachable over plain http when WEBHOOKS_ALLOW_HTTP is set.
LOCAL_HOSTS = frozenset({"localhost", "127.0.0.1"})

# Backoff: 30 s, 1, 2, 4 … minutes, at most an hour, plus up to a tenth more at random so
# deliveries that failed together do not all come back together.
FIRST_RETRY = timedelta(seconds=30)
LONGEST_RETRY = timedelta(hours=1)
JITTER = 0.1
# Retried at least this long (by the delays alone, before jitter) before a delivery fails.
RETRY_WINDOW = timedelta(hours=24)
# A worker holds a delivery this long while it sends; far longer than the request's timeout.
CLAIM = timedelta(minutes=2)
EXCERPT = 500  # characters of the endpoint's answer kept per attempt
BATCH = 100


def retry_delay(failures: int) -> timedelta:
    """The nominal wait after the ``failures``-th failed attempt in a row (no jitter)."""
    return min(FIRST_RETRY * 2 ** min(failures - 1, 20), LONGEST_RETRY)


def _attempts_for_window() -> int:
    """How many attempts cover :data:`RETRY_WINDOW`: the waits between them add up to at least it."""
    waited, failures = timedelta(0), 0
    while waited < RETRY_WINDOW:
        failures += 1
        waited += retry_delay(failures)
    return failures + 1


MAX_ATTEMPTS = _attempts_for_window()


def connect() -> None:
    """Have the outbox writer listen to the domain's signals (the application factory calls this)."""
    signals.stay_changed.connect(_on_stay_changed)
    signals.order_placed.connect(_on_order_placed)
    signals.order_cancelled.connect(_on_order_cancelled)
    signals.payment_changed.connect(_on_payment_changed)
    signals.refund_changed.connect(_on_refund_changed)
    signals.request_changed.connect(_on_request_changed)
    signals.feedback_given.connect(_on_feedback_given)


def _on_stay_changed(stay: Stay, *, change: str) -> None:
    write_event(stay.hotel_id, f"stay.{change}", lambda: webhook_payloads.stay(stay))


def _on_order_placed(order: Order) -> None:
    write_event(order.hotel_id, "order.placed", lambda: webhook_payloads.order(order))


def _on_order_cancelled(order: Order, *, line: OrderLine) -> None:
    write_event(order.hotel_id, "order.cancelled", lambda: webhook_payloads.order(order, line))


def _on_payment_changed(payment: Payment) -> None:
    write_event(
        payment.hotel_id, f"payment.{payment.status.value}", lambda: webhook_payloads.payment(payment)
    )


def _on_refund_changed(refund: Refund, *, change: str) -> None:
    write_event(refund.hotel_id, f"refund.{change}", lambda: webhook_payloads.refund(refund))


def _on_request_changed(guest_request: GuestRequest, *, change: str) -> None:
    write_event(
        guest_request.hotel_id, f"request.{change}", lambda: webhook_payloads.guest_request(guest_request)
    )


def _on_feedback_given(feedback: Feedback) -> None:
    write_event(feedback.hotel_id, "feedback.created", lambda: webhook_payloads.feedback(feedback))


def wants(patterns: list[str], event_type: str) -> bool:
    """Whether an endpoint asking for ``patterns`` ("stay.*", "order.placed") wants ``event_type``."""
    family = event_type.split(".")[0]
    return event_type in patterns or f"{family}.*" in patterns


def _wanted(hotel_id: int, event_type: str) -> bool:
    patterns = db.session.scalars(
        select(WebhookEndpoint.events).where(
            WebhookEndpoint.hotel_id == hotel_id, WebhookEndpoint.disabled_at.is_(None)
        )
    )
    return any(wants(list(events or []), event_type) for events in patterns)


def write_event(hotel_id: int, event_type: str, build: Callable[[], dict[str, Any]]) -> OutboxEvent | None:
    """Add the event to the session, in the transaction of the change it tells of; the change commits it.

    Only written when one of the hotel's active endpoints wants it. Writing every event
    would be cheap too, but then the outbox of a hotel without webhooks (most of them)
    grows for ever with rows nobody reads and somebody must prune; one small indexed
    read of the hotel's endpoints is cheaper than that. An endpoint added later starts
    with the events after it, as with Stripe's.
    """
    if event_type not in EVENT_TYPES:
        raise ValueError(f"Unknown webhook event type {event_type!r}")
    if not _wanted(hotel_id, event_type):
        return None
    db.session.flush()  # the rows the payload names have their ids
    event = OutboxEvent(
        hotel_id=hotel_id,
        event_id=new_event_id(),
        type=event_type,
        created_at=clock.now(),
        data=build(),
    )
    db.session.add(event)
    return event


def new_event_id() -> str:
    return "evt_" + secrets.token_hex(12)


# --- Endpoints, as managers keep them -------------------------------------------------------


def check_url(url: str, allow_http: bool) -> str:
    """The URL as stored, or :class:`LobbyError`: https only (http to this machine when allowed)."""
    url = (url or "").strip()
    if not url:
        raise LobbyError(_("Please enter the address."))
    if len(url) > URL_MAX:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=URL_MAX))
    if any(ord(char) <= 32 or ord(char) == 127 for char in url):
        raise LobbyError(_("Please enter a valid web address."))
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018  (raises on a port that is not a number)
    except ValueError as error:
        raise LobbyError(_("Please enter a valid web address.")) from error
    if parts.username is not None or parts.password is not None or "@" in parts.netloc:
        raise LobbyError(_("Please leave the user name and password out of the address."))
    host = (parts.hostname or "").lower()
    if not host:
        raise LobbyError(_("Please enter a valid web address."))
    scheme = parts.scheme.lower()
    if scheme == "https":
        return url
    if scheme == "http" and allow_http and host in LOCAL_HOSTS:
        return url
    raise LobbyError(_("The address must start with https://."))


def _allow_http() -> bool:
    return bool(current_app.config.get("WEBHOOKS_ALLOW_HTTP"))


def check_events(events: list[str]) -> list[str]:
    """The event types and families (``stay.*``) asked for, in catalogue order, or :class:`LobbyError`."""
    chosen = set(events)
    known = {f"{family}.*" for family in EVENT_FAMILIES} | set(EVENT_TYPES)
    if not chosen or chosen - known:
        raise LobbyError(_("Please choose at least one event."))
    kept = []
    for family, kinds in EVENT_FAMILIES.items():
        if f"{family}.*" in chosen or set(kinds) <= chosen:
            kept.append(f"{family}.*")
        else:
            kept.extend(kind for kind in kinds if kind in chosen)
    return kept


def _check_description(description: str) -> str:
    description = (description or "").strip()
    if len(description) > DESCRIPTION_MAX:
        raise LobbyError(_("Too long. Character limit: %(max)d.", max=DESCRIPTION_MAX))
    return description


def new_secret() -> str:
    return SECRET_START + secrets.token_urlsafe(SECRET_BYTES)


@operation
def create_endpoint(
    hotel: Hotel, url: str, events: list[str], created_by: StaffUser | None, description: str = ""
) -> tuple[WebhookEndpoint, str]:
    """A new endpoint and its signing secret, to show once."""
    secret = new_secret()
    endpoint = WebhookEndpoint(
        hotel_id=hotel.id,
        url=check_url(url, _allow_http()),
        description=_check_description(description),
        events=check_events(events),
        secret=secret,
        created_by_id=created_by.id if created_by is not None else None,
    )
    db.session.add(endpoint)
    audit.record(hotel.id, "webhook.created", endpoint, after=_audited(endpoint))
    return endpoint, secret


def _audited(endpoint: WebhookEndpoint) -> dict[str, Any]:
    # Never the secret: the trail is read by every manager.
    return {"url": endpoint.url, "events": list(endpoint.events), "active": endpoint.active}


def hotel_endpoint(hotel_id: int, endpoint_id: int) -> WebhookEndpoint:
    return hotel_row(WebhookEndpoint, hotel_id, endpoint_id, _("There is no such endpoint."))


@operation
def set_active(hotel: Hotel, endpoint_id: int, active: bool) -> WebhookEndpoint:
    """Stop sending to an endpoint (its waiting deliveries wait), or start again."""
    endpoint = hotel_endpoint(hotel.id, endpoint_id)
    if endpoint.active is active:
        return endpoint
    before = _audited(endpoint)
    endpoint.disabled_at = None if active else clock.now()
    action = "webhook.enabled" if active else "webhook.disabled"
    audit.record(hotel.id, action, endpoint, before=before, after=_audited(endpoint))
    return endpoint


@operation
def rotate_secret(hotel: Hotel, endpoint_id: int) -> tuple[WebhookEndpoint, str]:
    """A new signing secret, from the next attempt on; the old one stops at once."""
    endpoint = hotel_endpoint(hotel.id, endpoint_id)
    endpoint.secret = new_secret()
    audit.record(hotel.id, "webhook.secret_rotated", endpoint, after={"url": endpoint.url})
    return endpoint, endpoint.secret


def hotel_endpoints(hotel_id: int) -> list[WebhookEndpoint]:
    """The hotel's endpoints, active ones first, newest first."""
    return list(
        db.session.scalars(
            select(WebhookEndpoint)
            .where(WebhookEndpoint.hotel_id == hotel_id)
            .order_by(WebhookEndpoint.disabled_at.is_not(None), WebhookEndpoint.id.desc())
        )
    )


def recent_deliveries(endpoint: WebhookEndpoint, limit: int = 50) -> list[WebhookDelivery]:
    return list(
        db.session.scalars(
            select(WebhookDelivery)
            .where(WebhookDelivery.endpoint_id == endpoint.id, WebhookDelivery.hotel_id == endpoint.hotel_id)
            .order_by(WebhookDelivery.id.desc())
            .limit(limit)
        )
    )


@operation
def send_again(hotel: Hotel, endpoint_id: int, delivery_id: int) -> WebhookDelivery:
    """The delivery goes out again at the next run, with a new round of retries (a failed one too)."""
    delivery = hotel_row(WebhookDelivery, hotel.id, delivery_id, _("There is no such delivery."))
    if delivery.endpoint_id != endpoint_id:
        raise NotFound(_("There is no such delivery."))
    delivery.status = DeliveryStatus.PENDING
    delivery.attempts = 0
    delivery.next_attempt_at = clock.now()
    return delivery


# --- Signing ----------------------------------------------------------------------------------


def signature_header(secret: str, body: str, timestamp: int) -> str:
    """``t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>``, Stripe's scheme."""
    mac = hmac.new(secret.encode(), f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


# --- Fan-out and delivery -----------------------------------------------------------------------


def fan_out(now: datetime | None = None) -> int:
    """Make the deliveries of events not fanned out yet; returns how many were made.

    Each event is claimed by setting ``fanned_out_at`` where it is still empty, in the
    transaction that adds its deliveries: another worker's UPDATE finds nothing to set.
    """
    now = now or clock.now()
    made = 0
    event_ids = db.session.scalars(
        select(OutboxEvent.id)
        .where(OutboxEvent.fanned_out_at.is_(None))
        .order_by(OutboxEvent.id)
        .limit(BATCH)
    ).all()
    db.session.commit()
    for event_id in event_ids:
        claimed = db.session.execute(
            update(OutboxEvent)
            .where(OutboxEvent.id == event_id, OutboxEvent.fanned_out_at.is_(None))
            .values(fanned_out_at=now)
            .execution_options(synchronize_session=False)
        )
        if claimed.rowcount != 1:
            db.session.rollback()
            continue
        event = db.session.get(OutboxEvent, event_id)
        endpoints = db.session.scalars(
            select(WebhookEndpoint).where(
                WebhookEndpoint.hotel_id == event.hotel_id, WebhookEndpoint.disabled_at.is_(None)
            )
        )
        for endpoint in endpoints:
            if wants(list(endpoint.events or []), event.type):
                db.session.add(
                    WebhookDelivery(
                        hotel_id=event.hotel_id,
                        endpoint_id=endpoint.id,
                        event_id=event.id,
                        next_attempt_at=now,
                    )
                )
                made += 1
        db.session.commit()
    return made


@dataclass
class DeliveryReport:
    fanned_out: int = 0
    delivered: int = 0
    retrying: int = 0
    failed: int = 0
    taken: int = 0  # claimed by another worker first

    def summary(self) -> str:
        return (
            f"{self.fanned_out} deliveries made, {self.delivered} delivered, {self.retrying} to retry, "
            f"{self.failed} failed, {self.taken} taken by another worker"
        )


def _due(now: datetime):
    return (
        WebhookDelivery.status == DeliveryStatus.PENDING,
        WebhookDelivery.next_attempt_at <= now,
        or_(WebhookDelivery.claimed_until.is_(None), WebhookDelivery.claimed_until < now),
    )


def deliver_due(now: datetime | None = None, limit: int = BATCH) -> DeliveryReport:
    """One pass: fan out new events, then send every due delivery once; safe beside other workers."""
    report = DeliveryReport(fanned_out=fan_out(now))
    now = now or clock.now()
    due_ids = db.session.scalars(
        select(WebhookDelivery.id)
        .join(WebhookEndpoint, WebhookEndpoint.id == WebhookDelivery.endpoint_id)
        .where(*_due(now), WebhookEndpoint.disabled_at.is_(None))
        .order_by(WebhookDelivery.next_attempt_at, WebhookDelivery.id)
        .limit(limit)
    ).all()
    db.session.commit()
    for delivery_id in due_ids:
        if not _claim(delivery_id, now):
            report.taken += 1
            continue
        status = _attempt(delivery_id)
        if status is DeliveryStatus.DELIVERED:
            report.delivered += 1
        elif status is DeliveryStatus.FAILED:
            report.failed += 1
        else:
            report.retrying += 1
    return report


def _claim(delivery_id: int, now: datetime) -> bool:
    """Hold the delivery for this worker: one UPDATE, so of two workers exactly one wins."""
    claimed = db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == delivery_id, *_due(now))
        .values(claimed_until=now + CLAIM)
        .execution_options(synchronize_session=False)
    )
    won = claimed.rowcount == 1
    db.session.commit()
    return won


@dataclass
class Answer:
    status_code: int | None
    excerpt: str
    error: str
    duration_ms: int

    @property
    def ok(self) -> bool:
        return self.status_code is not None and 200 <= self.status_code < 300


def _attempt(delivery_id: int) -> DeliveryStatus:
    """Send one claimed delivery (no transaction open while it waits) and record what came back."""
    delivery = db.session.get(WebhookDelivery, delivery_id)
    endpoint, event = delivery.endpoint, delivery.event
    body = json.dumps(webhook_payloads.envelope(event, _hotel_slug(event.hotel_id)), separators=(",", ":"))
    url, secret, event_type, public_id = endpoint.url, endpoint.secret, event.type, event.event_id
    db.session.commit()  # ends the read: nothing is held while the endpoint answers
    answer = post(url, body, secret, public_id, event_type)
    now = clock.now()
    delivery = db.session.get(WebhookDelivery, delivery_id)
    delivery.attempts += 1
    delivery.claimed_until = None
    delivery.last_status_code = answer.status_code
    delivery.last_error = answer.error[:300]
    db.session.add(
        WebhookAttempt(
            hotel_id=delivery.hotel_id,
            delivery_id=delivery.id,
            at=now,
            status_code=answer.status_code,
            duration_ms=answer.duration_ms,
            response_excerpt=answer.excerpt,
            error=answer.error[:300],
        )
    )
    if answer.ok:
        delivery.status = DeliveryStatus.DELIVERED
        delivery.delivered_at = now
    elif delivery.attempts >= MAX_ATTEMPTS:
        delivery.status = DeliveryStatus.FAILED
    else:
        wait = retry_delay(delivery.attempts)
        delivery.next_attempt_at = now + wait * (1 + random.uniform(0, JITTER))
    status = delivery.status
    db.session.commit()
    return status


def _hotel_slug(hotel_id: int) -> str:
    return db.session.scalar(select(Hotel.slug).where(Hotel.id == hotel_id))


def post(url: str, body: str, secret: str, event_id: str, event_type: str) -> Answer:
    """POST ``body`` signed to ``url``: what came back, or why nothing did."""
    started = time.monotonic()

    def took() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        check_url(url, _allow_http())  # the rules may have tightened since the endpoint was saved
    except LobbyError as refused:
        return Answer(None, "", str(refused.message), 0)
    headers = {
        "Content-Type": "application/json",
        "User-Agent": "Lobby-Webhooks/1",
        "Lobby-Event-Id": event_id,
        "Lobby-Event-Type": event_type,
        # The wall clock, not app.clock: the receiver compares it with its own clock.
        "Lobby-Signature": signature_header(secret, body, int(time.time())),
    }
    try:
        with requests.post(
            url,
            data=body.encode(),
            headers=headers,
            timeout=current_app.config.get("WEBHOOKS_TIMEOUT", 10),
            allow_redirects=False,  # a redirect is not a delivery, and could point anywhere
            stream=True,
        ) as response:
            excerpt = _excerpt(response)
            return Answer(response.status_code, excerpt, "", took())
    except requests.Timeout:
        return Answer(None, "", "Timed out", took())
    except requests.ConnectionError as error:
        return Answer(None, "", f"Could not connect: {type(error).__name__}", took())
    except requests.RequestException as error:
        return Answer(None, "", f"Request failed: {type(error).__name__}", took())


def _excerpt(response: requests.Response) -> str:
    """The first characters of the answer, read no further than needed (an endpoint may send a lot)."""
    raw = b""
    for chunk in response.iter_content(chunk_size=EXCERPT * 4):
        raw += chunk
        if len(raw) >= EXCERPT * 4:
            break
    return raw.decode("utf-8", errors="replace")[:EXCERPT]
