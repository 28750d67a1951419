"""The base every form derives from, and the form pieces several audiences use.

Every form is a ``LobbyForm``: its one-line text fields refuse control characters, and its
CSRF field renders without an id (see ``init_app``).
"""

from __future__ import annotations

import re

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms import HiddenField, SelectField, SelectMultipleField, StringField
from wtforms.csrf.core import CSRFTokenField
from wtforms.validators import StopValidation
from wtforms.widgets import CheckboxInput, ListWidget, TextArea

from app.web.messages import NO_CONTROL_CHARACTERS, NOT_A_CHOICE

# C0 and C1 control characters, DEL and the Unicode line and paragraph separators: none
# belongs in a one-line value (a "\r\n" in an email would split the headers it goes into).
CONTROL_CHARACTERS = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def refuse_control_characters(form, field) -> None:
    if isinstance(field.data, str) and CONTROL_CHARACTERS.search(field.data):
        raise StopValidation(NO_CONTROL_CHARACTERS)


class LobbyForm(FlaskForm):
    """The base of every form in the app: one-line text fields refuse control characters.

    Text areas keep their line breaks; every other field derived from StringField (email,
    search, password, hidden…) gets the check first, before its own validators.
    """

    class Meta:
        def bind_field(self, form, unbound_field, options):
            field = super().bind_field(form, unbound_field, options)
            if isinstance(field, StringField) and not isinstance(field.widget, TextArea):
                field.validators = [refuse_control_characters, *field.validators]
            return field


class PlainForm(LobbyForm):
    """A button that changes something: only the CSRF token to check."""


class LanguageForm(LobbyForm):
    """The language picker in both layouts, guest and staff."""

    lang = SelectField(_l("Language"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)
    next = HiddenField()


class MultiCheckboxField(SelectMultipleField):
    """A multiple choice shown as a list of checkboxes (children coming, a service's tags)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


# Every form's CSRF field renders without an id.
#
# A page often holds the same form many times (a cancel per booking, a reply per rating, a
# button per queue row), and each copy of ``{{ form.csrf_token }}`` would repeat
# ``id="csrf_token"``. Repeated ids break label association and confuse assistive technology;
# a hidden field is never labelled, so it needs no id at all. Done once here for every form
# rather than in each template.


class _TokenField(CSRFTokenField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.id = False  # WTForms leaves an attribute whose value is False out of the HTML


class _CSRF(_FlaskFormCSRF):
    field_class = _TokenField


def init_app() -> None:
    FlaskForm.Meta.csrf_class = _CSRF
