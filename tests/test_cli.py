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
        assert user.name == "Mai"
        assert [(m.hotel_id, m.role) for m in user.memberships] == [(world.hotel_id, StaffRole.MANAGER)]
        assert check_password_hash(user.password_hash, "long enough secret")


def test_add_staff_to_hotel_gives_an_existing_account_a_role_in_another_hotel(app, world):
    from tests.factories import make_hotel

    with app.app_context():
        make_hotel(slug="beach-resort")
        db.session.commit()
    runner = app.test_cli_runner()
    runner.invoke(args=["lobby", "create-staff", "mai@lodge.test"], input="long enough secret\n" * 2)
    added = runner.invoke(
        args=["lobby", "add-staff-to-hotel", "Mai@Lodge.test", "--hotel", "beach-resort", "--role", "manager"]
    )
    assert added.exit_code == 0, added.output
    assert "mai@lodge.test now works at beach-resort (manager)" in added.output
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == "mai@lodge.test"))
        assert sorted((m.hotel.slug, m.role) for m in user.memberships) == [
            ("beach-resort", StaffRole.MANAGER),
            ("test-lodge", StaffRole.RECEPTIONIST),
        ]
    again = runner.invoke(args=["lobby", "add-staff-to-hotel", "mai@lodge.test", "--hotel", "beach-resort"])
    assert again.exit_code != 0 and "already works at this hotel" in again.output
    nobody = runner.invoke(args=["lobby", "add-staff-to-hotel", "no@lodge.test", "--hotel", "beach-resort"])
    assert nobody.exit_code != 0 and "No staff account" in nobody.output
    unknown = runner.invoke(args=["lobby", "add-staff-to-hotel", "mai@lodge.test", "--hotel", "nowhere"])
    assert unknown.exit_code != 0 and "No such hotel" in unknown.output


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
