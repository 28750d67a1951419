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


def test_a_group_is_made_its_hotels_joined_and_its_office_named_from_the_command_line(app, world):
    """What a group runs once when it switches Lobby on; its office then sees both hotels side by side."""
    from app.models import AuditEntry, Hotel, HotelGroup
    from tests.factories import make_hotel
    from tests.staff import StaffActions, make_staff

    with app.app_context():
        make_hotel(slug="beach-resort", name={"en": "Beach Resort"}, currency="MYR")
        db.session.commit()
    office = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email="office@lodge.test")
    runner = app.test_cli_runner()
    made = runner.invoke(
        args=[
            "lobby",
            "create-group",
            "Coast",
            "--name",
            "Coast Hotels",
            "--currency",
            "eur",
            "--hotels",
            "test-lodge",
        ]
    )
    assert made.exit_code == 0, made.output
    assert "Created group coast (EUR), with test-lodge." in made.output
    joined = runner.invoke(args=["lobby", "join-group", "beach-resort", "coast"])
    assert joined.exit_code == 0, joined.output
    named = runner.invoke(args=["lobby", "group-office", office, "--group", "coast"])
    assert named.exit_code == 0, named.output
    with app.app_context():
        group = db.session.scalar(select(HotelGroup).where(HotelGroup.slug == "coast"))
        assert sorted(hotel.slug for hotel in group.hotels) == ["beach-resort", "test-lodge"]
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == office))
        assert user.group_id == group.id
        beach = db.session.scalar(select(Hotel).where(Hotel.slug == "beach-resort"))
        trail = db.session.scalars(select(AuditEntry.action).where(AuditEntry.hotel_id == beach.id)).all()
        assert "hotel.group_changed" in trail

    desk = StaffActions(app.test_client())
    assert desk.sign_in(office).status_code == 302
    dashboard = desk.client.get("/manage/group").get_data(as_text=True)
    assert "Coast Hotels" in dashboard and "Beach Resort" in dashboard and "Test Lodge" in dashboard

    assert runner.invoke(args=["lobby", "group-office", office, "--none"]).exit_code == 0
    with app.app_context():
        assert db.session.scalar(select(StaffUser.group_id).where(StaffUser.email == office)) is None


def test_group_commands_refuse_what_cannot_be(app, world):
    runner = app.test_cli_runner()
    bad_currency = runner.invoke(
        args=["lobby", "create-group", "coast", "--name", "Coast", "--currency", "XYZ"]
    )
    assert bad_currency.exit_code != 0 and "three-letter ISO code" in bad_currency.output
    bad_slug = runner.invoke(
        args=["lobby", "create-group", "Coast Hotels!", "--name", "Coast", "--currency", "EUR"]
    )
    assert bad_slug.exit_code != 0 and "lower-case letters" in bad_slug.output
    assert (
        runner.invoke(
            args=["lobby", "create-group", "coast", "--name", "Coast", "--currency", "EUR"]
        ).exit_code
        == 0
    )
    again = runner.invoke(args=["lobby", "create-group", "coast", "--name", "Coast", "--currency", "EUR"])
    assert again.exit_code != 0 and "already has the short name coast" in again.output
    nowhere = runner.invoke(args=["lobby", "join-group", "test-lodge", "nowhere"])
    assert nowhere.exit_code != 0 and "There is no hotel group nowhere" in nowhere.output
    nobody = runner.invoke(args=["lobby", "group-office", "nobody@lodge.test", "--group", "coast"])
    assert nobody.exit_code != 0 and "No account nobody@lodge.test" in nobody.output
    both = runner.invoke(args=["lobby", "group-office", "nobody@lodge.test"])
    assert both.exit_code != 0 and "--group SLUG or --none" in both.output
