"""A key's page: what it may do and its calls, newest first, 50 a page, narrowed by the answer's class."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from app.extensions import db
from app.models import Hotel, StaffRole
from app.services import api_tokens
from app.services.api_tokens import Call
from tests.conftest import utc
from tests.factories import make_hotel
from tests.staff import StaffActions, make_staff

START = utc(2026, 12, 4, 15, 0, 0)  # 16:00 in Vienna, the world hotel's zone


def status_of(number: int) -> int:
    """Every tenth call failed, every third of the rest was refused, the others were done."""
    return 500 if number % 10 == 0 else 404 if number % 3 == 0 else 200


def make_key(app, hotel_id: int, name: str = "Mews") -> int:
    with app.app_context():
        row, _token = api_tokens.create_token(db.session.get(Hotel, hotel_id), name, None, ["stays:read"])
        return row.id


def log_calls(app, key_id: int, count: int, path: str = "/api/v1/stays") -> None:
    with app.app_context():
        for number in range(count):
            call = Call(
                "POST" if number % 2 else "GET",
                f"{path}/{number}",
                status_of(number),
                duration_ms=number,
                idempotency_key=f"retry-{number}" if number % 2 else None,
                replayed=number % 4 == 1,
            )
            api_tokens.record_call(key_id, call, now=START + timedelta(seconds=number))


def rows(page: str) -> list[str]:
    body = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0] if "<tbody>" in page else ""
    return re.findall(r"<tr>(.*?)</tr>", body, re.S)


def numbers(page: str) -> list[int]:
    return [int(re.search(r"/api/v1/stays/(\d+)", row).group(1)) for row in rows(page)]


@pytest.fixture
def key(app, world) -> int:
    key_id = make_key(app, world.hotel_id)
    log_calls(app, key_id, 120)
    return key_id


def test_the_calls_are_listed_newest_first_fifty_a_page(manager, key):
    path = f"/manage/api-tokens/{key}"
    first = manager.client.get(path).get_data(as_text=True)
    assert numbers(first) == list(range(119, 69, -1))
    assert f'href="{path}?page=2">Older' in first and ">Newer<" not in first

    second = manager.client.get(f"{path}?page=2").get_data(as_text=True)
    assert numbers(second) == list(range(69, 19, -1))
    third = manager.client.get(f"{path}?page=3").get_data(as_text=True)
    assert numbers(third) == list(range(19, -1, -1))
    assert f'href="{path}?page=2">Newer' in third and ">Older<" not in third

    assert "No calls for these filters." in manager.client.get(f"{path}?page=4").get_data(as_text=True)


def test_each_call_shows_its_time_in_the_hotels_zone_and_how_it_went(manager, key):
    page = manager.client.get(f"/manage/api-tokens/{key}").get_data(as_text=True)
    newest, get, retried = rows(page)[:3]  # calls 119, 118 and 117
    assert "4:01:59" in newest and "PM" in newest  # 15:01:59 UTC is 16:01:59 in Vienna
    assert "<code>POST /api/v1/stays/119</code>" in newest
    assert ">200<" in newest and "119 ms" in newest
    assert "retry-119" in newest and "Replayed" not in newest
    assert "<code>GET /api/v1/stays/118</code>" in get and "—" in get  # no Idempotency-Key sent
    assert "retry-117" in retried and "Replayed" in retried  # the first answer, sent again
    assert ">404<" in retried and "badge pending" in retried


@pytest.mark.parametrize("status", ["2xx", "4xx", "5xx"])
def test_the_calls_can_be_narrowed_to_one_class_of_answer(manager, key, status):
    wanted = [number for number in range(119, -1, -1) if status_of(number) // 100 == int(status[0])]
    path = f"/manage/api-tokens/{key}?status={status}"
    page = manager.client.get(path).get_data(as_text=True)
    assert numbers(page) == wanted[:50]
    assert f'<option value="{status}" selected>' in page
    if len(wanted) > 50:
        assert f"page=2&amp;status={status}" in page  # the next page keeps the filter
        second = manager.client.get(f"{path}&page=2").get_data(as_text=True)
        assert numbers(second) == wanted[50:100]


def test_a_filter_that_is_not_one_shows_every_call(manager, key):
    page = manager.client.get(f"/manage/api-tokens/{key}?status=3xx&page=zero").get_data(as_text=True)
    assert numbers(page) == list(range(119, 69, -1))


def test_only_this_keys_calls_are_listed(app, manager, world, key):
    other = make_key(app, world.hotel_id, "Channel manager")
    log_calls(app, other, 3, path="/api/v1/catalog")
    page = manager.client.get(f"/manage/api-tokens/{key}").get_data(as_text=True)
    assert "/api/v1/catalog" not in page
    theirs = manager.client.get(f"/manage/api-tokens/{other}").get_data(as_text=True)
    assert len(rows(theirs)) == 3 and "/api/v1/stays" not in theirs


def test_a_key_without_calls_says_so_and_names_what_it_may_do(app, manager, world):
    key_id = make_key(app, world.hotel_id)
    page = manager.client.get(f"/manage/api-tokens/{key_id}").get_data(as_text=True)
    assert "No calls yet: no system has used this token." in page
    assert "Read stays (reservations) and their guests" in page and "Never" in page
    assert "Revoke this token" in page


def test_only_the_hotels_managers_see_a_keys_calls(app, client, staff, world, key):
    path = f"/manage/api-tokens/{key}"
    assert client.get(path).status_code == 302  # signed out: to the sign-in page

    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert desk.client.get(path).status_code == 403

    with app.app_context():
        other = make_hotel(slug="other-lodge")
        db.session.commit()
        other_id = other.id
    theirs = make_key(app, other_id, "Their PMS")
    log_calls(app, theirs, 2, path="/api/v1/theirs")
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    assert staff.client.get(path).status_code == 200
    assert staff.client.get(f"/manage/api-tokens/{theirs}").status_code == 404
    assert staff.client.get("/manage/api-tokens/999999").status_code == 404
