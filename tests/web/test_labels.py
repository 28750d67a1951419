"""Every code the domain has gets a name on screen, and the domain's refusals use the same names."""

from __future__ import annotations

import pytest

from app.models import RequestKind, RequestStatus
from app.services import guest_requests, recommendations
from app.services.errors import NotAllowed
from app.web import labels


def test_every_code_the_domain_keeps_has_a_label():
    assert tuple(labels.ROOM_ITEM_LABELS) == guest_requests.ROOM_ITEMS  # same order: the form lists them so
    assert set(labels.REQUEST_KIND_LABELS) == set(RequestKind)
    assert set(labels.REQUEST_STATUS_LABELS) == set(RequestStatus)
    assert tuple(labels.OFFER_REASON_LABELS) == recommendations.REASON_CODES


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
