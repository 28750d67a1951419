"""Managers manage staff accounts; nobody can lock the hotel out of its last admin."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import StaffMembership, StaffRole, StaffUser
from tests.staff import PASSWORD, StaffActions, make_staff


def staff_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def role_at(app, email: str, hotel_id: int) -> StaffRole | None:
    with app.app_context():
        return db.session.scalar(
            select(StaffMembership.role)
            .join(StaffUser, StaffUser.id == StaffMembership.staff_user_id)
            .where(StaffUser.email == email, StaffMembership.hotel_id == hotel_id)
        )


def account(app, email: str) -> StaffUser:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        db.session.expunge(user)
        return user


def test_a_manager_adds_a_receptionist_who_can_then_sign_in(app, staff, manager):
    added = staff.post(
        "/manage/staff",
        {"name": "Thu", "email": "thu@lodge.test", "password": "a good long one", "role": "receptionist"},
        page="/manage/staff",
    )
    assert added.status_code == 302
    assert "thu@lodge.test" in staff.client.get("/manage/staff").get_data(as_text=True)
    newcomer = StaffActions(app.test_client())
    assert newcomer.sign_in("thu@lodge.test", "a good long one").status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"email": "x@lodge.test", "password": "short", "role": "receptionist"}, "at least 10 characters"),
        ({"email": "manager@lodge.test", "password": PASSWORD, "role": "receptionist"}, "already works at"),
        (
            {"email": "boss@lodge.test", "password": PASSWORD, "role": "admin"},
            "Only an admin can make someone an admin.",
        ),
        ({"email": "boss@lodge.test", "password": PASSWORD, "role": "owner"}, "Please choose from the list."),
    ],
)
def test_bad_accounts_are_refused_with_a_reason(staff, manager, fields, message):
    refused = staff.post("/manage/staff", {"name": "", **fields}, page="/manage/staff")
    assert refused.status_code in (400, 409)
    assert message in refused.get_data(as_text=True)


def test_a_role_change_ends_the_colleagues_sessions(app, staff, manager, world):
    email = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST)
    colleague = StaffActions(app.test_client())
    colleague.sign_in(email)
    assert colleague.client.get("/desk/queue").status_code == 200
    changed = staff.post(
        f"/manage/staff/{staff_id(app, email)}/role", {"role": "manager"}, page="/manage/staff"
    )
    assert changed.status_code == 302
    assert role_at(app, email, world.hotel_id) is StaffRole.MANAGER
    assert (
        colleague.client.get("/desk/queue").status_code == 302
    )  # signed out: the new role needs a new sign-in


def test_the_last_admin_cannot_be_demoted_or_deactivated(app, world):
    admin_email = make_staff(app, world.hotel_id, StaffRole.ADMIN)
    admin = StaffActions(app.test_client())
    admin.sign_in(admin_email)
    admin_id = staff_id(app, admin_email)
    refused = admin.post(f"/manage/staff/{admin_id}/role", {"role": "manager"}, page="/manage/staff")
    assert "This is the last admin" in admin.client.get(refused.location).get_data(as_text=True)
    assert role_at(app, admin_email, world.hotel_id) is StaffRole.ADMIN

    second = make_staff(app, world.hotel_id, StaffRole.ADMIN, email="second-admin@lodge.test")
    assert (
        admin.post(
            f"/manage/staff/{staff_id(app, second)}/active", {"active": "0"}, page="/manage/staff"
        ).status_code
        == 302
    )
    assert not account(app, second).active
    # Now the first admin is the last active one again.
    admin.post(f"/manage/staff/{admin_id}/active", {"active": "0"}, page="/manage/staff")
    assert account(app, admin_email).active


def test_a_manager_cannot_touch_an_admin_nor_deactivate_themselves(app, staff, manager, world):
    admin_email = make_staff(app, world.hotel_id, StaffRole.ADMIN)
    staff.post(f"/manage/staff/{staff_id(app, admin_email)}/active", {"active": "0"}, page="/manage/staff")
    assert account(app, admin_email).active
    staff.post(f"/manage/staff/{staff_id(app, manager.email)}/active", {"active": "0"}, page="/manage/staff")
    page = staff.client.get("/manage/staff").get_data(as_text=True)
    assert "You cannot deactivate your own account." in page
    assert account(app, manager.email).active


def test_another_hotels_staff_are_out_of_reach(app, staff, manager):
    from tests.factories import make_hotel

    with app.app_context():
        other = make_hotel(slug="other-lodge")
        db.session.commit()
        other_id = other.id
    outsider = make_staff(app, other_id, StaffRole.RECEPTIONIST, email="outsider@other.test")
    page = staff.client.get("/manage/staff").get_data(as_text=True)
    assert "outsider@other.test" not in page
    response = staff.post(
        f"/manage/staff/{staff_id(app, outsider)}/role", {"role": "manager"}, page="/manage/staff"
    )
    assert response.status_code == 404
    assert not re.search("outsider", staff.client.get("/manage/staff").get_data(as_text=True))


def _offered_roles(page: str) -> list[list[str]]:
    """The options of every role list on the staff page (the per-person lists and the new-account one)."""
    return [
        re.findall(r'<option value="([a-z]+)"', select)
        for select in re.findall(r'<select[^>]*name="role"[^>]*>(.*?)</select>', page, re.S)
    ]


def test_a_manager_is_offered_only_the_roles_they_may_grant(app, staff, manager, world):
    admin_email = make_staff(app, world.hotel_id, StaffRole.ADMIN)
    page = staff.client.get("/manage/staff").get_data(as_text=True)
    lists = _offered_roles(page)
    assert lists and all(options == ["receptionist", "manager"] for options in lists)
    # The admin's row shows their role as text, with nothing the manager would be refused.
    assert f"/manage/staff/{staff_id(app, admin_email)}/role" not in page
    assert f"/manage/staff/{staff_id(app, admin_email)}/active" not in page


def test_an_admin_is_offered_every_role(app, world):
    admin = StaffActions(app.test_client())
    admin.sign_in(make_staff(app, world.hotel_id, StaffRole.ADMIN))
    lists = _offered_roles(admin.client.get("/manage/staff").get_data(as_text=True))
    assert lists and all(options == ["receptionist", "manager", "admin"] for options in lists)
