"""Staff in several hotels: a role in each, the hotel switcher, and a group's office in every hotel of
its group (never another group's)."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import delete, select

from app.extensions import db
from app.models import Hotel, HotelGroup, StaffMembership, StaffRole, StaffUser
from tests.factories import make_hotel
from tests.staff import StaffActions, add_to_hotel, make_staff, second_hotel
from tests.statements import statements_sent

REBECCA = "rebecca@lodge.test"  # a receptionist at the lodge who manages the beach resort


def page(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def switcher_options(body: str) -> list[tuple[str, str]]:
    """(hotel id, label) of every hotel the switcher lists; [] when there is no switcher."""
    form = re.search(r'<form[^>]*class="hotel-switch".*?</form>', body, re.S)
    if form is None:
        return []
    return re.findall(r'<option value="(\d+)"[^>]*>([^<]*)</option>', form.group(0))


def brand(body: str) -> str:
    return re.search(r'<a class="brand"[^>]*>([^<]*)</a>', body).group(1)


@pytest.fixture
def beach(app, world) -> dict:
    return second_hotel(app)


@pytest.fixture
def rebecca(app, world, beach) -> StaffActions:
    """A receptionist at the lodge (her account's own hotel) and a manager at the beach resort."""
    make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email=REBECCA)
    add_to_hotel(app, REBECCA, beach["hotel_id"], StaffRole.MANAGER)
    staff = StaffActions(app.test_client())
    assert staff.sign_in(REBECCA).status_code == 302
    return staff


def switch(staff: StaffActions, hotel_id, area: str = "desk", page_path: str = "/desk/queue"):
    return staff.post("/staff/hotel", {"hotel": str(hotel_id), "area": area}, page=page_path)


def test_a_receptionist_here_who_manages_there_has_each_role_in_its_hotel(app, world, beach, rebecca):
    # At the lodge, her own hotel, she is a receptionist: the desk opens, the manager's pages do not.
    queue = page(rebecca.client.get("/desk/queue"))
    assert brand(queue) == "Test Lodge"
    assert ">Catalog<" not in queue  # the manager's links are not offered either
    assert rebecca.client.get("/manage/").status_code == 403
    assert rebecca.client.get("/manage/catalog").status_code == 403

    switched = switch(rebecca, beach["hotel_id"])
    assert switched.status_code == 302 and switched.location.endswith("/desk/queue")
    queue = page(rebecca.client.get("/desk/queue"))
    assert brand(queue) == "Beach Resort" and ">Catalog<" in queue
    # At the beach resort she manages: its pages open, with its data and none of the lodge's.
    assert rebecca.client.get("/manage/").status_code == 200
    catalog = page(rebecca.client.get("/manage/catalog"))
    assert "Kayak trip" in catalog and "Horse riding" not in catalog
    assert rebecca.client.get(f"/manage/services/{beach['service_id']}").status_code == 200
    assert rebecca.client.get(f"/manage/services/{world.services['horse_riding']}").status_code == 404
    assert rebecca.client.get(f"/desk/stays/{beach['stay_id']}").status_code == 200
    assert rebecca.client.get(f"/desk/stays/{world.stays['garcia']}").status_code == 404
    assert f"/desk/stays/{world.stays['garcia']}" not in page(rebecca.client.get("/desk/?q=Garcia"))
    assert f"/desk/stays/{beach['stay_id']}" in page(rebecca.client.get("/desk/?q=Tanaka"))

    # Back at the lodge she is a receptionist again.
    switch(rebecca, world.hotel_id)
    assert rebecca.client.get("/manage/").status_code == 403
    assert rebecca.client.get(f"/desk/stays/{world.stays['garcia']}").status_code == 200


def test_the_switcher_lists_exactly_her_hotels_with_her_role_in_each(app, world, beach, rebecca):
    with app.app_context():
        make_hotel(slug="mountain-inn", name={"en": "Mountain Inn"})  # not hers
        db.session.commit()
    options = switcher_options(page(rebecca.client.get("/desk/queue")))
    assert options == [
        (str(world.hotel_id), "Test Lodge · Receptionist"),
        (str(beach["hotel_id"]), "Beach Resort · Manager"),
    ]
    assert "selected>Test Lodge" in page(rebecca.client.get("/desk/queue")).replace('" selected', '"selected')


def test_staff_of_one_hotel_see_no_switcher(app, world, beach, manager):
    body = page(manager.client.get("/desk/queue"))
    assert switcher_options(body) == [] and "hotel-switch" not in body
    assert brand(body) == "Test Lodge"


