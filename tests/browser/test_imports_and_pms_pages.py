"""The arrivals import and the PMS page at desk size (1280 × 800), driven through the real forms."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import FolioLine, StaffRole
from app.models.integrations import PmsConnection, PmsPosting, PmsSyncRun, PostingStatus, SyncKind
from tests.factories import placed_order
from tests.staff import PASSWORD, make_staff


@pytest.fixture
def browser_context_args(browser_context_args):
    return {**browser_context_args, "viewport": {"width": 1280, "height": 800}, "is_mobile": False}


def sign_in(page, live_server: str, email: str) -> None:
    page.goto(f"{live_server}/staff/signin")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.press("input[name=password]", "Enter")


def test_a_receptionist_imports_arrivals_and_reads_the_report(
    app, world, live_server, page, screenshot, tmp_path
):
    sign_in(page, live_server, make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    a, d = world.today + timedelta(days=7), world.today + timedelta(days=10)
    arrivals = tmp_path / "arrivals-week-50.csv"
    arrivals.write_text(
        "\ufeffReservation;Surname;First name;Email;Language;Arrival;Departure;Adults;"
        "Children ages;Room;Tier\n"
        f"M-1001;Schmidt;Anna;anna@example.com;de;{a:%d.%m.%Y};{d:%d.%m.%Y};2;4, 9;;gold\n"
        f"M-1002;Nguyễn;Minh;;vi;{a};{d};1;;305;\n"
        f"M-1003;;Paul;paul@;en;{a};{a};0;;;platinum\n"
        f"M-1004;Rossi;Giulia;;it;31/02/2026;{d};2;4, 19;;\n",
        encoding="utf-8",
    )
    page.goto(f"{live_server}/desk/arrivals")
    page.get_by_label("Arrivals file (CSV or Excel .xlsx)").set_input_files(str(arrivals))
    page.get_by_role("button", name="Import arrivals").click()
    assert page.get_by_role("heading", name="Import report").is_visible()
    assert page.get_by_text("The departure must be after the arrival.").is_visible()
    screenshot("arrivals-import-report-1280")

    page.goto(f"{live_server}/desk/arrivals")
    page.get_by_text("The columns Lobby reads").click()
    assert page.get_by_role("link", name="Report").is_visible()
    screenshot("arrivals-import-1280")


def _sync_history(app, world) -> None:
    now = clock.now()
    with app.app_context():
        connection = db.session.scalar(select(PmsConnection))
        connection.last_sync_at = now - timedelta(minutes=4)
        connection.last_error = "Mews answered 429: too many requests; retried at the next run"
        connection.last_error_at = now - timedelta(hours=2)
        order = placed_order(world.hotel_id, world.stays["garcia"], "ORD-7", now)
        db.session.flush()
        for number, (amount, description, status, error) in enumerate(
            [
                (6000, "Horse riding", PostingStatus.REFUSED, "Mews: the bill of this reservation is closed"),
                (2500, "Pony ride", PostingStatus.PENDING, "Mews did not answer in 10 s"),
                (-2500, "Pony ride (refund)", PostingStatus.PENDING, ""),
            ]
        ):
            line = FolioLine(
                hotel_id=world.hotel_id,
                stay_id=world.stays["garcia"],
                order_id=order.id,
                room="204",
                amount=amount,
                currency="EUR",
                description=description,
                reference=f"ORD-7-{number}",
                posted_at=now,
            )
            db.session.add(line)
            db.session.flush()
            db.session.add(
                PmsPosting(
                    hotel_id=world.hotel_id,
                    folio_line_id=line.id,
                    status=status,
                    attempts=3,
                    last_error=error,
                )
            )
        for minutes, kind, ok, counts, error in (
            (64, SyncKind.PULL, True, {"created": 12, "updated": 3, "unchanged": 40}, ""),
            (34, SyncKind.WEBHOOK, True, {"updated": 1}, ""),
            (4, SyncKind.POST, False, {"posted": 2}, "Mews answered 429: too many requests"),
        ):
            db.session.add(
                PmsSyncRun(
                    hotel_id=world.hotel_id,
                    kind=kind,
                    started_at=now - timedelta(minutes=minutes),
                    finished_at=now - timedelta(minutes=minutes - 1),
                    ok=ok,
                    counts=counts,
                    error=error,
                )
            )
        db.session.commit()


def test_a_manager_connects_mews_and_reads_its_state(app, world, live_server, page, screenshot):
    sign_in(page, live_server, make_staff(app, world.hotel_id, StaffRole.MANAGER))
    page.goto(f"{live_server}/manage/pms")
    page.get_by_label("Client token").fill("E0D439EE522F44368DC78E1BFB03710C-D24FB11DBE31D4621C4817E028D9E1D")
    page.get_by_label("Access token").fill("C66EF7B239D24632943D115EDE9CB810-EA00F8FD8294692C940F6B5A8F9453D")
    page.get_by_label("Service id").fill("bd26d8db-86da-4f96-9efc-e5a4654a4a94")
    page.get_by_label("Loyalty tiers by Mews classification").fill("VIP = gold\nLoyal = silver")
    page.get_by_role("button", name="Save the connection").click()
    assert page.get_by_text("The PMS connection is saved.").is_visible()
    assert "E0D439EE522F" not in page.content()

    _sync_history(app, world)
    page.reload()
    assert page.get_by_text("the bill of this reservation is closed").is_visible()
    screenshot("pms-page-1280")
