"""`flask lobby deliver-webhooks` as processes: two at once send each event once; a restart loses none."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections import Counter
from datetime import timedelta
from pathlib import Path

from sqlalchemy import select, update

from app import clock
from app.extensions import db
from app.models import DeliveryStatus, WebhookDelivery
from app.services import webhooks
from tests.servers import ROOT
from tests.services.test_webhook_delivery import import_stay, listen

FLASK = str(Path(sys.executable).parent / "flask")


def worker(database_url: str, *options: str) -> subprocess.Popen:
    """A new process, a new app, the same database: as cron or systemd would start it."""
    env = {**os.environ, "LOBBY_ENV": "testing", "DATABASE_URL": database_url, "SECRET_KEY": "worker-test"}
    return subprocess.Popen(
        [FLASK, "--app", "wsgi", "lobby", "deliver-webhooks", *options],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def deliveries() -> list[WebhookDelivery]:
    db.session.expire_all()
    return list(db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)))


def test_two_workers_running_at_once_deliver_each_event_once_per_endpoint(hotel, receiver, database_url):
    listen(hotel, receiver)
    listen(hotel, receiver, url=receiver.url + "?second")
    for n in range(15):
        import_stay(hotel, f"R-{n}")
    receiver.hang(0.02)  # each answer takes a moment
    receiver.wait_for_company = True  # and the first waits until the other worker sends too
    db.session.remove()

    first, second = worker(database_url), worker(database_url)
    outputs = [process.communicate(timeout=120) for process in (first, second)]
    assert [first.returncode, second.returncode] == [0, 0], outputs

    sent = Counter((item.path, item.headers["Lobby-Event-Id"]) for item in receiver.received)
    assert receiver.most_at_once == 2  # both were sending at the same moment
    assert len(sent) == 30 and set(sent.values()) == {1}, sent.most_common(3)
    rows = deliveries()
    assert len(rows) == 30 and {row.status for row in rows} == {DeliveryStatus.DELIVERED}
    assert {row.attempts for row in rows} == {1}
    delivered = sum(int(out.split(" delivered")[0].split(", ")[-1]) for out, _err in outputs)
    assert delivered == 30, outputs


def test_a_claim_is_won_by_one_worker_only_until_it_runs_out(hotel, receiver, frozen_now):
    now = frozen_now(clock.now())
    listen(hotel, receiver)
    import_stay(hotel)
    webhooks.fan_out()
    [delivery] = deliveries()
    assert webhooks._claim(delivery.id, now)
    assert not webhooks._claim(delivery.id, now)  # a second worker finds it held
    assert not webhooks._claim(delivery.id, now + webhooks.CLAIM - timedelta(seconds=1))
    # Its worker died mid-send: once the claim runs out, another worker may send it again.
    assert webhooks._claim(delivery.id, now + webhooks.CLAIM + timedelta(seconds=1))


def test_a_new_worker_after_a_restart_delivers_what_was_left_pending(hotel, receiver, database_url):
    listen(hotel, receiver)
    import_stay(hotel, "R-refused")
    receiver.stop()
    webhooks.deliver_due()  # refused: waits for its retry
    import_stay(hotel, "R-crashed")
    webhooks.fan_out()
    now = clock.now()
    crashed = deliveries()[-1]
    # A worker claimed this one and died before it could answer; its claim has run out since.
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.id == crashed.id)
        .values(claimed_until=now - timedelta(seconds=1))
    )
    # And the refused one's wait is over (the other process's clock cannot be moved).
    db.session.execute(
        update(WebhookDelivery)
        .where(WebhookDelivery.status == DeliveryStatus.PENDING)
        .values(next_attempt_at=now - timedelta(seconds=1))
    )
    import_stay(hotel, "R-never-fanned-out")
    db.session.commit()
    db.session.remove()
    receiver.recover()

    process = worker(database_url, "--loop", "--every", "0.2")
    try:
        deadline = time.monotonic() + 60
        # Until the worker has recorded all three answers (the receiver hears each one a moment before).
        while time.monotonic() < deadline:
            rows = deliveries()
            if len(rows) == 3 and all(row.status is DeliveryStatus.DELIVERED for row in rows):
                break
            db.session.remove()
            time.sleep(0.2)
    finally:
        process.terminate()
        process.communicate(timeout=30)

    assert sorted(event["data"]["pms_reservation_id"] for event in receiver.events()) == [
        "R-crashed",
        "R-never-fanned-out",
        "R-refused",
    ]
    rows = deliveries()
    assert {row.status for row in rows} == {DeliveryStatus.DELIVERED}
    assert [row.attempts for row in rows] == [2, 1, 1]
