"""Every code the domain has gets a name on screen, and the domain's refusals use the same names."""

from __future__ import annotations

import pytest

from app.models import RequestKind, RequestStatus
from app.services import api_tokens, guest_requests, recommendations
from app.services.errors import NotAllowed
from app.web import labels


def test_every_code_the_domain_keeps_has_a_label():
    assert tuple(labels.ROOM_ITEM_LABELS) == guest_requests.ROOM_ITEMS  # same order: the form lists them so
    assert set(labels.REQUEST_KIND_LABELS) == set(RequestKind)
    assert set(labels.REQUEST_STATUS_LABELS) == set(RequestStatus)
    assert tuple(labels.OFFER_REASON_LABELS) == recommendations.REASON_CODES
    assert tuple(labels.SCOPE_LABELS) == tuple(api_tokens.SCOPES)  # same order: the form lists them so
    assert {family for family, _scopes in labels.scope_groups()} == set(labels.SCOPE_GROUP_LABELS)


def test_api_scopes_are_named_and_grouped_by_family(app):
    with app.test_request_context():
        assert labels.scope_label("stays:write") == "Create, change, cancel, check in and check out stays"
        assert labels.scope_label("future:read") == "future:read"  # a key made by a newer Lobby
    assert labels.scope_groups()[0] == ("stays", ["stays:read", "stays:write"])


def test_an_unknown_reason_code_is_shown_as_it_is(app):
    with app.test_request_context():
        assert labels.offer_reason_label("children") == "Suits the children's ages"
        assert labels.offer_reason_label("retired_code") == "retired_code"


def test_a_refused_move_names_the_statuses_as_the_screens_do(app, monkeypatch):
    done = type("Request", (), {"status": RequestStatus.DONE})()
    with app.test_request_context(), pytest.raises(NotAllowed) as refused:
        guest_requests.move(done, RequestStatus.NEW, None)
    assert str(refused.value.message) == "This request cannot go from Done to Received."

    # put back after the test
    monkeypatch.setattr(guest_requests, "_status_name", guest_requests._status_name)
    guest_requests.name_statuses_with(None)  # a script without the web layer: the codes
    with app.test_request_context(), pytest.raises(NotAllowed) as refused:
        guest_requests.move(done, RequestStatus.NEW, None)
    assert str(refused.value.message) == "This request cannot go from done to new."
