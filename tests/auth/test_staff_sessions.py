"""Staff sign-in: hashed passwords, rate limits, sessions that really end, time-outs, roles on every route."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import StaffRole, StaffUser
from tests.staff import PASSWORD, make_staff


@pytest.fixture
def receptionist(app, world):
    return make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)


def test_passwords_are_stored_hashed_with_scrypt(app, receptionist):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == receptionist))
        assert PASSWORD not in user.password_hash
        assert user.password_hash.startswith("scrypt:")


def test_sign_in_opens_the_desk_and_starts_a_new_session(app, staff, receptionist):
    with staff.client.session_transaction() as session:
        session["planted"] = "by someone else"
    response = staff.sign_in(receptionist.upper())  # emails are not case-sensitive
    assert response.status_code == 302
    assert response.location.endswith("/desk/queue")
    with staff.client.session_transaction() as session:
        assert "planted" not in session
    assert staff.client.get("/desk/").status_code == 200


def test_wrong_password_is_refused_without_saying_which_part(staff, receptionist):
    wrong = staff.sign_in(receptionist, "not the password")
    unknown = staff.sign_in("nobody@lodge.test", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    message = "That email and password do not match an active account."
    assert message in wrong.get_data(as_text=True)
    assert message in unknown.get_data(as_text=True)


def test_five_failures_a_minute_then_429_for_that_account_and_address(staff, receptionist):
    for _ in range(5):
        assert staff.sign_in(receptionist, "guess").status_code == 401
    assert staff.sign_in(receptionist, "guess").status_code == 429
    assert staff.sign_in(receptionist).status_code == 429  # even the right password waits
    # Another account from the same address is not locked out by someone guessing this one.
    assert staff.sign_in("other@lodge.test", "guess").status_code == 401


def test_successful_sign_ins_do_not_count_against_the_limit(staff, receptionist):
    for _ in range(7):
        assert staff.sign_in(receptionist).status_code == 302


def test_a_cookie_copied_before_sign_out_no_longer_works(app, staff, receptionist):
    staff.sign_in(receptionist)
    copied = staff.client.get_cookie("session").value
    assert staff.sign_out().status_code == 302
    assert staff.client.get("/desk/").status_code == 302  # back to sign-in

    thief = app.test_client()
    thief.set_cookie("session", copied)
    response = thief.get("/desk/")
    assert response.status_code == 302
    assert "/staff/signin" in response.location


def test_deactivated_staff_are_signed_out_at_once(app, staff, receptionist):
    staff.sign_in(receptionist)
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == receptionist)).active = False
        db.session.commit()
    assert staff.client.get("/desk/").status_code == 302


def test_idle_staff_sessions_time_out(app, staff, receptionist, frozen_now):
    start = frozen_now(clock.now())
    staff.sign_in(receptionist)
    frozen_now(start + timedelta(minutes=29))
    assert staff.client.get("/desk/").status_code == 200  # still working: the idle clock restarts
    frozen_now(start + timedelta(minutes=29 + 31))
    assert staff.client.get("/desk/").status_code == 302


def test_staff_sessions_end_after_twelve_hours_however_busy(app, staff, receptionist, frozen_now):
    start = frozen_now(clock.now())
    staff.sign_in(receptionist)
    for minutes in range(20, 12 * 60, 20):
        frozen_now(start + timedelta(minutes=minutes))
        assert staff.client.get("/desk/").status_code == 200
    frozen_now(start + timedelta(hours=12, minutes=1))
    assert staff.client.get("/desk/").status_code == 302


def test_staff_pages_follow_the_staff_members_own_language(app, staff, receptionist):
    staff.sign_in(receptionist)
    assert staff.post("/staff/language", {"lang": "vi", "next": "/desk/"}, page="/desk/").status_code == 302
    page = staff.client.get("/desk/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="vi"' in page
    with app.app_context():
        assert db.session.scalar(select(StaffUser.locale).where(StaffUser.email == receptionist)) == "vi"
