"""API keys' scopes as the service takes them, and what the audit trail keeps of a key."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import ApiToken, AuditEntry
from app.services import api_tokens, audit
from app.services.errors import LobbyError


def test_no_scopes_given_is_every_scope_and_given_ones_come_in_order_once(hotel):
    every, _token = api_tokens.create_token(hotel, "Script", None)
    assert every.scopes == list(api_tokens.SCOPES)
    some, _token = api_tokens.create_token(hotel, "PMS", None, ["folio:write", "stays:read", "folio:write"])
    assert some.scopes == ["stays:read", "folio:write"]


@pytest.mark.parametrize(
    ("scopes", "message"),
    [
        ([], "Please choose at least one thing the token may do."),
        (["stays:read", "stays:delete"], "There is no such permission: stays:delete."),
        (["STAYS:READ"], "There is no such permission: STAYS:READ."),
    ],
    ids=["none", "unknown", "wrong case"],
)
def test_a_key_with_no_scope_or_an_unknown_one_is_not_made(hotel, scopes, message):
    with pytest.raises(LobbyError) as refused:
        api_tokens.create_token(hotel, "PMS", None, scopes)
    assert str(refused.value.message) == message
    assert db.session.scalars(select(ApiToken)).all() == []
    assert db.session.scalars(select(AuditEntry)).all() == []  # rolled back with it


def test_the_trail_keeps_name_prefix_and_scopes_never_the_token(hotel):
    row, token = api_tokens.create_token(hotel, "Mews", None, ["stays:read"])
    api_tokens.revoke(hotel, row.id)
    api_tokens.revoke(hotel, row.id)  # already revoked: nothing more to record
    entries = audit.trail(hotel.id, object_kind="api_key", object_id=row.id).entries
    assert [entry.action for entry in entries] == ["api_key.revoked", "api_key.created"]
    for entry in entries:
        assert entry.before is None
        assert entry.after == {"name": "Mews", "prefix": token[:12], "scopes": ["stays:read"]}
        assert entry.actor_name == "Lobby"  # no one signed in: the system (the command line)
        assert token not in str(entry.after) and row.token_hash not in str(entry.after)