def test_a_post_naming_a_hotel_not_hers_does_not_switch(app, world, beach, rebecca):
    with app.app_context():
        other = make_hotel(slug="mountain-inn", name={"en": "Mountain Inn"})
        db.session.commit()
        other_id = other.id
    refused = switch(rebecca, other_id)
    assert refused.status_code == 404
    assert "You do not work at that hotel, so you cannot switch to it." in page(refused)
    assert brand(page(rebecca.client.get("/desk/queue"))) == "Test Lodge"
    for nonsense in ("", "abc", "-1"):
        assert switch(rebecca, nonsense).status_code == 400
    assert switch(rebecca, 999999).status_code == 404
    # Without the CSRF token nothing switches either.
    forged = rebecca.client.post("/staff/hotel", data={"hotel": str(beach["hotel_id"])})
    assert forged.status_code == 400
    assert brand(page(rebecca.client.get("/desk/queue"))) == "Test Lodge"
    # Signed out, the switcher is not there to use.
    anonymous = app.test_client()
    assert anonymous.post("/staff/hotel", data={"hotel": str(beach["hotel_id"])}).status_code in (400, 401)


def test_after_switching_she_lands_where_her_role_there_allows(app, world, beach, rebecca):
    switch(rebecca, beach["hotel_id"])
    # From a manager's page at the beach resort to the lodge, where she is a receptionist: the desk.
    to_lodge = switch(rebecca, world.hotel_id, area="manage", page_path="/manage/")
    assert to_lodge.location.endswith("/desk/queue")
    # From the lodge's desk with area "manage" (she manages the beach resort): the manager's home there.
    to_beach = switch(rebecca, beach["hotel_id"], area="manage")
    assert to_beach.location.endswith("/manage/")
    assert rebecca.client.get(to_beach.location).status_code == 200


def test_a_hotel_she_was_removed_from_is_no_longer_where_she_works(app, world, beach, rebecca):
    switch(rebecca, beach["hotel_id"])
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == REBECCA))
        db.session.execute(
            delete(StaffMembership).where(
                StaffMembership.staff_user_id == user.id, StaffMembership.hotel_id == beach["hotel_id"]
            )
        )
        db.session.commit()
    body = page(rebecca.client.get("/desk/queue"))
    assert brand(body) == "Test Lodge" and switcher_options(body) == []
    assert rebecca.client.get("/manage/").status_code == 403


def test_staff_with_no_hotel_at_all_are_refused(app, world, rebecca):
    with app.app_context():
        user = db.session.scalar(select(StaffUser).where(StaffUser.email == REBECCA))
        db.session.execute(delete(StaffMembership).where(StaffMembership.staff_user_id == user.id))
        db.session.commit()
    assert rebecca.client.get("/desk/queue").status_code == 403
    assert rebecca.client.get("/desk/queue/live", headers={"X-Live-Region": "1"}).status_code == 403
    assert rebecca.client.get("/manage/").status_code == 403


def test_a_groups_office_works_in_every_hotel_of_the_group_and_no_other(app, world, beach):
    with app.app_context():
        group = HotelGroup(slug="seaside", name="Seaside Group", reporting_currency="EUR")
        other_group = HotelGroup(slug="elsewhere", name="Elsewhere Hotels", reporting_currency="USD")
        db.session.add_all([group, other_group])
        db.session.flush()
        db.session.get(Hotel, world.hotel_id).group_id = group.id
        db.session.get(Hotel, beach["hotel_id"]).group_id = group.id
        outside = make_hotel(slug="mountain-inn", name={"en": "Mountain Inn"}, group_id=other_group.id)
        db.session.commit()
        outside_id, group_id = outside.id, group.id
    email = make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST, email="office@seaside.test")
    with app.app_context():
        db.session.scalar(select(StaffUser).where(StaffUser.email == email)).group_id = group_id
        db.session.commit()
    office = StaffActions(app.test_client())
    office.sign_in(email)
    body = page(office.client.get("/desk/queue"))
    # A manager in both hotels of the group (the group's role wins over her receptionist membership).
    assert switcher_options(body) == [
        (str(world.hotel_id), "Test Lodge · Manager"),
        (str(beach["hotel_id"]), "Beach Resort · Manager"),
    ]
    assert office.client.get("/manage/").status_code == 200
    switch(office, beach["hotel_id"])
    assert "Kayak trip" in page(office.client.get("/manage/catalog"))
    assert switch(office, outside_id).status_code == 404
    assert brand(page(office.client.get("/desk/queue"))) == "Beach Resort"


def test_a_live_poll_costs_the_same_with_several_hotels(app, world, beach, rebecca, manager):
    """The switcher's list is read only when a page shows it: a poll reads the account and its hotel."""

    def poll_statements(staff: StaffActions) -> int:
        staff.client.get("/desk/queue/live", headers={"X-Live-Region": "1"})  # warm: the same work each time
        with statements_sent(app) as sent:
            response = staff.client.get("/desk/queue/live", headers={"X-Live-Region": "1"})
        assert response.status_code == 200
        return len(sent)

    assert poll_statements(rebecca) == poll_statements(manager)
    with statements_sent(app) as sent:
        rebecca.client.get("/desk/queue/live", headers={"X-Live-Region": "1"})
    # Who is asking, then where they work and as what (one statement), as with one hotel: the rest is
    # the queue's own work (its colleagues for the filter, its requests).
    loads = [s for s in sent if "FROM staff_user WHERE" in s or "FROM hotel LEFT OUTER JOIN" in s]
    assert len(loads) == 2, loads
