"""The manager's PMS page: the connection saved with its secrets masked and kept, and the sync's state."""

from __future__ import annotations

import json
import re
from datetime import timedelta

from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import AuditEntry, FolioLine, StaffRole
from app.models.integrations import PmsConnection, PmsPosting, PmsSyncRun, PostingStatus, SyncKind
from tests.browsing import text
from tests.factories import placed_order
from tests.reading import detached_rows
from tests.staff import make_staff

PAGE = "/manage/pms"
SERVICE_ID = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
CLIENT_TOKEN = "E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D"
ACCESS_TOKEN = "C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D"


def form(**overrides) -> dict:
    return {
        "provider": "mews",
        "base_url": "https://api.mews-demo.com/",
        "client_token": CLIENT_TOKEN,
        "access_token": ACCESS_TOKEN,
        "client": "Lobby 1.0",
        "service_id": SERVICE_ID,
        "accounting_category_id": "",
        "days_ahead": "10",
        "tier_lines": "VIP = gold\r\nLoyal = Silver\r\n",
        "enabled": "y",
    } | overrides


def saved(app) -> PmsConnection | None:
    rows = detached_rows(app, select(PmsConnection))
    return rows[0] if rows else None


def test_the_connection_is_saved_and_its_tokens_are_masked(app, manager, world):
    answer = manager.post(PAGE, form())
    assert answer.status_code == 302
    connection = saved(app)
    assert connection.provider == "mews" and connection.base_url == "https://api.mews-demo.com"
    assert connection.credentials == {
        "client_token": CLIENT_TOKEN,
        "access_token": ACCESS_TOKEN,
        "client": "Lobby 1.0",
    }
    settings = connection.settings
    assert settings["service_id"] == SERVICE_ID and settings["days_ahead"] == 10
    assert settings["tier_by_classification"] == {"VIP": "gold", "Loyal": "silver"}
    assert settings["accounting_category_id"] == "" and len(settings["webhook_secret"]) >= 40

    page = text(manager.client.get(PAGE))
    assert CLIENT_TOKEN not in page and ACCESS_TOKEN not in page
    assert "••••••••" + CLIENT_TOKEN[-4:] in page and "••••••••" + ACCESS_TOKEN[-4:] in page
    assert f"http://localhost/api/pms/mews/test-lodge/webhook?secret={settings['webhook_secret']}" in page
    assert settings["webhook_secret"] in page
    assert "VIP = gold\nLoyal = silver" in page

    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "pms.connected"))
        stored = json.dumps([entry.before, entry.after])
    assert CLIENT_TOKEN not in stored and ACCESS_TOKEN not in stored
    assert entry.after["service_id"] == SERVICE_ID


def test_empty_token_fields_keep_the_saved_tokens_and_a_new_one_replaces(app, manager, world):
    manager.post(PAGE, form())
    secret = saved(app).settings["webhook_secret"]
    assert manager.post(PAGE, form(client_token="", access_token="", days_ahead="30")).status_code == 302
    connection = saved(app)
    assert connection.credentials["client_token"] == CLIENT_TOKEN
    assert connection.credentials["access_token"] == ACCESS_TOKEN
    assert connection.settings["days_ahead"] == 30
    assert connection.settings["webhook_secret"] == secret  # the address pasted into Mews still works

    assert (
        manager.post(
            PAGE, form(client_token="", access_token="new-access-token-0123456789", days_ahead="30")
        ).status_code
        == 302
    )
    assert saved(app).credentials["access_token"] == "new-access-token-0123456789"
    with app.app_context():
        changes = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "pms.connection_changed").order_by(AuditEntry.id)
        ).all()
        assert [sorted(change.after) for change in changes] == [["days_ahead"], ["access_token_fingerprint"]]
        assert "new-access-token" not in json.dumps([changes[-1].before, changes[-1].after])


