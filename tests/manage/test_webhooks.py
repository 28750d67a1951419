"""Managers add webhook endpoints, see each delivery with its answer, send one again, turn off, rotate."""

from __future__ import annotations

import re
from datetime import timedelta

from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Hotel, StaffRole, StaySource, WebhookDelivery, WebhookEndpoint
from app.services import reservations, webhooks
from tests.browsing import text
from tests.factories import make_hotel
from tests.reading import detached_rows
from tests.staff import StaffActions, make_staff
from tests.webhook_receiver import readme_verify

PAGE = "/manage/webhooks"


def add(staff, url: str, events=("stay.*",), description: str = "Opera PMS"):
    return staff.post(PAGE, {"url": url, "description": description, "events": list(events)})


def shown_secret(response) -> str:
    match = re.search(r'id="new-secret" value="([^"]+)"', text(response))
    assert match, "no secret on the page"
    return match.group(1)


def endpoints(app) -> list[WebhookEndpoint]:
    return detached_rows(app, select(WebhookEndpoint).order_by(WebhookEndpoint.id))


def trail(app) -> list[AuditEntry]:
    return detached_rows(
        app, select(AuditEntry).where(AuditEntry.action.like("webhook.%")).order_by(AuditEntry.id)
    )


def import_and_deliver(app, pms_id: str = "R-1") -> None:
    """A reservation arrives through the real service, then the worker makes one pass."""
    with app.test_request_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "test-lodge"))
        today = hotel.today()
        reservation = reservations.Reservation(
            pms_id, "Garcia", today + timedelta(days=2), today + timedelta(days=4)
        )
        reservations.upsert(hotel, reservation, StaySource.API)
        webhooks.deliver_due()


def test_a_new_endpoint_shows_its_secret_once_and_is_audited_without_it(app, staff, manager, receiver):
    page = text(staff.client.get(PAGE))
    assert "stay.checked_in" in page and "feedback.created" in page and 'value="stay.*"' in page
    assert 'href="/manage/webhooks"' in page  # in the menu

    created = add(staff, receiver.url, events=("stay.*", "order.placed"))
    assert created.status_code == 201 and created.headers["Cache-Control"] == "no-store"
    secret = shown_secret(created)
    assert secret.startswith("whsec_") and len(secret) > 40
    [endpoint] = endpoints(app)
    assert endpoint.events == ["stay.*", "order.placed"] and endpoint.description == "Opera PMS"
    assert endpoint.secret == secret

    later = text(staff.client.get(f"{PAGE}/{endpoint.id}"))
    assert secret not in later and receiver.url in later
    assert receiver.url in text(staff.client.get(PAGE))
    [entry] = trail(app)
    assert entry.action == "webhook.created" and entry.actor_name
    assert secret not in str(entry.after) and entry.after["url"] == receiver.url


def test_refused_addresses_and_no_events_keep_what_was_typed(app, staff, manager):
    plain = add(staff, "http://pms.example.com/hooks")
    assert plain.status_code == 400
    assert "https://" in text(plain) and 'value="http://pms.example.com/hooks"' in text(plain)
    credentials = add(staff, "https://user:pw@pms.example.com/hooks")
    assert credentials.status_code == 400 and "user name and password" in text(credentials)
    nothing = add(staff, "https://pms.example.com/hooks", events=())
    assert nothing.status_code == 400 and "Please choose at least one event." in text(nothing)
    unknown = add(staff, "https://pms.example.com/hooks", events=("stay.exploded",))
    assert unknown.status_code == 400
    assert endpoints(app) == []
    assert (
        staff.client.post(PAGE, data={"url": "https://pms.example.com/", "events": ["stay.*"]}).status_code
        == 400
    )


def test_deliveries_are_listed_with_their_answer_and_can_be_sent_again(app, staff, manager, receiver):
    secret = shown_secret(add(staff, receiver.url))
    [endpoint] = endpoints(app)
    receiver.fail_with(502, "Bad gateway from the PMS")
    import_and_deliver(app)

    page = text(staff.client.get(f"{PAGE}/{endpoint.id}"))
    assert "stay.created" in page and "HTTP 502" in page and "Bad gateway from the PMS" in page
    assert "Waiting" in page and "Next try" in page
    [delivery] = detached_rows(app, select(WebhookDelivery))
    again = f"{PAGE}/{endpoint.id}/deliveries/{delivery.id}/again"
    assert again in page

    receiver.recover()
    sent = staff.post(again, {}, page=f"{PAGE}/{endpoint.id}")
    assert sent.status_code == 302
    with app.test_request_context():
        assert webhooks.deliver_due().delivered == 1
    page = text(staff.client.get(f"{PAGE}/{endpoint.id}"))
    assert "Delivered" in page and "HTTP 200" in page
    assert readme_verify()(
        secret, receiver.received[-1].body, receiver.received[-1].headers["Lobby-Signature"]
    )

    # A delivered event can be sent again too (the receiver lost it).
    staff.post(again, {}, page=f"{PAGE}/{endpoint.id}")
    with app.test_request_context():
        assert webhooks.deliver_due().delivered == 1
    assert len(receiver.received) == 3
    assert len({item.headers["Lobby-Event-Id"] for item in receiver.received}) == 1


def test_turning_off_and_rotating_the_secret(app, staff, manager, receiver):
    old = shown_secret(add(staff, receiver.url))
    [endpoint] = endpoints(app)
    here = f"{PAGE}/{endpoint.id}"

    off = staff.post(f"{here}/active", {"active": "0"}, page=here)
    assert off.status_code == 302 and endpoints(app)[0].disabled_at is not None
    import_and_deliver(app, "R-off")  # nobody active wants it
    assert receiver.received == []
    assert "Turn on again" in text(staff.client.get(here))
    staff.post(f"{here}/active", {"active": "1"}, page=here)
    assert endpoints(app)[0].active

    rotated = staff.post(f"{here}/secret", {}, page=here)
    assert rotated.status_code == 200 and rotated.headers["Cache-Control"] == "no-store"
    new = shown_secret(rotated)
    assert new != old
    import_and_deliver(app, "R-on")
    [got] = receiver.received
    verify = readme_verify()
    assert verify(new, got.body, got.headers["Lobby-Signature"])
    assert not verify(old, got.body, got.headers["Lobby-Signature"])
    assert [entry.action for entry in trail(app)] == [
        "webhook.created",
        "webhook.disabled",
        "webhook.enabled",
        "webhook.secret_rotated",
    ]
    assert all(old not in str(entry.after) and new not in str(entry.after) for entry in trail(app))


def test_only_this_hotels_managers_reach_its_endpoints(app, client, staff, manager, world):
    add(staff, "https://opera.lodge.test/hooks")
    [endpoint] = endpoints(app)
    with app.app_context():
        other = make_hotel("other-inn")
        db.session.commit()
        other_id = other.id
    elsewhere = StaffActions(app.test_client())
    elsewhere.sign_in(make_staff(app, other_id, StaffRole.MANAGER, email="manager@other-inn.test"))
    assert elsewhere.client.get(f"{PAGE}/{endpoint.id}").status_code == 404
    assert "opera.lodge.test" not in text(elsewhere.client.get(PAGE))
    refused = elsewhere.post(f"{PAGE}/{endpoint.id}/secret", {}, page=PAGE)
    assert refused.status_code == 404

    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert desk.client.get(PAGE).status_code == 403
    assert desk.client.get(f"{PAGE}/{endpoint.id}").status_code == 403
    assert endpoints(app)[0].secret == endpoint.secret  # the refused calls changed nothing
