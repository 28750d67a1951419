"""A hotel's staff page works on its members only: adding someone from another hotel, roles and
deactivation here leave their other hotels alone, and every hotel keeps its own last admin."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, StaffMembership, StaffRole, StaffUser
from tests.staff import StaffActions, add_to_hotel, make_staff, second_hotel

REBECCA = "rebecca@lodge.test"  # a receptionist at the lodge who manages the beach resort
BOSS = "boss@beach.test"  # the beach resort's admin


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def roles_of(app, email: str) -> dict[int, StaffRole]:
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
        return {membership.hotel_id: membership.role for membership in user.memberships}


def staff_id(app, email: str) -> int:
    with app.app_context():
        return db.session.scalar(select(StaffUser.id).where(StaffUser.email == email))


def is_active(app, email: str) -> bool:
    with app.app_context():
        return db.session.scalar(select(StaffUser.active).where(StaffUser.email == email))


def signed_in(app, email: str, hotel_id: int | None = None) -> StaffActions:
    staff = StaffActions(app.test_client())
    assert staff.sign_in(email).status_code == 302
    if hotel_id is not None:
        switched = staff.post("/staff/hotel", {"hotel": str(hotel_id)}, page="/desk/queue")
        assert switched.status_code == 302
    return staff


def listed(body: str) -> list[str]:
    """The emails the staff page lists."""
    table = body.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<td>([^<@]+@[^<]+)</td>", table)


@pytest.fixture
def beach(app, world) -> dict:
    hotel = second_hotel(app)
    make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email=REBECCA)
    add_to_hotel(app, REBECCA, hotel["hotel_id"], StaffRole.MANAGER)
    make_staff(app, hotel["hotel_id"], StaffRole.ADMIN, email=BOSS)
    return hotel


def test_the_staff_page_lists_this_hotels_members_with_their_role_here(app, world, beach):
    make_staff(app, world.hotel_id, StaffRole.ADMIN, email="admin@lodge.test")
    boss = signed_in(app, BOSS)
    body = page(boss.client.get("/manage/staff"))
    assert sorted(listed(body)) == [BOSS, REBECCA]
    row = body.split(f"<td>{REBECCA}</td>", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<option value="manager"\s+selected', row)
    # At the lodge she is listed as a receptionist, by the lodge's admin.
    lodge = page(signed_in(app, "admin@lodge.test").client.get("/manage/staff"))
    assert BOSS not in listed(lodge)
    row = lodge.split(f"<td>{REBECCA}</td>", 1)[1].split("</tr>", 1)[0]
    assert re.search(r'<option value="receptionist"\s+selected', row)


def test_an_admin_adds_someone_with_an_account_elsewhere_without_a_password(app, world, beach):
    make_staff(app, world.hotel_id, StaffRole.MANAGER, email="mai@lodge.test")
    boss = signed_in(app, BOSS)
    form = page(boss.client.get("/manage/staff"))
    assert "Leave it empty for someone who already has an account at another of our hotels" in form
    added = boss.post(
        "/manage/staff",
        {"name": "", "email": " Mai@Lodge.test ", "password": "", "role": "receptionist"},
        page="/manage/staff",
    )
    assert added.status_code == 302
    assert "mai@lodge.test now works at this hotel too." in page(boss.client.get(added.location))
    assert roles_of(app, "mai@lodge.test") == {
        world.hotel_id: StaffRole.MANAGER,
        beach["hotel_id"]: StaffRole.RECEPTIONIST,
    }
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.joined"))
        assert entry.hotel_id == beach["hotel_id"]
    # Her own password opens both hotels.
    mai = signed_in(app, "mai@lodge.test", beach["hotel_id"])
    assert mai.client.get("/manage/").status_code == 403  # a receptionist at the beach
    # A new account still needs its first password.
    refused = boss.post(
        "/manage/staff",
        {"name": "", "email": "new@beach.test", "password": "", "role": "receptionist"},
        page="/manage/staff",
    )
    assert refused.status_code == 400 and "at least 10 characters" in page(refused)


def test_only_an_admin_of_this_hotel_adds_someone_from_another_hotel(app, world, beach):
    make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email="thu@lodge.test")
    rebecca = signed_in(app, REBECCA, beach["hotel_id"])  # a manager here, not an admin
    refused = rebecca.post(
        "/manage/staff",
        {"name": "", "email": "thu@lodge.test", "password": "", "role": "receptionist"},
        page="/manage/staff",
    )
    assert refused.status_code == 409
    assert "Only an admin of this hotel can add someone who already has an account." in page(refused)
    assert roles_of(app, "thu@lodge.test") == {world.hotel_id: StaffRole.RECEPTIONIST}
    # Nor may an admin make someone from elsewhere an admin here... unless they are one: the boss may.
    boss = signed_in(app, BOSS)
    assert (
        boss.post(
            "/manage/staff",
            {"name": "", "email": "thu@lodge.test", "password": "", "role": "admin"},
            page="/manage/staff",
        ).status_code
        == 302
    )
    assert roles_of(app, "thu@lodge.test")[beach["hotel_id"]] is StaffRole.ADMIN
    again = boss.post(
        "/manage/staff",
        {"name": "", "email": "thu@lodge.test", "password": "", "role": "manager"},
        page="/manage/staff",
    )
    assert again.status_code == 400 and "thu@lodge.test already works at this hotel." in page(again)


def test_a_role_change_at_one_hotel_leaves_the_other(app, world, beach):
    boss = signed_in(app, BOSS)
    changed = boss.post(
        f"/manage/staff/{staff_id(app, REBECCA)}/role", {"role": "receptionist"}, page="/manage/staff"
    )
    assert changed.status_code == 302
    assert roles_of(app, REBECCA) == {
        world.hotel_id: StaffRole.RECEPTIONIST,
        beach["hotel_id"]: StaffRole.RECEPTIONIST,
    }
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.role_changed"))
        assert (entry.hotel_id, entry.before, entry.after) == (
            beach["hotel_id"],
            {"role": "manager"},
            {"role": "receptionist"},
        )


def test_a_manager_at_one_hotel_cannot_change_roles_at_the_hotel_where_she_is_a_receptionist(
    app, world, beach
):
    colleague = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email="thu@lodge.test")
    rebecca = signed_in(app, REBECCA)  # at the lodge, a receptionist
    token = rebecca.csrf("/desk/queue")
    answer = rebecca.client.post(
        f"/manage/staff/{staff_id(app, colleague)}/role", data={"csrf_token": token, "role": "manager"}
    )
    assert answer.status_code == 403
    assert roles_of(app, colleague) == {world.hotel_id: StaffRole.RECEPTIONIST}


def test_deactivating_a_two_hotel_member_at_one_keeps_them_at_the_other(app, world, beach):
    boss = signed_in(app, BOSS)
    rebecca = signed_in(app, REBECCA, beach["hotel_id"])
    body = page(boss.client.get("/manage/staff"))
    row = body.split(f"<td>{REBECCA}</td>", 1)[1].split("</tr>", 1)[0]
    assert "Remove from this hotel" in row and "Deactivate" not in row
    removed = boss.post(
        f"/manage/staff/{staff_id(app, REBECCA)}/active", {"active": "0"}, page="/manage/staff"
    )
    assert removed.status_code == 302
    assert roles_of(app, REBECCA) == {world.hotel_id: StaffRole.RECEPTIONIST}
    assert is_active(app, REBECCA)
    assert REBECCA not in listed(page(boss.client.get("/manage/staff")))
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "staff.removed"))
        assert entry.hotel_id == beach["hotel_id"] and entry.before == {"email": REBECCA, "role": "manager"}
    # Her session ended with the change; signed in again, she works at the lodge only.
    assert rebecca.client.get("/desk/queue").status_code == 302
    rebecca = signed_in(app, REBECCA)
    assert rebecca.client.get("/desk/queue").status_code == 200
    assert "hotel-switch" not in page(rebecca.client.get("/desk/queue"))
    assert (
        rebecca.post("/staff/hotel", {"hotel": str(beach["hotel_id"])}, page="/desk/queue").status_code == 404
    )

    # At the lodge, her last hotel, deactivating closes the account.
    make_staff(app, world.hotel_id, StaffRole.ADMIN, email="admin@lodge.test")
    lodge = signed_in(app, "admin@lodge.test")
    assert "Remove from this hotel" not in page(lodge.client.get("/manage/staff"))
    lodge.post(f"/manage/staff/{staff_id(app, REBECCA)}/active", {"active": "0"}, page="/manage/staff")
    assert not is_active(app, REBECCA)
    assert roles_of(app, REBECCA) == {world.hotel_id: StaffRole.RECEPTIONIST}  # listed as deactivated


def test_the_last_admin_rule_holds_in_each_hotel(app, world, beach):
    # The beach's boss is also the lodge's only admin; the beach has a second admin.
    add_to_hotel(app, BOSS, world.hotel_id, StaffRole.ADMIN)
    make_staff(app, beach["hotel_id"], StaffRole.ADMIN, email="second@beach.test")
    boss_id = staff_id(app, BOSS)

    at_lodge = signed_in(app, BOSS, world.hotel_id)
    refused = at_lodge.post(f"/manage/staff/{boss_id}/role", {"role": "manager"}, page="/manage/staff")
    # An admin of another hotel does not count: the lodge would be left without one.
    assert "This is the last admin" in page(at_lodge.client.get(refused.location))
    assert roles_of(app, BOSS)[world.hotel_id] is StaffRole.ADMIN

    at_beach = signed_in(app, BOSS, beach["hotel_id"])
    allowed = at_beach.post(f"/manage/staff/{boss_id}/role", {"role": "manager"}, page="/manage/staff")
    assert allowed.status_code == 302
    assert roles_of(app, BOSS) == {world.hotel_id: StaffRole.ADMIN, beach["hotel_id"]: StaffRole.MANAGER}

    # Now the second admin is the beach's last: nobody there may remove or demote them.
    second = signed_in(app, "second@beach.test")
    second_id = staff_id(app, "second@beach.test")
    refused = second.post(f"/manage/staff/{second_id}/role", {"role": "manager"}, page="/manage/staff")
    assert "This is the last admin" in page(second.client.get(refused.location))
    with app.app_context():
        admins = db.session.scalars(
            select(StaffMembership.staff_user_id).where(
                StaffMembership.hotel_id == beach["hotel_id"], StaffMembership.role == StaffRole.ADMIN
            )
        ).all()
        assert admins == [second_id]
