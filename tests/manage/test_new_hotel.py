"""Opening a hotel: `flask lobby create-hotel` and /manage/hotels/new, with every setting checked."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, Hotel, HotelGroup, StaffMembership, StaffRole, StaffUser
from app.services import staff_access
from tests.staff import make_staff


@pytest.fixture
def group(app, world):
    with app.app_context():
        group = HotelGroup(slug="alps", name="Alpine Hotels", reporting_currency="EUR")
        db.session.add(group)
        db.session.get(Hotel, world.hotel_id).group = group
        db.session.commit()
        return group.id


def run(app, *args: str):
    return app.test_cli_runner().invoke(args=["lobby", "create-hotel", *args])


def test_create_hotel_in_a_group_with_an_admin(app, world, group):
    make_staff(app, world.hotel_id, StaffRole.MANAGER, "ana@lodge.test")
    result = run(
        app,
        "tbilisi-old-town",
        "--name",
        "Old Town Rooms",
        "--currency",
        "gel",
        "--timezone",
        "Asia/Tbilisi",
        "--languages",
        "ka, ru,en",
        "--group",
        "alps",
        "--admin",
        "Ana@Lodge.test",
    )
    assert result.exit_code == 0, result.output
    assert "Created tbilisi-old-town (GEL, Asia/Tbilisi, ka, ru, en) in group alps." in result.output
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "tbilisi-old-town"))
        assert (hotel.default_locale, hotel.name.localize("ka"), hotel.group_id) == (
            "ka",
            "Old Town Rooms",
            group,
        )
        ana = db.session.scalar(select(StaffUser).where(StaffUser.email == "ana@lodge.test"))
        membership = db.session.scalar(select(StaffMembership).where(StaffMembership.hotel_id == hotel.id))
        assert (membership.staff_user_id, membership.role) == (ana.id, StaffRole.ADMIN)
        actions = set(db.session.scalars(select(AuditEntry.action).where(AuditEntry.hotel_id == hotel.id)))
        assert actions == {"hotel.created", "staff.joined"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["Bad Slug!"], "--slug: Use 1 to 40 lower-case letters"),
        (["test-lodge"], "--slug: Another hotel already has the short name test-lodge."),
        (["new", "--currency", "XYZ"], "--currency: Please enter a currency's three-letter ISO code"),
        (["new", "--timezone", "Mars/Olympus"], "--timezone: Please enter a time zone such as"),
        (
            ["new", "--languages", "en,fr"],
            "--languages: Choose the hotel's languages among en, vi, ms, ka, ru, ar.",
        ),
        (["new", "--default-language", "vi"], "--default-locale: The default language must be one of"),
        (["new", "--group", "nowhere"], "--group: There is no hotel group nowhere."),
        (["new", "--admin", "nobody@lodge.test"], "No account nobody@lodge.test"),
    ],
)
def test_create_hotel_refuses_what_cannot_be(app, world, args, message):
    defaults = {"--name": "New", "--currency": "EUR", "--timezone": "Europe/Vienna"}
    given = dict(zip(args[1::2], args[2::2], strict=True))
    options = [part for key, value in (defaults | given).items() for part in (key, value)]
    result = run(app, args[0], *options)
    assert result.exit_code != 0
    assert message in result.output
    with app.app_context():
        assert db.session.scalar(select(Hotel.id).where(Hotel.slug == "new")) is None


def test_the_group_office_opens_a_hotel_on_the_page(app, staff, world, group):
    email = make_staff(app, world.hotel_id, StaffRole.ADMIN, "office@lodge.test")
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == email)).group_id = group
        db.session.commit()
    staff.sign_in(email)
    page = staff.client.get("/manage/hotels/new")
    assert page.status_code == 200 and "The hotel joins Alpine Hotels." in page.get_data(as_text=True)
    form = {
        "name": "Lake Hotel",
        "slug": "lake",
        "currency": "chf",
        "timezone": "Europe/Zurich",
        "languages": ["en", "ru"],
        "default_locale": "ru",
    }
    refused = staff.post("/manage/hotels/new", form | {"currency": "XYZ"}, page="/manage/hotels/new")
    assert refused.status_code == 400
    shown = refused.get_data(as_text=True)
    assert 'id="currency-error"' in shown and "three-letter ISO code" in shown
    assert 'value="Lake Hotel"' in shown  # nothing typed is lost
    opened = staff.post("/manage/hotels/new", form, page="/manage/hotels/new")
    assert (opened.status_code, opened.location) == (302, "/manage/catalog/copy")
    with app.app_context():
        hotel = db.session.scalar(select(Hotel).where(Hotel.slug == "lake"))
        assert (hotel.currency, hotel.enabled_locales, hotel.group_id) == ("CHF", ["ru", "en"], group)
        office = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        assert staff_access.role_at(office, hotel.id) is StaffRole.ADMIN
    # The new hotel is one to copy this hotel's catalog into.
    assert "Lake Hotel" in staff.client.get("/manage/catalog/copy").get_data(as_text=True)


def test_an_admin_outside_a_group_opens_a_hotel_of_its_own(app, staff, world, group):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.ADMIN))
    form = {
        "name": "Solo",
        "slug": "solo",
        "currency": "EUR",
        "timezone": "Europe/Vienna",
        "languages": ["en"],
    }
    opened = staff.post("/manage/hotels/new", form | {"default_locale": "en"}, page="/manage/hotels/new")
    assert opened.status_code == 302
    with app.app_context():
        assert db.session.scalar(select(Hotel.group_id).where(Hotel.slug == "solo")) is None


def test_a_manager_cannot_open_a_hotel(app, staff, world):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    assert staff.client.get("/manage/hotels/new").status_code == 403
    assert "/manage/hotels/new" not in staff.client.get("/manage/catalog/copy").get_data(as_text=True)


def test_a_form_without_languages_or_with_strange_values_is_answered_with_messages(app, staff, world):
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.ADMIN))
    form = {"name": "Solo", "slug": "solo", "currency": "EUR", "timezone": "Europe/Vienna"}
    for extra in (
        {},
        {"languages": ["xx"], "default_locale": "en"},
        {"languages": ["en"], "default_locale": "zz"},
    ):
        answer = staff.post("/manage/hotels/new", form | extra, page="/manage/hotels/new")
        assert answer.status_code == 400, extra
        assert 'class="error"' in answer.get_data(as_text=True)
    with app.app_context():
        assert db.session.scalar(select(Hotel.id).where(Hotel.slug == "solo")) is None
