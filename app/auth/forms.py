"""Staff sign-in form."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.web.forms import LobbyForm
from app.web.messages import TOO_LONG


class StaffSignInForm(LobbyForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254, message=TOO_LONG)],
        render_kw={"autocomplete": "username"},
    )
    password = PasswordField(
        _l("Password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=200, message=TOO_LONG)],
        render_kw={"autocomplete": "current-password"},
    )
