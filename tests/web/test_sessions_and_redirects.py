"""The fresh session both sign-ins start, and the one rule for following a ``next`` address."""

from __future__ import annotations

import pytest
from flask import session

from app.web.redirects import safe_next
from app.web.sessions import fresh_session


def test_a_fresh_session_forgets_everything_but_the_chosen_language(app):
    with app.test_request_context():
        session.update({"stay": [1, "abc", 0], "_user_id": "7:0", "lang": "vi"})
        fresh_session()
        assert dict(session) == {"lang": "vi"}


def test_a_fresh_session_without_a_chosen_language_is_empty(app):
    with app.test_request_context():
        session.update({"stay": [1, "abc", 0]})
        fresh_session()
        assert dict(session) == {}


@pytest.mark.parametrize("target", ["/home", "/desk/?q=204", "/stay#bookings"])
def test_a_next_address_on_this_site_is_followed(target):
    assert safe_next(target, "/") == target


@pytest.mark.parametrize(
    "target", [None, "", "https://evil.example", "//evil.example", "javascript:alert(1)", "home"]
)
def test_any_other_next_address_goes_to_the_default(target):
    assert safe_next(target, "/start") == "/start"
