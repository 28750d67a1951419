"""Anonymising a stay (retention, erasure): the person goes everywhere, the hotel's figures stay the same."""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import (
    AuditEntry,
    Feedback,
    GuestRequest,
    Hotel,
    LineStatus,
    MessageKind,
    MessageStatus,
    Order,
    OrderLine,
    OutboundMessage,
    Payment,
    RequestKind,
    StaffUser,
    Stay,
)
from app.models.webhooks import OutboxEvent, WebhookEndpoint
from app.services import audit, feedback, guest_data, guest_requests, payments
from tests.conftest import GuestActions
from tests.desk.helpers import add_timed, checkout_on_room, signed_in_guest

PERSONAL = ("garcia", "elena", "elena.garcia@example.com")
CSV_NAMES = (
    "revenue-by-service",
    "revenue-by-package",
    "conversion",
    "ratings",
    "sla",
    "complaints",
    "offers-by-place",
    "offers-by-reason",
    "upsell-timing",
)


@pytest.fixture
def lived_stay(app, world, manager):
    """Garcia's stay with a bit of everything: bookings on the room, a refund, ratings with comments,
    requests in her own words, the desk's answers and notes, an email sent and webhook events."""
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.email = "elena.garcia@example.com"
        db.session.add(
            WebhookEndpoint(
                hotel_id=world.hotel_id,
                url="https://pms.example.com/hook",
                events=["stay.*", "request.*", "feedback.*"],
                secret="whsec_test",
            )
        )
        db.session.commit()
    phone = signed_in_guest(app)
    add_timed(phone, world.services["horse_riding"], adults=2)
    add_timed(phone, world.services["farm_visit"], adults=1)
    reference = checkout_on_room(phone)
    assert (
        phone.post("/stay/requests/help", {"help-details": "Elena Garcia needs a taxi at six"}).status_code
        == 302
    )
    with app.app_context():
        manager = db.session.scalar(select(StaffUser).where(StaffUser.email == manager.email))
        stay = db.session.get(Stay, world.stays["garcia"])
        order = db.session.scalar(select(Order).where(Order.reference == reference))
        lines = order.lines
        payment = db.session.scalar(select(Payment).where(Payment.order_id == order.id))
        with audit.acting_as(audit.staff_actor(manager)):
            payments.staff_refund(payment.id, world.hotel_id, 1000, "Ms Garcia waited too long", manager)
            feedback.mark_done(world.hotel_id, lines[0].id)
            db.session.commit()
            help_request = db.session.scalar(
                select(GuestRequest).where(GuestRequest.kind == RequestKind.HELP)
            )
            guest_requests.tell_guest(help_request, "Dear Elena, the taxi is booked", manager)
            guest_requests.add_note(help_request, "Garcia called again", manager)
        with audit.acting_as(audit.guest_actor(stay)):
            feedback.rate_line(stay, lines[0].id, 2, "The horse did not like Elena")
            feedback.rate_stay(stay, 4, "Lovely, thank you - Elena Garcia", stay.hotel.today())
        db.session.add(
            OutboundMessage(
                hotel_id=world.hotel_id,
                stay_id=stay.id,
                kind=MessageKind.CONFIRMATION,
                subject=reference,
                status=MessageStatus.SENT,
                to_address=stay.email,
                locale="en",
                claimed_at=clock.now(),
                sent_at=clock.now(),
                attempts=1,
            )
        )
        db.session.commit()
    return phone


def _dashboard(manager, world) -> dict[str, str]:
    period = {
        "from": (world.today - timedelta(days=30)).isoformat(),
        "to": (world.today + timedelta(days=30)).isoformat(),
    }
    tables = {}
    for name in CSV_NAMES:
        answer = manager.client.get(f"/manage/dashboard/{name}.csv", query_string=period)
        assert answer.status_code == 200
        tables[name] = answer.get_data(as_text=True)
    page = manager.client.get("/manage/dashboard", query_string=period)
    assert page.status_code == 200
    # The page's numbers: its text without the per-response nonce and the time-stamped CSRF tokens.
    tables["page"] = re.sub(r'nonce="[^"]*"|name="csrf_token" value="[^"]*"', "", page.get_data(as_text=True))
    return tables


