"""`flask lobby …` commands a hotel runs: creating staff, reconciling payments, seeding."""

from __future__ import annotations

from sqlalchemy import select
from werkzeug.security import check_password_hash

from app.extensions import db
from app.models import StaffRole, StaffUser


def test_create_staff_with_the_password_on_stdin(app, world):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["lobby", "create-staff", "Desk@Lodge.test", "--role", "manager", "--name", "Mai"],
        input="long enough secret\nlong enough secret\n",
    )
    assert result.exit_code == 0, result.output
    assert "Created desk@lodge.test (manager)" in result.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "desk@lodge.test"))
        assert (user.role, user.name) == (StaffRole.MANAGER, "Mai")
        assert check_password_hash(user.password_hash, "long enough secret")


def test_create_staff_refuses_short_passwords_and_duplicates(app, world):
    runner = app.test_cli_runner()
    short = runner.invoke(args=["lobby", "create-staff", "a@lodge.test"], input="short\nshort\n")
    assert short.exit_code != 0
    assert "at least 10 characters" in short.output
    ok = runner.invoke(args=["lobby", "create-staff", "a@lodge.test"], input="long enough secret\n" * 2)
    assert ok.exit_code == 0
    again = runner.invoke(args=["lobby", "create-staff", "A@lodge.test"], input="long enough secret\n" * 2)
    assert again.exit_code != 0
    assert "already an account" in again.output


def test_reconcile_without_stripe_keys_releases_holds_and_says_so(app, world):
    result = app.test_cli_runner().invoke(args=["lobby", "reconcile-payments"])
    assert result.exit_code == 0
    assert "0 holds released" in result.output
