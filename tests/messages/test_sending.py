"""When emails go out, and that each goes out once: twice-run, parallel runs, refusals and retries."""

from __future__ import annotations

import threading
from datetime import timedelta

from sqlalchemy import func, select, update

from app.extensions import db
from app.models import Hotel, MessageKind, MessageStatus, OutboundMessage
from app.services import messages
from tests import factories
from tests.messages.conftest import at, book_timed, send, set_stay


def _arriving_in(app, world, days: int, key: str = "garcia", **fields) -> None:
    fields.setdefault("email", f"{key}@example.com")
    set_stay(
        app,
        world.stays[key],
        arrival=world.today + timedelta(days=days),
        departure=world.today + timedelta(days=days + 3),
        **fields,
    )


def _rows(app, **where) -> list[OutboundMessage]:
    with app.app_context():
        query = select(OutboundMessage).filter_by(**where).order_by(OutboundMessage.id)
        rows = db.session.scalars(query).all()
        db.session.expunge_all()
        return rows


def test_pre_arrival_goes_out_exactly_n_days_before_and_not_earlier(app, world, inbox, frozen_now):
    _arriving_in(app, world, 6)
    assert send(app, at(world, 0, 8)).sent[MessageKind.PRE_ARRIVAL] == 0  # 6 days before: too early
    assert send(app, at(world, 1, 0, 1)).sent[MessageKind.PRE_ARRIVAL] == 1  # 5 days before (hotel time)
    assert send(app, at(world, 2, 8)).sent[MessageKind.PRE_ARRIVAL] == 0  # once per stay
    assert len(inbox.to("garcia@example.com")) == 1


def test_pre_arrival_days_is_the_hotels_setting(app, world, inbox):
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).pre_arrival_days = 2
        db.session.commit()
    _arriving_in(app, world, 3)
    assert send(app, at(world, 0, 12)).sent[MessageKind.PRE_ARRIVAL] == 0
    assert send(app, at(world, 1, 12)).sent[MessageKind.PRE_ARRIVAL] == 1


def test_not_on_arrival_day_when_it_was_missed(app, world, inbox):
    _arriving_in(app, world, 1)
    assert send(app, at(world, 1, 8)).sent[MessageKind.PRE_ARRIVAL] == 0


def test_running_twice_sends_each_message_once(app, world, inbox, frozen_now):
    frozen_now(at(world, 0, 18))
    _arriving_in(app, world, 4, key="other")
    set_stay(app, world.stays["garcia"], email="garcia@example.com")
    book_timed(app, world, "garcia", world.today + timedelta(days=1))
    first = send(app)
    assert first.sent == {MessageKind.PRE_ARRIVAL: 1, MessageKind.CONFIRMATION: 1, MessageKind.REMINDER: 1}
    second = send(app)
    assert second.sent.total() == 0 and second.failed.total() == 0
    assert len(inbox.messages) == 3
    assert {row.status for row in _rows(app)} == {MessageStatus.SENT}


def test_two_concurrent_runs_send_each_due_message_exactly_once(app, world, inbox, frozen_now):
    now = frozen_now(at(world, 0, 10))
    with app.app_context():
        hotel = db.session.get(Hotel, world.hotel_id)
        for n in range(12):
            factories.make_stay(
                hotel,
                room=str(500 + n),
                surname=f"Guest{n}",
                email=f"guest{n}@example.com",
                arrival=world.today + timedelta(days=1 + n % 5),
                departure=world.today + timedelta(days=8),
            )
        db.session.commit()
    reports, errors = [], []
    start = threading.Barrier(2)

    def run() -> None:
        try:
            with app.app_context():
                start.wait(timeout=10)
                reports.append(messages.send_due_messages(now))
        except Exception as error:  # surfaced below: a thread's exception would be lost
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors
    assert sum(report.sent.total() for report in reports) == 12
    assert sorted(message["To"] for message in inbox.messages) == sorted(
        f"guest{n}@example.com" for n in range(12)
    )
    assert len(_rows(app, status=MessageStatus.SENT)) == 12


