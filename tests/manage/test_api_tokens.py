"""Managers make and revoke the API tokens their hotel's systems (the PMS) call Lobby with."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from sqlalchemy import select

from app import clock
from app.extensions import db
from app.models import ActorKind, ApiToken, AuditEntry, StaffRole
from app.services import api_tokens
from tests.factories import make_hotel
from tests.reading import detached_rows
from tests.staff import StaffActions, make_staff

PAGE = "/manage/api-tokens"
EXPORTS = "/api/hotels/test-lodge/folio/exports"


def create(staff, name: str = "Opera PMS", scopes=("folio:read", "stays:read")):
    return staff.post(PAGE, {"name": name, "scopes": list(scopes)})


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
    token = shown_token(create(staff, scopes=("folio:read", "folio:write")))  # taking charges needs write
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


def test_the_token_keeps_the_scopes_ticked_and_the_list_names_them(app, staff, manager):
    created = create(staff, scopes=["stays:write", "catalog:read", "stays:read"])
    assert created.status_code == 201
    (row,) = stored_tokens(app)
    assert row.scopes == [
        "stays:read",
        "stays:write",
        "catalog:read",
    ]  # in the one order everything lists them

    page = staff.client.get(PAGE).get_data(as_text=True)
    listed = page.split('id="token-', 1)[1].split("</section>", 1)[0]
    assert "Read packages, services, prices and availability" in listed
    assert '<code dir="ltr">stays:write</code>' in listed
    assert "Read guest feedback" not in listed  # not given, not listed
    assert f"/manage/api-tokens/{row.id}" in listed


def test_the_form_offers_every_scope_grouped_by_what_it_is_about(staff, manager):
    page = staff.client.get(PAGE).get_data(as_text=True)
    form = page.split('action="/manage/api-tokens"', 1)[1]
    groups = re.findall(
        r'<fieldset class="scope-group">\s*<legend>([^<]+)</legend>(.*?)</fieldset>', form, re.S
    )
    assert [legend for legend, _boxes in groups][:3] == ["Stays", "Catalog", "Bookings"]
    ticks = {legend: re.findall(r'name="scopes" value="([^"]+)"', boxes) for legend, boxes in groups}
    assert ticks["Stays"] == ["stays:read", "stays:write"]
    assert ticks["Room charges"] == ["folio:read", "folio:write"]
    assert sorted(scope for scopes in ticks.values() for scope in scopes) == sorted(api_tokens.SCOPES)
    assert "checked" not in form  # nothing is given unless the manager ticks it


def test_a_token_needs_at_least_one_scope_and_keeps_what_was_typed(app, staff, manager):
    refused = create(staff, name="Mews nightly", scopes=[])
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Please choose at least one thing the token may do." in page
    assert 'value="Mews nightly"' in page
    assert 'id="new-token"' not in page
    assert stored_tokens(app) == []


def test_an_unknown_scope_is_refused_not_dropped(app, staff, manager):
    refused = create(staff, scopes=["stays:read", "admin:everything"])
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Please choose from the list." in page
    assert 'value="stays:read" id="scope-stays-read" checked' in page  # what was ticked stays ticked
    assert stored_tokens(app) == []


def test_making_and_revoking_a_token_is_in_the_audit_trail_without_the_secret(app, staff, manager):
    token = shown_token(create(staff, name="Opera PMS", scopes=["folio:read"]))
    (row,) = stored_tokens(app)
    assert staff.post(f"{PAGE}/{row.id}/revoke", {}, page=PAGE).status_code == 302
    staff.post(f"{PAGE}/{row.id}/revoke", {}, page=PAGE)  # revoking again changes nothing, records nothing

    with app.app_context():
        kind = AuditEntry.object_kind == "api_key"
        entries = db.session.scalars(select(AuditEntry).where(kind).order_by(AuditEntry.id)).all()
        assert [(entry.action, entry.object_kind, entry.object_id) for entry in entries] == [
            ("api_key.created", "api_key", row.id),
            ("api_key.revoked", "api_key", row.id),
        ]
        for entry in entries:
            assert entry.after == {"name": "Opera PMS", "prefix": row.prefix, "scopes": ["folio:read"]}
            assert (entry.actor_kind, entry.actor_name) == (ActorKind.STAFF, "manager")
            kept = json.dumps([entry.before, entry.after, entry.reason])
            assert token not in kept and row.token_hash not in kept
            assert token[len(row.prefix) :][:8] not in kept  # not even a piece past the prefix

    trail = staff.client.get("/manage/audit?kind=api_key").get_data(as_text=True)
    assert '<option value="api_key" selected>API token</option>' in trail
    assert "API token created" in trail and "API token revoked" in trail
    assert "What it may do: Read room charges (folio lines)" in trail
    assert f"Starts with: {row.prefix}" in trail
    assert f'href="/manage/audit?kind=api_key&amp;object={row.id}"' in trail
    assert token not in trail


def test_the_command_line_gives_the_scopes_asked_for_or_every_scope(app, world):
    cli = app.test_cli_runner()
    some = cli.invoke(
        args=["lobby", "create-api-token", "Mews", "--scope", "folio:write", "--scope", "folio:read"]
    )
    assert some.exit_code == 0, some.output
    every = cli.invoke(args=["lobby", "create-api-token", "Backup"])
    assert every.exit_code == 0, every.output
    mews, backup = stored_tokens(app)
    assert mews.scopes == ["folio:read", "folio:write"]
    assert backup.scopes == list(api_tokens.SCOPES)

    typo = cli.invoke(args=["lobby", "create-api-token", "Typo", "--scope", "stays:raed"])
    assert typo.exit_code != 0
    assert "stays:raed" in typo.output and "stays:read" in typo.output  # says what exists
    assert len(stored_tokens(app)) == 2