def _everything_about(app, stay_id: int) -> str:
    """Every row that concerns the stay, as one lower-case text to search for the person in."""
    with app.app_context():
        stay = db.session.get(Stay, stay_id)
        rows = [
            [stay.surname, stay.first_name, stay.email, stay.surname_key],
            *[
                [r.details, r.guest_message, *[(e.text, e.from_value, e.to_value) for e in r.events]]
                for r in db.session.scalars(select(GuestRequest).where(GuestRequest.stay_id == stay_id))
            ],
            *[
                [f.comment, f.reply]
                for f in db.session.scalars(select(Feedback).where(Feedback.stay_id == stay_id))
            ],
            *[
                [m.to_address]
                for m in db.session.scalars(select(OutboundMessage).where(OutboundMessage.stay_id == stay_id))
            ],
            *[
                [a.actor_name, a.before, a.after, a.reason]
                for a in db.session.scalars(select(AuditEntry).where(AuditEntry.hotel_id == stay.hotel_id))
            ],
            *[[e.data] for e in db.session.scalars(select(OutboxEvent))],
            *[
                [refund.reason for refund in payment.refunds]
                for payment in db.session.scalars(select(Payment))
            ],
        ]
        return json.dumps(rows, ensure_ascii=False, default=str).lower()


def test_retention_removes_the_person_everywhere_and_keeps_every_figure(
    app, world, lived_stay, manager, frozen_now
):
    before_text = _everything_about(app, world.stays["garcia"])
    assert all(word in before_text for word in PERSONAL)  # the world really holds the person
    before = _dashboard(manager, world)
    with app.app_context():
        kept = {
            "lines": [
                (
                    line.id,
                    line.status,
                    line.total,
                    line.cancellation_fee,
                    line.adults,
                    list(line.children_ages),
                )
                for line in db.session.scalars(select(OrderLine).order_by(OrderLine.id))
            ],
            "ratings": [
                (f.id, f.rating, f.nps) for f in db.session.scalars(select(Feedback).order_by(Feedback.id))
            ],
            "requests": [
                (r.id, r.kind, r.status, r.created_at, r.acknowledged_at, r.resolved_at)
                for r in db.session.scalars(select(GuestRequest).order_by(GuestRequest.id))
            ],
            "audit": db.session.scalar(select(db.func.count(AuditEntry.id))),
        }
        old_token = world.tokens["garcia"]
        old_reference = db.session.get(Stay, world.stays["garcia"]).booking_reference

    real_now = clock.now()
    with app.app_context():
        departure = db.session.get(Stay, world.stays["garcia"]).departure
    # 365 days after Garcia's departure nothing happens yet; a day later her data goes.
    frozen_now(real_now + timedelta(days=(departure - world.today).days + 365))
    runner = app.test_cli_runner()
    early = runner.invoke(args=["lobby", "apply-retention"])
    assert early.exit_code == 0, early.output
    assert "test-lodge: 0 stays anonymised" in early.output
    frozen_now(real_now + timedelta(days=(departure - world.today).days + 367))
    first = runner.invoke(args=["lobby", "apply-retention"])
    assert first.exit_code == 0, first.output
    assert "test-lodge: 2 stays anonymised (retention 365 days)" in first.output
    second = runner.invoke(args=["lobby", "apply-retention", "--hotel", "test-lodge"])
    assert "test-lodge: 0 stays anonymised" in second.output
    frozen_now(real_now)

    after_text = _everything_about(app, world.stays["garcia"])
    for word in PERSONAL:
        assert word not in after_text, word
    assert "novak" not in after_text  # the other stay of the world went too
    assert _dashboard(manager, world) == before
    with app.app_context():
        assert kept["lines"] == [
            (line.id, line.status, line.total, line.cancellation_fee, line.adults, list(line.children_ages))
            for line in db.session.scalars(select(OrderLine).order_by(OrderLine.id))
        ]
        assert kept["ratings"] == [
            (f.id, f.rating, f.nps) for f in db.session.scalars(select(Feedback).order_by(Feedback.id))
        ]
        assert kept["requests"] == [
            (r.id, r.kind, r.status, r.created_at, r.acknowledged_at, r.resolved_at)
            for r in db.session.scalars(select(GuestRequest).order_by(GuestRequest.id))
        ]
        # Every entry is still there (plus one per anonymised stay), with the person taken out.
        assert db.session.scalar(select(db.func.count(AuditEntry.id))) == kept["audit"] + 2
        stay = db.session.get(Stay, world.stays["garcia"])
        assert stay.anonymised_at is not None
        assert stay.access_token != old_token and stay.booking_reference != old_reference
        assert (stay.adults, stay.children_ages, stay.room, stay.tier.value) == (2, [4, 9], "204", "standard")
        trail = audit.trail(world.hotel_id, stay_id=stay.id).entries
        assert trail[0].action == "stay.anonymised" and trail[0].reason == "retention"
        assert {entry.actor_name for entry in trail if entry.actor_kind.value == "guest"} == {"Guest"}
    # Old links and sign-ins open nothing; the guest's phone is signed out.
    assert lived_stay.client.get("/stay").status_code == 302
    assert GuestActions(app.test_client()).open_link(old_token).status_code in (302, 404, 410)
    assert GuestActions(app.test_client()).sign_in("204", "Garcia").status_code != 302


