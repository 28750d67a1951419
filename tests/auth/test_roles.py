"""Every desk and manage route needs the right role: anonymous -> sign-in, too low -> 403."""

from __future__ import annotations

import pytest

from app.models import StaffRole
from tests.staff import StaffActions, make_staff

STAFF_BLUEPRINTS = ("desk", "manage")


def staff_routes(app, group_pages: bool = True) -> list[tuple[str, str, StaffRole]]:
    """(method, path, role) for every rule of the staff blueprints, ids filled with 1; without the
    group's pages when ``group_pages`` is false (membership of a group opens them, not a role:
    tests/manage/test_group_dashboard.py checks them)."""
    routes = []
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] not in STAFF_BLUEPRINTS:
            continue
        view = app.view_functions[rule.endpoint]
        if not group_pages and getattr(view, "group_only", False):
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<int:{argument}>", "1").replace(f"<{argument}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            routes.append((method, path, view.required_role))
    return routes


def test_every_staff_view_declares_its_role(app):
    for rule in app.url_map.iter_rules():
        if rule.endpoint.split(".")[0] in STAFF_BLUEPRINTS:
            assert isinstance(getattr(app.view_functions[rule.endpoint], "required_role", None), StaffRole), (
                rule
            )


def test_anonymous_visitors_are_sent_to_sign_in_or_refused(app, client, world, csrf_refusals):
    csrf_token = StaffActions(client).csrf("/staff/signin")  # a valid token: the role check answers
    for method, path, _role in staff_routes(app):
        response = client.open(path, method=method, data={"csrf_token": csrf_token})
        if method == "GET":
            assert response.status_code == 302 and "/staff/signin" in response.location, path
        else:
            assert response.status_code == 401, (method, path)
    assert csrf_refusals == []


@pytest.mark.parametrize("role", list(StaffRole))
def test_each_role_reaches_exactly_its_routes(app, staff, world, role, csrf_refusals):
    staff.sign_in(make_staff(app, world.hotel_id, role))
    csrf_token = staff.csrf("/desk/")
    for method, path, needed in staff_routes(app, group_pages=False):
        response = staff.client.open(path, method=method, data={"csrf_token": csrf_token})
        if role.allows(needed):
            assert response.status_code not in (401, 403), (role, method, path)
            assert response.status_code < 500, (role, method, path)
        else:
            assert response.status_code == 403, (role, method, path)
    assert csrf_refusals == []  # every answer above is the view's or the role check's, not CSRF's


def test_a_guest_session_is_not_a_staff_session(guest, world):
    guest.sign_in()
    assert guest.client.get("/desk/").status_code == 302
    assert guest.client.get("/manage/folio").status_code == 302
