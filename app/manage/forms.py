"""Manager forms; labels and messages through Babel."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, Length

from app.guest.forms import NOT_A_CHOICE, TOO_LONG


class StaffForm(FlaskForm):
    name = StringField(_l("Name"), validators=[Length(max=120, message=TOO_LONG)])
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Please enter your email address.")), Length(max=254, message=TOO_LONG)],
    )
    password = PasswordField(
        _l("First password"),
        validators=[DataRequired(_l("Please enter your password.")), Length(max=200, message=TOO_LONG)],
        description=_l("At least 10 characters. Tell it to your colleague in person."),
    )
    role = SelectField(_l("Role"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)


class RoleForm(FlaskForm):
    role = SelectField(_l("Role"), validate_choice=True, invalid_choice_message=NOT_A_CHOICE)
