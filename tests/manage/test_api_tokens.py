"""Managers make and revoke the API tokens their hotel's systems (the PMS) call Lobby with."""

from __future__ import annotations

import hashlib
import re

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ApiToken, StaffRole
from app.services import api_tokens
from tests.factories import make_hotel
from tests.reading import detached_rows
from tests.staff import StaffActions, make_staff

PAGE = "/manage/api-tokens"
EXPORTS = "/api/hotels/test-lodge/folio/exports"


def create(staff, name: str = "Opera PMS"):
    return staff.post(PAGE, {"name": name})


def shown_token(response) -> str:
    match = re.search(r'id="new-token" value="([^"]+)"', response.get_data(as_text=True))
    assert match, "no new token on the page"
    return match.group(1)


def stored_tokens(app) -> list[ApiToken]:
    return detached_rows(app, select(ApiToken).order_by(ApiToken.id))


def test_a_new_token_is_shown_once_and_kept_only_as_its_hash(app, staff, manager):
    created = create(staff)
    assert created.status_code == 201
    assert created.headers["Cache-Control"] == "no-store"
    token = shown_token(created)
    assert token.startswith("lobby_") and len(token) >= 40

    (row,) = stored_tokens(app)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.name == "Opera PMS"
    assert token.startswith(row.prefix) and len(row.prefix) == 12
    with app.app_context():
        assert db.session.get(ApiToken, row.id).created_by.email == manager.email

    later = staff.client.get(PAGE).get_data(as_text=True)
    assert token not in later
    assert f"{row.prefix}…" in later  # enough to tell it from the others
    assert "Opera PMS" in later and "Never" in later


def test_the_token_opens_the_export_and_its_last_use_is_shown(app, client, staff, manager, frozen_now):
    token = shown_token(create(staff))
    moment = frozen_now(clock.now().replace(microsecond=0))
    answer = client.post(EXPORTS, headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code == 201
    (row,) = stored_tokens(app)
    assert row.last_used_at == moment
    assert "Never" not in staff.client.get(PAGE).get_data(as_text=True)


def test_a_revoked_token_no_longer_opens_the_export(app, client, staff, manager):
    token = shown_token(create(staff))
    (row,) = stored_tokens(app)
    page = staff.client.get(PAGE).get_data(as_text=True)
    assert f"/manage/api-tokens/{row.id}/revoke" in page

    revoked = staff.post(f"/manage/api-tokens/{row.id}/revoke", {}, page=PAGE)
    assert revoked.status_code == 302
    assert stored_tokens(app)[0].revoked_at is not None
    after = staff.client.get(PAGE).get_data(as_text=True)
    assert "Revoked" in after
    assert f"/manage/api-tokens/{row.id}/revoke" not in after

    refused = client.post(EXPORTS, headers={"Authorization": f"Bearer {token}"})
    assert refused.status_code == 401


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("", "Please say what the token is for."),
        ("a\r\nb", "Please type this on one line"),
        ("x" * 81, "Character limit: 80"),
    ],
    ids=["empty", "two lines", "too long"],
)
def test_a_token_needs_a_one_line_name(app, staff, manager, name, message):
    refused = create(staff, name)
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    assert stored_tokens(app) == []


def test_another_hotels_tokens_are_out_of_reach(app, staff, manager):
    with app.app_context():
        other = make_hotel(slug="other-lodge")
        db.session.commit()
        row, _token = api_tokens.create_token(other, "Their PMS", created_by=None)
        other_id = row.id
    assert "Their PMS" not in staff.client.get(PAGE).get_data(as_text=True)
    assert staff.post(f"/manage/api-tokens/{other_id}/revoke", {}, page=PAGE).status_code == 404
    assert stored_tokens(app)[0].revoked_at is None


def test_only_managers_see_the_page_and_find_it_in_the_menu(app, client, staff, manager, world):
    assert f'href="{PAGE}"' in staff.client.get("/manage/staff").get_data(as_text=True)

    desk = StaffActions(app.test_client())
    desk.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert f'href="{PAGE}"' not in desk.client.get("/desk/").get_data(as_text=True)
    assert desk.client.get(PAGE).status_code == 403
    token = desk.csrf("/desk/")
    assert desk.client.post(PAGE, data={"csrf_token": token, "name": "mine"}).status_code == 403
    assert stored_tokens(app) == []


def test_the_command_line_makes_a_token_for_a_script(app, world):
    result = app.test_cli_runner().invoke(
        args=["lobby", "create-api-token", "Nightly PMS", "--hotel", "test-lodge"]
    )
    assert result.exit_code == 0, result.output
    token = result.output.strip()
    (row,) = stored_tokens(app)
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and row.name == "Nightly PMS"
