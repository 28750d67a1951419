"""Every form's CSRF field renders without an id.

A page often holds the same form many times (a cancel per booking, a reply per rating, a
button per queue row), and each copy of ``{{ form.csrf_token }}`` would repeat
``id="csrf_token"``. Repeated ids break label association and confuse assistive technology;
a hidden field is never labelled, so it needs no id at all. Done once here for every form
rather than in each template.
"""

from __future__ import annotations

from flask_wtf import FlaskForm
from flask_wtf.csrf import _FlaskFormCSRF
from wtforms.csrf.core import CSRFTokenField


class _TokenField(CSRFTokenField):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.id = False  # WTForms leaves an attribute whose value is False out of the HTML


class _CSRF(_FlaskFormCSRF):
    field_class = _TokenField


def init_app() -> None:
    FlaskForm.Meta.csrf_class = _CSRF