def test_anonymising_twice_changes_nothing_more(app, world, lived_stay):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        assert guest_data.anonymise_stay(stay, "retention") is True
        snapshot = (stay.access_token, stay.booking_reference, stay.session_version, stay.anonymised_at)
        count = db.session.scalar(select(db.func.count(AuditEntry.id)))
        assert guest_data.anonymise_stay(stay, "retention") is False
        stay = db.session.get(Stay, world.stays["garcia"])
        assert (
            stay.access_token,
            stay.booking_reference,
            stay.session_version,
            stay.anonymised_at,
        ) == snapshot
        assert db.session.scalar(select(db.func.count(AuditEntry.id))) == count


def test_retention_follows_each_hotels_days(app, world):
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        hotel.retention_days = 30
        stay = db.session.get(Stay, world.stays["other"])
        stay.arrival, stay.departure = world.today - timedelta(days=40), world.today - timedelta(days=31)
        db.session.commit()
        assert guest_data.due_for_retention(hotel) == [world.stays["other"]]
        stay.departure = world.today - timedelta(days=30)  # exactly 30 days ago: kept one more day
        db.session.commit()
        assert guest_data.due_for_retention(hotel) == []


def test_live_waiting_list_entries_end_and_keep_their_party(app, world):
    from app.models import WaitlistEntry, WaitlistStatus
    from tests.factories import riding_slot

    with app.app_context():
        slot = riding_slot(world)
        entry = WaitlistEntry(
            hotel_id=world.hotel_id,
            stay_id=world.stays["garcia"],
            service_id=world.services["horse_riding"],
            slot_id=slot.id,
            adults=2,
            children_ages=[4],
            seats=3,
        )
        db.session.add(entry)
        db.session.commit()
        guest_data.anonymise_stay(db.session.get(Stay, world.stays["garcia"]), "erasure request")
        entry = db.session.get(WaitlistEntry, entry.id)
        assert (entry.status, entry.adults, entry.children_ages) == (WaitlistStatus.LEFT, 2, [4])


def test_line_statuses_are_untouched(app, world, lived_stay):
    with app.app_context():
        guest_data.anonymise_stay(db.session.get(Stay, world.stays["garcia"]), "retention")
        statuses = {line.status for line in db.session.scalars(select(OrderLine))}
        assert statuses <= {LineStatus.BOOKED, LineStatus.CANCELLED}


def test_names_in_colleagues_texts_go_as_whole_words_only(app, world):
    with app.app_context():
        stay = db.session.get(Stay, world.stays["garcia"])
        stay.surname, stay.first_name, stay.email = "Li", "Ana", "ana.li@example.com"
        traces = guest_data.Traces.of(stay)
        assert traces.scrub("Ana Li asked; delivery to Li's room, mail ana.li@example.com") == (
            "— asked; delivery to —'s room, mail —"
        )
