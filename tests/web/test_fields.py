"""The shared field factories: each builds its field the one way every form asked for it by hand."""

from __future__ import annotations

import pytest
from werkzeug.datastructures import MultiDict
from wtforms import TextAreaField

from app.web.fields import count_field, date_field, text_field
from app.web.forms import LobbyForm


class _Asks(LobbyForm):
    class Meta:
        csrf = False

    days = count_field("Days", low=1, high=30, required="Please say for how many days.")
    adults = count_field("Adults", low=0, high=20, default=0)
    start = date_field("From", required="Please choose the first day.")
    until = date_field("Until")
    note = text_field("Note", limit=5, required="Please write the note first.", kind=TextAreaField)


def _errors(app, typed: dict) -> dict:
    with app.test_request_context():
        form = _Asks(formdata=MultiDict(typed))
        form.validate()
        return {name: [str(message) for message in messages] for name, messages in form.errors.items()}


def test_each_field_says_what_is_wrong_in_its_own_words(app):
    errors = _errors(app, {"days": "31", "adults": "", "start": "", "until": "soon", "note": "a\nlong note"})
    assert errors == {
        "days": ["Please enter a number from 1 to 30."],
        "start": ["Please choose the first day."],
        "until": ["Please enter a date."],
        "note": ["Too long. Character limit: 5."],
    }  # an empty optional count is no error
    assert _errors(app, {"days": "", "start": "2026-12-04", "note": ""}) == {
        "days": ["Please say for how many days."],
        "note": ["Please write the note first."],
    }


def test_a_count_with_a_range_no_message_spells_out_fails_where_it_is_written():
    with pytest.raises(KeyError):
        count_field("Nights", low=1, high=99, required="Please say for how many nights.")


def test_the_default_is_what_the_form_shows_first(app):
    with app.test_request_context():
        form = _Asks()
        assert (form.days.data, form.adults.data) == (1, 0)
