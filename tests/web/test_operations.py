"""A view's one way to call an operation: a refusal becomes the form's message and the answer's status."""

from __future__ import annotations

import pytest
from flask import get_flashed_messages
from werkzeug.exceptions import NotFound as NotFoundPage
from wtforms import Form, StringField

from app.services.errors import LobbyError, NotAllowed, NotFound, SoldOut
from app.web.operations import attempt


class NameForm(Form):
    name = StringField()


def test_a_refusal_is_flashed_with_its_status(app):
    with app.test_request_context():
        with attempt() as refused:
            raise SoldOut("Sold out.")
        assert refused and refused.status == 409 and refused.message == "Sold out."
        assert isinstance(refused.error, SoldOut)
        assert get_flashed_messages(with_categories=True) == [("error", "Sold out.")]


def test_success_is_no_refusal(app):
    with app.test_request_context():
        with attempt() as refused:
            pass
        assert not refused and refused.status == 200
        assert get_flashed_messages() == []


def test_a_refusal_can_go_on_the_field_that_caused_it(app):
    with app.test_request_context():
        form = NameForm()
        form.validate()
        with attempt(form.name) as refused:
            raise LobbyError("Please use one line.")
        assert refused.status == 400
        assert form.name.errors == ["Please use one line."]
        assert get_flashed_messages() == []


def test_quietly_leaves_the_message_to_the_view(app):
    with app.test_request_context():
        with attempt(quietly=True) as refused:
            raise LobbyError("Declined.", status=402)
        assert (refused.message, refused.status) == ("Declined.", 402)
        assert get_flashed_messages() == []


def test_not_found_can_be_the_404_page(app):
    with app.test_request_context(), pytest.raises(NotFoundPage), attempt(missing_is_404=True):
        raise NotFound("No such thing.")


def test_errors_it_does_not_catch_go_on(app):
    with app.test_request_context(), pytest.raises(NotFound), attempt(catching=(NotAllowed,)):
        raise NotFound("No such thing.")
