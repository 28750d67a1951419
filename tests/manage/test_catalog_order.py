"""The manager orders packages, services, a package's services and a service's photos; guests follow."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image
from sqlalchemy import select

from app.extensions import db
from app.models import Package, Service, ServicePhoto, StaffRole
from tests.conftest import GuestActions
from tests.factories import make_hotel
from tests.staff import StaffActions, make_staff


def package_id(app, code: str) -> int:
    with app.app_context():
        return db.session.scalar(select(Package.id).where(Package.code == code))


def move(manager, path: str, direction: str, page: str = "/manage/catalog"):
    return manager.post(f"{path}/move", {"direction": direction}, page=page)


def order_of(text: str, names: list[str]) -> list[str]:
    """``names`` in the order they first appear in ``text``."""
    return sorted(names, key=text.index)


def test_up_and_down_buttons_are_on_the_catalog_page(app, manager, world):
    page = manager.client.get("/manage/catalog").get_data(as_text=True)
    for service_id in world.services.values():
        assert f'action="/manage/services/{service_id}/move"' in page
    assert 'name="direction" value="up"' in page and 'name="direction" value="down"' in page
    assert "Move Horse riding up" in page  # the buttons say what they move to a screen reader


def test_moving_packages_changes_what_guests_see_first(app, manager, world):
    with app.app_context():
        for position, code in enumerate(("rainy_day", "sunny_day"), start=2):
            package = Package(
                hotel_id=world.hotel_id,
                code=code,
                audience="other",  # the same fit for every stay: the manager's order decides
                title={"en": code.replace("_", " ").capitalize()},
                summary={"en": "…"},
                position=position,
            )
            package.services = [db.session.get(Service, world.services["farm_visit"])]
            db.session.add(package)
        db.session.commit()
    guest = GuestActions(app.test_client())
    guest.sign_in()
    home = guest.client.get("/home").get_data(as_text=True)
    assert order_of(home, ["Rainy day", "Sunny day"]) == ["Rainy day", "Sunny day"]

    assert move(manager, f"/manage/packages/{package_id(app, 'sunny_day')}", "up").status_code == 302
    home = guest.client.get("/home").get_data(as_text=True)
    assert order_of(home, ["Rainy day", "Sunny day"]) == ["Sunny day", "Rainy day"]
    with app.app_context():
        positions = dict(db.session.execute(select(Package.code, Package.position)).all())
    assert positions == {"family": 0, "nature": 1, "sunny_day": 2, "rainy_day": 3}
    catalog = manager.client.get("/manage/catalog").get_data(as_text=True)
    assert order_of(catalog, ["Family", "Nature", "Sunny day", "Rainy day"]) == [
        "Family",
        "Nature",
        "Sunny day",
        "Rainy day",
    ]


def test_moving_past_either_end_changes_nothing_and_a_bad_direction_is_refused(app, manager, world):
    family = package_id(app, "family")
    assert move(manager, f"/manage/packages/{family}", "up").status_code == 302
    assert move(manager, f"/manage/services/{world.services['crib']}", "down").status_code == 302
    with app.app_context():
        assert db.session.get(Package, family).position == 0
        last = db.session.scalars(select(Service).order_by(Service.position, Service.id)).all()[-1]
        assert last.code == "crib"
    assert move(manager, f"/manage/packages/{family}", "sideways").status_code == 400
    assert manager.post(f"/manage/packages/{family}/move", {}, page="/manage/catalog").status_code == 400


def test_moving_services_orders_the_catalog_and_the_desk(app, manager, world):
    crib = world.services["crib"]
    for _ in range(2):
        assert move(manager, f"/manage/services/{crib}", "up").status_code == 302
    with app.app_context():
        codes = [s.code for s in db.session.scalars(select(Service).order_by(Service.position))]
    assert codes == ["horse_riding", "pony_ride", "crib", "farm_visit", "car_rental"]

    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    pick = desk.client.get(f"/desk/stays/{world.stays['garcia']}/sell").get_data(as_text=True)
    listed = pick.split('class="panel service-pick"')[-1]  # the full list, after any suggestions
    assert order_of(listed, ["Pony ride", "Crib", "Farm visit"]) == ["Pony ride", "Crib", "Farm visit"]


def test_a_package_s_services_follow_the_manager_s_order(app, manager, phone, world):
    family = package_id(app, "family")
    edit = f"/manage/packages/{family}"
    page = manager.client.get(edit).get_data(as_text=True)
    assert "Order in this package" in page
    names = ["Pony ride", "Farm visit", "Crib"]
    assert order_of(phone.client.get("/packages/family").get_data(as_text=True), names) == names

    moved = move(manager, f"{edit}/services/{world.services['crib']}", "up", page=edit)
    assert (moved.status_code, moved.location) == (302, f"{edit}#order")
    shown = phone.client.get("/packages/family").get_data(as_text=True)
    assert order_of(shown, names) == ["Pony ride", "Crib", "Farm visit"]

    # Saving the package keeps that order and puts a newly added service last.
    fields = {
        "title_en": "Family",
        "summary_en": "For families",
        "services": [
            str(world.services[code]) for code in ("horse_riding", "pony_ride", "farm_visit", "crib")
        ],
        "active": "y",
        "position": "0",
        "bundle_percent": "0",
    }
    assert manager.post(edit, fields).status_code == 302
    with app.app_context():
        assert [s.code for s in db.session.get(Package, family).services] == [
            "pony_ride",
            "crib",
            "farm_visit",
            "horse_riding",
        ]

    # A service that is not in the package cannot be moved in it.
    outside = move(manager, f"{edit}/services/{world.services['car_rental']}", "up", page=edit)
    assert outside.status_code == 404


def test_another_hotel_s_package_cannot_be_moved(app, manager, world):
    with app.app_context():
        other = make_hotel("other-inn")
        package = Package(hotel_id=other.id, code="spa", audience="other", title={"en": "Spa"}, summary={})
        db.session.add(package)
        db.session.commit()
        other_id = package.id
    assert move(manager, f"/manage/packages/{other_id}", "down").status_code == 404
    with app.app_context():
        assert db.session.get(Package, other_id).position == 0


# --- Photos -------------------------------------------------------------------------------------


def jpeg(colour: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (400, 300), colour).save(buffer, "JPEG")
    return buffer.getvalue()


def upload(manager, service_id: int, payload: bytes):
    path = f"/manage/services/{service_id}"
    return manager.client.post(
        f"{path}/photos",
        data={"csrf_token": manager.csrf(path), "photo": (io.BytesIO(payload), "photo.jpg")},
        content_type="multipart/form-data",
    )


def stored_photos(app, service_id: int) -> list[tuple[int, str]]:
    with app.app_context():
        service = db.session.get(Service, service_id)
        return [(photo.id, photo.name) for photo in service.photos]


def test_photos_are_reordered_and_removed_with_their_files(app, manager, phone, world):
    riding = world.services["horse_riding"]
    path = f"/manage/services/{riding}"
    for colour in ("red", "green", "blue"):
        assert upload(manager, riding, jpeg(colour)).status_code == 302
    (first, a), (_second, b), (third, c) = stored_photos(app, riding)

    moved = move(manager, f"{path}/photos/{third}", "up", page=path)
    assert (moved.status_code, moved.location) == (302, f"{path}#photos")
    assert [name for _id, name in stored_photos(app, riding)] == [a, c, b]
    guest_page = phone.client.get(path.replace("/manage", "")).get_data(as_text=True)
    assert order_of(guest_page, [a, b, c]) == [a, c, b]  # the service page shows them in that order

    move(manager, f"{path}/photos/{first}", "down", page=path)
    assert [name for _id, name in stored_photos(app, riding)] == [c, a, b]

    removed = manager.post(f"{path}/photos/{first}/delete", {}, page=path)
    assert removed.status_code == 302
    assert [name for _id, name in stored_photos(app, riding)] == [c, b]
    assert not list(Path(app.config["UPLOAD_FOLDER"]).glob(f"{a}-*.webp"))
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob(f"{b}-*.webp"))  # the others keep theirs

    # A new photo goes last, also after the removal left a gap.
    upload(manager, riding, jpeg("white"))
    names = [name for _id, name in stored_photos(app, riding)]
    assert names[:2] == [c, b] and len(names) == 3


def test_a_photo_of_another_service_cannot_be_moved_or_removed_through_this_one(app, manager, world):
    riding, pony = world.services["horse_riding"], world.services["pony_ride"]
    upload(manager, riding, jpeg("red"))
    [(photo_id, name)] = stored_photos(app, riding)
    path = f"/manage/services/{pony}"
    assert move(manager, f"{path}/photos/{photo_id}", "down", page=path).status_code == 404
    assert manager.post(f"{path}/photos/{photo_id}/delete", {}, page=path).status_code == 404
    with app.app_context():
        assert db.session.get(ServicePhoto, photo_id) is not None
    assert list(Path(app.config["UPLOAD_FOLDER"]).glob(f"{name}-*.webp"))


def test_photo_order_buttons_are_on_the_service_editor(app, manager, world):
    riding = world.services["horse_riding"]
    for colour in ("red", "green"):
        upload(manager, riding, jpeg(colour))
    page = manager.client.get(f"/manage/services/{riding}").get_data(as_text=True)
    assert "Guests see the photos in this order." in page
    assert "Move Photo 1 down" in page and "Move Photo 2 up" in page
    first, second = (photo_id for photo_id, _name in stored_photos(app, riding))
    action = f"/manage/services/{riding}/photos/%d/move"
    # The first photo cannot go up, the last cannot go down.
    assert "disabled" in button(page, action % first, "up")
    assert "disabled" not in button(page, action % first, "down")
    assert "disabled" not in button(page, action % second, "up")
    assert "disabled" in button(page, action % second, "down")


def button(page: str, action: str, direction: str) -> str:
    """The attributes of the up or down button of the form posting to ``action``."""
    found = re.search(rf'action="{re.escape(action)}".*?value="{direction}">\s*<button([^>]*)>', page, re.S)
    return found.group(1)