def test_every_bad_field_is_refused_next_to_the_field_and_nothing_is_saved(app, manager, world):
    answer = manager.post(
        PAGE,
        form(
            base_url="http://mews.example.com",
            client_token="",
            access_token="",
            service_id="not-a-guid",
            days_ahead="0",
            tier_lines="VIP = platinum",
        ),
    )
    assert answer.status_code == 400
    page = text(answer)
    for message in (
        "Please give an address that starts with https://.",
        "Please give the token from Mews.",
        "Mews ids look like",
        "Line 1: please write one code per line",
    ):
        assert message in page, message
    assert saved(app) is None

    for bad_url in (
        "https://user:pw@mews.example.com",
        "https://mews.example.com/?q=1",
        "https://:99999",
        "ftp://x",
    ):
        answer = manager.post(PAGE, form(base_url=bad_url))
        assert answer.status_code == 400, bad_url
    assert manager.post(PAGE, form(tier_lines="VIP = gold\nVIP = silver")).status_code == 400
    assert saved(app) is None


def test_a_new_webhook_secret_replaces_the_old(app, manager, world):
    manager.post(PAGE, form())
    old = saved(app).settings["webhook_secret"]
    assert manager.post(f"{PAGE}/webhook-secret", {}, page=PAGE).status_code == 302
    new = saved(app).settings["webhook_secret"]
    assert new != old and new in text(manager.client.get(PAGE))


def test_the_status_shows_the_runs_and_the_charges_not_yet_posted(app, manager, world):
    manager.post(PAGE, form())
    now = clock.now()
    with app.app_context():
        connection = db.session.scalar(select(PmsConnection))
        connection.last_sync_at = now - timedelta(minutes=5)
        connection.last_error = "Mews answered 401: the access token is invalid"
        connection.last_error_at = now - timedelta(minutes=3)
        order = placed_order(world.hotel_id, world.stays["garcia"], "ORD-1", now)
        db.session.flush()
        lines = [
            FolioLine(
                hotel_id=world.hotel_id,
                stay_id=world.stays["garcia"],
                order_id=order.id,
                room="204",
                amount=amount,
                currency="EUR",
                description=description,
                reference=f"ORD-1-{number}",
                posted_at=now,
            )
            for number, (amount, description) in enumerate(
                [(6000, "Horse riding"), (2500, "Pony ride"), (1500, "Crib"), (-2500, "Pony ride refund")]
            )
        ]
        db.session.add_all(lines)
        db.session.flush()
        statuses = [PostingStatus.PENDING, PostingStatus.REFUSED, PostingStatus.POSTED, PostingStatus.PENDING]
        for line, status in zip(lines, statuses, strict=True):
            db.session.add(
                PmsPosting(
                    hotel_id=world.hotel_id,
                    folio_line_id=line.id,
                    status=status,
                    attempts=2 if status is PostingStatus.REFUSED else 0,
                    last_error="The bill is closed" if status is PostingStatus.REFUSED else "",
                )
            )
        for minutes, kind, ok, counts, error in (
            (30, SyncKind.PULL, True, {"created": 3, "updated": 1}, ""),
            (10, SyncKind.POST, False, {}, "Mews answered 500"),
        ):
            db.session.add(
                PmsSyncRun(
                    hotel_id=world.hotel_id,
                    kind=kind,
                    started_at=now - timedelta(minutes=minutes),
                    ok=ok,
                    counts=counts,
                    error=error,
                )
            )
        db.session.commit()

    page = text(manager.client.get(PAGE))
    assert "Mews answered 401: the access token is invalid" in page
    assert "Reservations read" in page and "Charges posted" in page and "Mews answered 500" in page
    assert re.search(r"<code>created</code> 3, <code>updated</code> 1", page)
    table = page.split("Charges not on the PMS bill yet")[1].split("</table>")[0]
    assert "Pony ride" in table and "The bill is closed" in table and "€25.00" in table
    assert "Horse riding" in table and "€60.00" in table and "-€25.00" in table
    assert "Crib" not in table  # on the bill already
    # Refused first: staff must look at those.
    assert table.index("The bill is closed") < table.index("Horse riding")
    assert re.search(r"Charges waiting</dt><dd>2<", page)
    assert re.search(r'Charges refused by the PMS</dt><dd><span class="badge failed">1<', page)


def test_only_managers_open_the_pms_page(app, client, world, staff, phone):
    assert client.get(PAGE).status_code == 302
    assert phone.client.get(PAGE).status_code == 302
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert staff.client.get(PAGE).status_code == 403
    token = staff.csrf("/desk/")
    assert staff.client.post(PAGE, data={"csrf_token": token, **form()}).status_code == 403
    assert saved(app) is None
