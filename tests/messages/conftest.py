"""A real SMTP server (aiosmtpd) on a free local port, and steps that set up what emails are about."""

from __future__ import annotations

import socket
import threading
from datetime import UTC, datetime, time, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from app.extensions import db
from app.models import PaymentMethod, Slot, Stay
from app.services import messages, ordering, planning


class Inbox:
    """The aiosmtpd handler: keeps every message it accepts; ``refuse`` makes it answer 451."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refuse = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.refuse:
            return "451 4.3.0 Please try again later"
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self._lock:
            self.messages.append(message)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        return [message for message in self.messages if message["To"] == address]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def inbox(app, monkeypatch):
    handler = Inbox()
    port = _free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_FROM", "desk@test-lodge.example")
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://lobby.example.com")
    yield handler
    controller.stop()


def send(app, now: datetime | None = None) -> messages.SendReport:
    """One run of the sender, as cron would start it."""
    from app import clock

    with app.app_context():
        return messages.send_due_messages(now or clock.now())


def set_stay(app, stay_id: int, **fields) -> None:
    with app.app_context():
        stay = db.session.get(Stay, stay_id)
        for name, value in fields.items():
            setattr(stay, name, value)
        db.session.commit()


def book_timed(app, world, stay_key: str, day, service: str = "horse_riding", adults=1, children=()) -> str:
    """Book the first session of ``service`` on ``day`` for the stay (one adult), at the desk."""
    with app.test_request_context():
        stay = db.session.get(Stay, world.stays[stay_key])
        slot_id = db.session.scalar(
            select(Slot.id)
            .where(Slot.pool_id == world.pools["stable"], Slot.local_date == day)
            .order_by(Slot.starts_at)
        )
        request = planning.BookingRequest(
            world.services[service], slot_id=slot_id, adults=adults, child_indexes=list(children)
        )
        order = ordering.sell_at_desk(stay, request, PaymentMethod.ROOM)
        return order.reference


def parts(message: EmailMessage) -> tuple[str, str]:
    """The plain-text and the HTML part of a multipart/alternative message."""
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()


VIENNA = ZoneInfo("Europe/Vienna")  # the test hotel's time zone


def at(world, days: int, hour: int, minute: int = 0) -> datetime:
    """A moment in hotel time, ``days`` after the world's today (its slots start then), in UTC."""
    local = datetime.combine(world.today + timedelta(days=days), time(hour, minute), tzinfo=VIENNA)
    return local.astimezone(UTC)
