"""Where a staff member may work and as what: memberships, a group's office in every hotel of its
group as a manager (a higher membership wins), never a hotel of another group."""

from __future__ import annotations

import pytest

from app.extensions import db
from app.models import Hotel, HotelGroup, RequestKind, StaffRole, Stay
from app.services import guest_requests, staff_access, staff_accounts
from app.services.errors import NotFound
from tests.factories import make_hotel

PASSWORD = "correct horse battery"


@pytest.fixture
def groups(hotel: Hotel) -> dict[str, Hotel]:
    """The lodge and a beach resort in the Seaside group; a mountain inn of another group; a lone
    inn of no group."""
    seaside = HotelGroup(slug="seaside", name="Seaside", reporting_currency="EUR")
    other = HotelGroup(slug="other", name="Other", reporting_currency="USD")
    db.session.add_all([seaside, other])
    db.session.flush()
    hotel.group_id = seaside.id
    hotels = {
        "lodge": hotel,
        "beach": make_hotel(slug="beach", name={"en": "Beach"}, group_id=seaside.id),
        "mountain": make_hotel(slug="mountain", name={"en": "Mountain"}, group_id=other.id),
        "lone": make_hotel(slug="lone", name={"en": "Lone Inn"}),
    }
    db.session.commit()
    return hotels


def listed(user) -> dict[str, StaffRole]:
    return {str(choice.name): choice.role for choice in staff_access.hotel_choices(user)}


def test_memberships_say_where_and_as_what(groups):
    user = staff_accounts.create_staff(groups["lodge"], "rita@lodge.test", PASSWORD, StaffRole.RECEPTIONIST)
    staff_accounts.add_membership(groups["lone"], user, StaffRole.ADMIN)
    db.session.commit()
    assert listed(user) == {"Test Lodge": StaffRole.RECEPTIONIST, "Lone Inn": StaffRole.ADMIN}
    assert staff_access.role_at(user, groups["beach"].id) is None
    assert staff_access.role_at(user, groups["lone"].id) is StaffRole.ADMIN
    with pytest.raises(NotFound):
        staff_access.choose_hotel(user, groups["mountain"].id)
    assert staff_access.works_elsewhere(user, groups["lodge"].id)


def test_a_groups_office_manages_every_hotel_of_its_group_and_none_of_another(groups):
    user = staff_accounts.create_staff(
        groups["lodge"], "office@seaside.test", PASSWORD, StaffRole.RECEPTIONIST
    )
    user.group_id = groups["lodge"].group_id
    # An explicit membership with a higher role wins over the group's manager role.
    staff_accounts.add_membership(groups["beach"], user, StaffRole.ADMIN)
    db.session.commit()
    assert listed(user) == {"Test Lodge": StaffRole.MANAGER, "Beach": StaffRole.ADMIN}
    assert staff_access.role_at(user, groups["mountain"].id) is None
    assert staff_access.role_at(user, groups["lone"].id) is None


def test_the_working_hotel_is_the_chosen_one_else_the_accounts_own_else_the_first(groups):
    user = staff_accounts.create_staff(groups["beach"], "mai@beach.test", PASSWORD, StaffRole.MANAGER)
    staff_accounts.add_membership(groups["lodge"], user, StaffRole.RECEPTIONIST)
    db.session.commit()
    own = staff_access.workplace(user)
    assert (own.hotel.slug, own.role, own.hotel_count) == ("beach", StaffRole.MANAGER, 2)
    chosen = staff_access.workplace(user, groups["lodge"].id)
    assert (chosen.hotel.slug, chosen.role) == ("test-lodge", StaffRole.RECEPTIONIST)
    # A choice no longer (or never) allowed is ignored.
    assert staff_access.workplace(user, groups["mountain"].id).hotel.slug == "beach"
    user.memberships = [m for m in user.memberships if m.hotel_id != groups["beach"].id]
    db.session.commit()
    first = staff_access.workplace(user, groups["beach"].id)
    assert (first.hotel.slug, first.role, first.hotel_count) == ("test-lodge", StaffRole.RECEPTIONIST, 1)
    user.memberships = []
    db.session.commit()
    assert staff_access.workplace(user) is None


def test_requests_are_assigned_to_anyone_working_in_their_hotel(groups, world):
    stay = db.session.get(Stay, world.stays["garcia"])
    request = guest_requests.open_request(stay, RequestKind.HELP, details="The door sticks")
    desk = staff_accounts.create_staff(groups["lodge"], "desk@lodge.test", PASSWORD, StaffRole.RECEPTIONIST)
    # Made at the beach resort, working at the lodge too.
    visitor = staff_accounts.create_staff(groups["beach"], "mai@beach.test", PASSWORD, StaffRole.MANAGER)
    staff_accounts.add_membership(groups["lodge"], visitor, StaffRole.RECEPTIONIST)
    stranger = staff_accounts.create_staff(groups["mountain"], "ivo@mountain.test", PASSWORD, StaffRole.ADMIN)
    db.session.commit()
    guest_requests.assign(request, visitor, desk)
    assert request.assignee_id == visitor.id
    with pytest.raises(NotFound):
        guest_requests.assign(request, stranger, desk)
    assert request.assignee_id == visitor.id
