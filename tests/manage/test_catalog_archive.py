"""Archiving retires a package or service for good, without touching bookings; pins; the offer email's day."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, LineStatus, OrderLine, Package, Service, StaffRole
from tests.manage.test_catalog_editor import service_form
from tests.staff import StaffActions, make_staff


@pytest.fixture
def receptionist(app, world) -> StaffActions:
    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    return desk


def book_riding_on_room(guest, world) -> str:
    path = f"/services/{world.services['horse_riding']}"
    slot = re.findall(r'name="slot" value="(\d+)"', guest.client.get(path).get_data(as_text=True))[-1]
    assert guest.post(path, {"slot": slot, "adults": 2}).status_code == 302
    return guest.post("/checkout", {"payment_method": "room"}, page="/cart").location.rsplit("/", 1)[-1]


def archive(manager, kind: str, item_id: int):
    path = f"/manage/{kind}/{item_id}"
    return manager.post(f"{path}/archive", {}, page=path)


def restore(manager, kind: str, item_id: int):
    return manager.post(f"/manage/{kind}/{item_id}/restore", {}, page="/manage/catalog")


def page(client, path: str) -> str:
    return client.get(path).get_data(as_text=True)


def test_an_archived_service_is_gone_for_guests_and_the_desk_but_its_bookings_stay(
    app, manager, phone, receptionist, world
):
    riding = world.services["horse_riding"]
    reference = book_riding_on_room(phone, world)

    archived = archive(manager, "services", riding)
    assert (archived.status_code, archived.location) == (302, "/manage/catalog")
    with app.app_context():
        service = db.session.get(Service, riding)
        assert (service.archived, service.active) == (True, False)
        line = db.session.scalar(select(OrderLine).where(OrderLine.service_id == riding))
        assert line.status is LineStatus.BOOKED  # the booking itself is untouched

    # Guests: no service page, no card on the package or the home page.
    assert phone.client.get(f"/services/{riding}").status_code == 404
    assert f"/services/{riding}" not in page(phone.client, "/packages/nature")
    assert f"/services/{riding}" not in page(phone.client, "/home")
    assert "Car rental" in page(phone.client, "/packages/nature")  # the rest of the package stays
    # ... but My stay still lists what was booked.
    my_stay = page(phone.client, "/stay")
    assert "Horse riding" in my_stay and "Confirmed" in my_stay

    # The desk cannot sell it any more and still sees the booking.
    stay_id = world.stays["garcia"]
    pick = page(receptionist.client, f"/desk/stays/{stay_id}/sell")
    assert f"service={riding}" not in pick and f"service={world.services['pony_ride']}" in pick
    assert receptionist.client.get(f"/desk/stays/{stay_id}/sell?service={riding}").status_code == 404
    assert reference in page(receptionist.client, f"/desk/stays/{stay_id}")

    # The manager finds it under Archived, out of the working list.
    catalog = page(manager.client, "/manage/catalog")
    working, archived_section = catalog.split('id="archived"')
    assert f"/manage/services/{riding}/restore" in archived_section
    assert f'/manage/services/{riding}"' not in working
    assert "A restored item comes back paused" in archived_section


def test_restoring_brings_a_service_back_paused_and_last(app, manager, phone, world):
    riding = world.services["horse_riding"]
    archive(manager, "services", riding)
    restored = restore(manager, "services", riding)
    assert (restored.status_code, restored.location) == (302, f"/manage/services/{riding}")
    shown = page(manager.client, restored.location)
    assert "Restored. It stays paused until you put it on sale below." in shown
    with app.app_context():
        service = db.session.get(Service, riding)
        assert (service.archived, service.active) == (False, False)
        assert service.position == max(s.position for s in db.session.scalars(select(Service)))
    assert phone.client.get(f"/services/{riding}").status_code == 404  # paused: nothing on sale by surprise
    catalog = page(manager.client, "/manage/catalog")
    assert 'id="archived"' not in catalog
    assert f"/manage/services/{riding}/move" in catalog

    # Putting it on sale on its page works again.
    fields = service_form(app, world, "horse_riding")
    assert manager.post(f"/manage/services/{riding}", fields).status_code == 302
    assert phone.client.get(f"/services/{riding}").status_code == 200


def test_an_archived_service_cannot_go_on_sale_from_its_page(app, manager, world):
    pony = world.services["pony_ride"]
    archive(manager, "services", pony)
    edit = page(manager.client, f"/manage/services/{pony}")
    assert f"/manage/services/{pony}/restore" in edit and f"/manage/services/{pony}/archive" not in edit
    refused = manager.post(f"/manage/services/{pony}", service_form(app, world, "pony_ride", active="y"))
    assert refused.status_code == 400
    assert "An archived item cannot go on sale. Restore it from the catalog first." in refused.get_data(
        as_text=True
    )
    with app.app_context():
        assert db.session.get(Service, pony).active is False


def test_an_archived_package_is_gone_for_guests_and_comes_back_hidden(app, manager, phone, world):
    with app.app_context():
        nature = db.session.scalar(select(Package).where(Package.code == "nature")).id
    assert "/packages/nature" in page(phone.client, "/home")
    assert archive(manager, "packages", nature).status_code == 302
    assert phone.client.get("/packages/nature").status_code == 404
    assert "/packages/nature" not in page(phone.client, "/home")
    # Its services are still on sale on their own.
    assert phone.client.get(f"/services/{world.services['horse_riding']}").status_code == 200
    archived_section = page(manager.client, "/manage/catalog").split('id="archived"')[1]
    assert f"/manage/packages/{nature}/restore" in archived_section

    assert restore(manager, "packages", nature).status_code == 302
    with app.app_context():
        package = db.session.get(Package, nature)
        assert (package.archived, package.active) == (False, False)
    assert phone.client.get("/packages/nature").status_code == 404  # hidden until the manager shows it


def test_a_paused_item_can_be_archived(app, manager, world):
    pony = world.services["pony_ride"]
    fields = service_form(app, world, "pony_ride")
    del fields["active"]
    assert manager.post(f"/manage/services/{pony}", fields).status_code == 302
    assert archive(manager, "services", pony).status_code == 302
    with app.app_context():
        service = db.session.get(Service, pony)
        assert (service.archived, service.active) == (True, False)


def test_saving_a_package_keeps_its_archived_services_for_their_return(app, manager, phone, world):
    with app.app_context():
        family = db.session.scalar(select(Package).where(Package.code == "family")).id
    pony, farm, crib = (world.services[code] for code in ("pony_ride", "farm_visit", "crib"))
    archive(manager, "services", pony)
    # The package form no longer offers the archived service; saving must not drop it.
    edit = page(manager.client, f"/manage/packages/{family}")
    assert f'value="{pony}"' not in edit
    fields = {
        "title_en": "Family",
        "summary_en": "For families",
        "services": [str(farm), str(crib)],
        "active": "y",
        "position": "0",
        "bundle_percent": "0",
    }
    assert manager.post(f"/manage/packages/{family}", fields).status_code == 302
    assert f"/services/{pony}" not in page(phone.client, "/packages/family")

    restore(manager, "services", pony)
    assert manager.post(f"/manage/services/{pony}", service_form(app, world, "pony_ride")).status_code == 302
    with app.app_context():
        assert pony in [service.id for service in db.session.get(Package, family).services]
    assert f"/services/{pony}" in page(phone.client, "/packages/family")


def test_pin_is_saved_and_shown_in_the_list(app, manager, world):
    riding = world.services["horse_riding"]
    path = f"/manage/services/{riding}"
    assert "Pin: offer this first to every stay it suits" in page(manager.client, path)
    assert manager.post(path, service_form(app, world, "horse_riding", pinned="y")).status_code == 302
    with app.app_context():
        assert db.session.get(Service, riding).pinned is True
    assert re.search(r'<input checked[^>]*name="pinned"', page(manager.client, path))
    catalog = page(manager.client, "/manage/catalog")
    row = re.search(rf'<tr>\s*<td>.*?/manage/services/{riding}".*?</tr>', catalog, re.S).group(0)
    assert "Pinned" in row
    assert catalog.count(">Pinned<") == 1

    assert manager.post(path, service_form(app, world, "horse_riding")).status_code == 302  # unticked
    with app.app_context():
        assert db.session.get(Service, riding).pinned is False
    assert ">Pinned<" not in page(manager.client, "/manage/catalog")


def test_archiving_unpins(app, manager, world):
    riding = world.services["horse_riding"]
    manager.post(f"/manage/services/{riding}", service_form(app, world, "horse_riding", pinned="y"))
    archive(manager, "services", riding)
    with app.app_context():
        assert db.session.get(Service, riding).pinned is False


def rules(**changes) -> dict:
    return {
        "large_family_min_children": "3",
        "large_family_discount_percent": "10",
        "silver_discount_percent": "5",
        "gold_discount_percent": "10",
        "max_discount_percent": "40",
        "pre_arrival_days": "5",
    } | changes


def test_the_offer_email_day_round_trips_and_is_validated(app, manager, world):
    shown = page(manager.client, "/manage/discounts")
    assert "Offer email: days before arrival" in shown
    assert re.search(r'id="pre_arrival_days"[^>]*value="5"|value="5"[^>]*id="pre_arrival_days"', shown)

    saved = manager.post("/manage/discounts/rules", rules(pre_arrival_days="8"), page="/manage/discounts")
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Hotel, world.hotel_id).pre_arrival_days == 8
    assert re.search(r'id="pre_arrival_days"[^>]*value="8"', page(manager.client, "/manage/discounts"))

    for value, message in [
        ("31", "Please enter a number from 0 to 30."),
        ("-1", "Please enter a number from 0 to 30."),
        ("soon", "Please enter a whole number"),
        ("", "Please enter a number."),
    ]:
        refused = manager.post(
            "/manage/discounts/rules", rules(pre_arrival_days=value), page="/manage/discounts"
        )
        assert refused.status_code == 400, value
        assert message in refused.get_data(as_text=True), value
    with app.app_context():
        assert db.session.get(Hotel, world.hotel_id).pre_arrival_days == 8


def test_the_offer_email_day_message_is_in_the_staff_members_language(app, manager, world):
    manager.post("/staff/language", {"lang": "vi", "next": "/manage/discounts"}, page="/manage/discounts")
    refused = manager.post("/manage/discounts/rules", rules(pre_arrival_days="99"), page="/manage/discounts")
    assert refused.status_code == 400
    assert "Vui lòng nhập một số từ 0 đến 30." in refused.get_data(as_text=True)


def new_routes(world, package_id: int, photo_id: int = 1) -> list[str]:
    riding = world.services["horse_riding"]
    return [
        f"/manage/services/{riding}/archive",
        f"/manage/services/{riding}/restore",
        f"/manage/packages/{package_id}/archive",
        f"/manage/packages/{package_id}/restore",
        f"/manage/services/{riding}/move",
        f"/manage/packages/{package_id}/move",
        f"/manage/packages/{package_id}/services/{riding}/move",
        f"/manage/services/{riding}/photos/{photo_id}/move",
        f"/manage/services/{riding}/photos/{photo_id}/delete",
    ]


def test_a_receptionist_may_not_archive_restore_or_reorder(app, receptionist, world):
    with app.app_context():
        nature = db.session.scalar(select(Package).where(Package.code == "nature")).id
    token = receptionist.csrf("/desk/")
    for route in new_routes(world, nature):
        response = receptionist.client.post(route, data={"csrf_token": token, "direction": "up"})
        assert response.status_code == 403, route
    with app.app_context():
        assert not any(s.archived for s in db.session.scalars(select(Service)))
        assert not any(p.archived for p in db.session.scalars(select(Package)))


def test_every_new_route_asks_for_a_manager(app):
    """The role each view declares, read from the views themselves."""
    for rule in app.url_map.iter_rules():
        if re.search(r"/(archive|restore|move)$", rule.rule):
            view = app.view_functions[rule.endpoint]
            assert view.required_role is StaffRole.MANAGER, rule.rule
            assert rule.methods >= {"POST"} and "GET" not in rule.methods, rule.rule


def test_a_post_without_its_csrf_token_is_refused(app, manager, world):
    riding = world.services["horse_riding"]
    assert manager.client.post(f"/manage/services/{riding}/archive").status_code == 400
    with app.app_context():
        assert db.session.get(Service, riding).archived is False
