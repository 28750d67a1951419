"""Webhook deliveries reach a real receiver: signed as the README says, retried with backoff, given up."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import DeliveryStatus, Hotel, StaySource, WebhookAttempt, WebhookDelivery
from app.services import reservations, webhooks
from app.services.errors import LobbyError
from tests.webhook_receiver import readme_verify


def listen(hotel: Hotel, receiver, events=("stay.*",), url: str | None = None) -> tuple[int, str]:
    """An endpoint of ``hotel`` at the receiver: (its id, its secret)."""
    endpoint, secret = webhooks.create_endpoint(hotel, url or receiver.url, list(events), created_by=None)
    return endpoint.id, secret


def import_stay(hotel: Hotel, pms_id: str = "R-1", surname: str = "Garcia"):
    today = hotel.today()
    reservation = reservations.Reservation(
        pms_reservation_id=pms_id,
        surname=surname,
        arrival=today + timedelta(days=3),
        departure=today + timedelta(days=6),
    )
    stay, _outcome = reservations.upsert(hotel, reservation, StaySource.API)
    return stay


def only_delivery() -> WebhookDelivery:
    db.session.expire_all()
    return db.session.scalars(select(WebhookDelivery)).one()


def test_a_delivery_is_signed_as_the_readme_says_and_verifies_with_its_snippet(hotel, receiver):
    endpoint_id, secret = listen(hotel, receiver)
    stay = import_stay(hotel)

    report = webhooks.deliver_due()

    assert (report.fanned_out, report.delivered) == (1, 1)
    [got] = receiver.received
    event = got.event
    assert event["type"] == "stay.created" and event["hotel"] == hotel.slug
    assert event["id"].startswith("evt_") and event["created"].endswith("Z")
    assert event["data"]["id"] == stay.id and event["data"]["pms_reservation_id"] == "R-1"
    assert got.headers["Content-Type"] == "application/json"
    assert got.headers["Lobby-Event-Id"] == event["id"]
    assert got.headers["Lobby-Event-Type"] == "stay.created"
    verify = readme_verify()
    assert verify(secret, got.body, got.headers["Lobby-Signature"])
    assert not verify("whsec_someone-else", got.body, got.headers["Lobby-Signature"])
    assert not verify(secret, got.body.replace(b"R-1", b"R-2"), got.headers["Lobby-Signature"])
    assert not verify(secret, got.body, "v1=abc")
    delivery = only_delivery()
    assert delivery.status is DeliveryStatus.DELIVERED and delivery.attempts == 1
    assert delivery.endpoint_id == endpoint_id and delivery.last_status_code == 200
    [attempt] = delivery.attempt_log
    assert attempt.status_code == 200 and attempt.response_excerpt == "ok" and attempt.error == ""
    # Delivered is done: the next pass sends nothing again.
    assert webhooks.deliver_due().delivered == 0 and len(receiver.received) == 1


def test_an_old_signature_is_refused_by_the_snippet(hotel, receiver):
    verify = readme_verify()
    body = b'{"id": "evt_1"}'
    stale = webhooks.signature_header("whsec_x", body.decode(), int(clock.now().timestamp()) - 3600)
    assert not verify("whsec_x", body, stale)
    assert verify(
        "whsec_x", body, webhooks.signature_header("whsec_x", body.decode(), int(clock.now().timestamp()))
    )


def test_failures_are_retried_with_growing_waits_until_the_receiver_is_back(
    app, hotel, receiver, frozen_now, monkeypatch
):
    monkeypatch.setitem(app.config, "WEBHOOKS_TIMEOUT", 0.5)
    start = frozen_now(clock.now())
    listen(hotel, receiver)
    import_stay(hotel)
    receiver.fail_with(500, "x" * 2000)

    webhooks.deliver_due()
    first = only_delivery()
    assert first.status is DeliveryStatus.PENDING and first.attempts == 1 and first.last_status_code == 500
    assert start + timedelta(seconds=30) <= first.next_attempt_at <= start + timedelta(seconds=33)
    assert len(first.attempt_log[0].response_excerpt) == 500

    # Not due yet: nothing is sent.
    frozen_now(start + timedelta(seconds=20))
    assert webhooks.deliver_due().retrying == 0 and len(receiver.received) == 1

    # Second try fails too; the wait doubles.
    moment = frozen_now(first.next_attempt_at)
    webhooks.deliver_due()
    second = only_delivery()
    assert second.attempts == 2
    assert moment + timedelta(seconds=60) <= second.next_attempt_at <= moment + timedelta(seconds=66)

    # Third: the receiver is down, the connection refused.
    receiver.stop()
    moment = frozen_now(second.next_attempt_at)
    webhooks.deliver_due()
    third = only_delivery()
    assert third.attempts == 3 and third.last_status_code is None and "connect" in third.last_error
    assert moment + timedelta(minutes=2) <= third.next_attempt_at <= moment + timedelta(minutes=2.2)

    # Fourth: it is back but answers slower than Lobby waits.
    receiver.recover()
    receiver.hang(2)
    frozen_now(third.next_attempt_at)
    webhooks.deliver_due()
    fourth = only_delivery()
    assert (
        fourth.attempts == 4 and fourth.last_error == "Timed out" and fourth.status is DeliveryStatus.PENDING
    )

    # Fifth: back for good, delivered; the same event every time.
    receiver.recover()
    frozen_now(fourth.next_attempt_at)
    assert webhooks.deliver_due().delivered == 1
    delivered = only_delivery()
    assert delivered.status is DeliveryStatus.DELIVERED and delivered.attempts == 5
    assert [attempt.status_code for attempt in delivered.attempt_log] == [500, 500, None, None, 200]
    assert all(attempt.duration_ms >= 0 for attempt in delivered.attempt_log)
    ids = {item.headers["Lobby-Event-Id"] for item in receiver.received}
    assert len(ids) == 1 and len(receiver.received) == 4  # the refused one never arrived


def test_a_delivery_is_given_up_after_a_day_of_failures_and_can_be_sent_again(hotel, receiver, frozen_now):
    start = frozen_now(clock.now())
    listen(hotel, receiver)
    import_stay(hotel)
    receiver.fail_with(503)

    webhooks.deliver_due()
    while (delivery := only_delivery()).status is DeliveryStatus.PENDING:
        assert delivery.next_attempt_at - clock.now() <= webhooks.LONGEST_RETRY * (1 + webhooks.JITTER)
        frozen_now(delivery.next_attempt_at)
        webhooks.deliver_due()

    assert delivery.status is DeliveryStatus.FAILED and delivery.attempts == webhooks.MAX_ATTEMPTS
    attempts = db.session.scalars(select(WebhookAttempt).order_by(WebhookAttempt.id)).all()
    assert attempts[-1].at - attempts[0].at >= timedelta(hours=24)
    assert attempts[0].at == start
    frozen_now(clock.now() + timedelta(hours=2))
    assert webhooks.deliver_due().retrying == 0  # failed stays failed

    receiver.recover()
    webhooks.send_again(hotel, delivery.endpoint_id, delivery.id)
    assert only_delivery().status is DeliveryStatus.PENDING
    assert webhooks.deliver_due().delivered == 1
    assert only_delivery().status is DeliveryStatus.DELIVERED


def test_only_endpoints_wanting_an_event_get_it_and_disabled_ones_wait(hotel, receiver):
    stays_id, _ = listen(hotel, receiver, events=("stay.*",))
    listen(hotel, receiver, events=("order.placed",), url=receiver.url + "?orders")
    import_stay(hotel)
    assert webhooks.fan_out() == 1  # the stays endpoint only
    webhooks.set_active(hotel, stays_id, False)
    import_stay(hotel, "R-2")  # nobody active wants it: not even written
    assert webhooks.deliver_due().fanned_out == 0
    assert receiver.received == []  # the waiting delivery waits while its endpoint is off

    webhooks.set_active(hotel, stays_id, True)
    assert webhooks.deliver_due().delivered == 1
    assert [event["data"]["pms_reservation_id"] for event in receiver.events()] == ["R-1"]
    assert receiver.received[0].path == "/hooks/lobby"


def test_only_https_addresses_without_credentials_are_accepted(app, hotel, monkeypatch):
    assert (
        webhooks.check_url("https://pms.example.com/hooks", allow_http=False)
        == "https://pms.example.com/hooks"
    )
    assert webhooks.check_url("http://127.0.0.1:8080/in", allow_http=True)
    assert webhooks.check_url("http://localhost/in", allow_http=True)
    for bad, allow_http in [
        ("http://pms.example.com/hooks", True),
        ("http://127.0.0.1:8080/in", False),
        ("https://user:secret@pms.example.com/", False),
        ("https://@pms.example.com/", False),
        ("ftp://pms.example.com/", False),
        ("javascript:alert(1)", False),
        ("file:///etc/passwd", False),
        ("https://", False),
        ("https://pms.example.com:99999/", False),
        ("https://pms.example.com/a b", False),
        ("https://pms.example.com/" + "a" * 500, False),
        ("", False),
    ]:
        with pytest.raises(LobbyError):
            webhooks.check_url(bad, allow_http)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", False)
    with pytest.raises(LobbyError):
        webhooks.create_endpoint(hotel, "http://127.0.0.1:9/in", ["stay.*"], created_by=None)


def test_an_endpoint_saved_when_http_was_allowed_is_not_sent_to_once_it_is_not(
    app, hotel, receiver, monkeypatch
):
    listen(hotel, receiver)
    import_stay(hotel)
    monkeypatch.setitem(app.config, "WEBHOOKS_ALLOW_HTTP", False)
    webhooks.deliver_due()
    assert receiver.received == []
    assert "https" in only_delivery().last_error


def test_the_backoff_doubles_from_thirty_seconds_to_an_hour_and_covers_a_day():
    waits = [webhooks.retry_delay(failures) for failures in range(1, webhooks.MAX_ATTEMPTS)]
    assert waits[:4] == [
        timedelta(seconds=30),
        timedelta(minutes=1),
        timedelta(minutes=2),
        timedelta(minutes=4),
    ]
    assert max(waits) == timedelta(hours=1)
    assert sum(waits, timedelta(0)) >= timedelta(hours=24)
    assert sum(waits[:-1], timedelta(0)) < timedelta(hours=24)  # no longer than needed