def test_refused_message_is_failed_then_retried_by_a_later_run(app, world, inbox):
    _arriving_in(app, world, 3)
    inbox.refuse = True
    report = send(app, at(world, 0, 12))
    assert report.failed[MessageKind.PRE_ARRIVAL] == 1 and not inbox.messages
    (row,) = _rows(app)
    assert row.status is MessageStatus.FAILED and row.attempts == 1 and "451" in row.error
    inbox.refuse = False
    assert send(app, at(world, 0, 12, 5)).sent[MessageKind.PRE_ARRIVAL] == 1
    (row,) = _rows(app)
    assert row.status is MessageStatus.SENT and row.attempts == 2 and row.sent_at is not None
    assert len(inbox.messages) == 1


def test_retries_stop_after_three_attempts(app, world, inbox):
    _arriving_in(app, world, 3)
    inbox.refuse = True
    for minute in range(5):
        send(app, at(world, 0, 12, minute))
    (row,) = _rows(app)
    assert row.status is MessageStatus.FAILED and row.attempts == messages.MAX_ATTEMPTS


def test_unreachable_server_marks_failed(app, world, inbox, monkeypatch):
    _arriving_in(app, world, 3)
    monkeypatch.setitem(app.config, "MAIL_PORT", 1)  # nothing listens there
    assert send(app, at(world, 0, 12)).failed[MessageKind.PRE_ARRIVAL] == 1
    (row,) = _rows(app)
    assert row.status is MessageStatus.FAILED


def test_a_message_left_sending_by_a_crash_is_never_sent_again(app, world, inbox):
    _arriving_in(app, world, 3)
    send(app, at(world, 0, 12))
    with app.app_context():
        db.session.execute(update(OutboundMessage).values(status=MessageStatus.SENDING, sent_at=None))
        db.session.commit()
    assert send(app, at(world, 0, 12, 5)).sent.total() == 0
    assert len(inbox.messages) == 1


def test_no_email_without_address_when_unsubscribed_or_checked_out(app, world, inbox):
    _arriving_in(app, world, 3, email="")
    _arriving_in(app, world, 3, key="other", unsubscribed_at=at(world, 0, 8))
    assert send(app, at(world, 0, 12)).sent.total() == 0
    set_stay(app, world.stays["garcia"], email="garcia@example.com", checked_out_at=at(world, 0, 11))
    report = send(app, at(world, 0, 12))
    assert report.sent.total() == 0  # checked out before arriving: not even a thank-you


def test_checked_out_stay_gets_the_thank_you_only(app, world, inbox, frozen_now):
    frozen_now(at(world, 0, 8))
    set_stay(app, world.stays["garcia"], email="garcia@example.com")
    book_timed(app, world, "garcia", world.today + timedelta(days=1))
    set_stay(app, world.stays["garcia"], checked_out_at=at(world, 0, 8))
    report = send(app, at(world, 0, 18))
    assert report.sent == {MessageKind.THANK_YOU: 1}  # no confirmation, no reminder


def test_thank_you_window_ends_two_days_after_departure(app, world, inbox):
    set_stay(app, world.stays["garcia"], email="garcia@example.com", departure=world.today)
    assert send(app, at(world, 3, 12)).sent.total() == 0
    assert send(app, at(world, 2, 12)).sent[MessageKind.THANK_YOU] == 1


def test_confirmations_older_than_two_days_are_not_sent(app, world, inbox, frozen_now):
    frozen_now(at(world, 0, 9))
    set_stay(app, world.stays["garcia"], email="garcia@example.com")
    book_timed(app, world, "garcia", world.today + timedelta(days=3))
    assert send(app, at(world, 2, 9, 1)).sent[MessageKind.CONFIRMATION] == 0
    assert send(app, at(world, 1, 9)).sent[MessageKind.CONFIRMATION] == 1


def test_the_command_sends_and_prints_counts(app, world, inbox, frozen_now):
    frozen_now(at(world, 0, 12))
    _arriving_in(app, world, 2)
    result = app.test_cli_runner().invoke(args=["lobby", "send-due-messages"])
    assert result.exit_code == 0, result.output
    assert "1 sent (pre_arrival: 1), 0 failed" in result.output
    again = app.test_cli_runner().invoke(args=["lobby", "send-due-messages"])
    assert again.exit_code == 0 and again.output.startswith("0 sent")
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(OutboundMessage)) == 1
