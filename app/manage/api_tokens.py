"""API tokens: the hotel's own systems (its PMS) call Lobby with one; managers make and revoke them,
choose what each may do and read each one's calls."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, StringField
from wtforms.validators import DataRequired, Length, StopValidation

from app.manage import bp
from app.models import StaffRole
from app.services import api_tokens
from app.services.errors import LobbyError
from app.web import labels
from app.web.fields import choice_field, row_id
from app.web.forms import LobbyForm, MultiCheckboxField, PlainForm
from app.web.messages import TOO_LONG
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff

NO_SCOPE = _l("Please choose at least one thing the token may do.")
# The call log's filter: the answers' classes, as the manager reads them.
STATUS_CLASS_LABELS = {
    2: _l("Done (2xx)"),
    4: _l("Refused (4xx)"),
    5: _l("Failed (5xx)"),
}


def at_least_one(form, field) -> None:
    if not field.data:
        raise StopValidation(NO_SCOPE)


class ApiTokenForm(LobbyForm):
    name = StringField(
        _l("What it is for"),
        validators=[
            DataRequired(_l("Please say what the token is for.")),
            Length(max=api_tokens.NAME_MAX, message=TOO_LONG),
        ],
        description=_l("For example: Opera PMS folio export"),
    )
    scopes = choice_field(
        _l("What it may do"),
        kind=MultiCheckboxField,
        choices=[SelectChoice(scope, label) for scope, label in labels.SCOPE_LABELS.items()],
        validators=[at_least_one],
        description=_l("Tick only what the system needs: the token can do nothing else."),
    )


def _page(form: ApiTokenForm | None = None, new_token: str | None = None, status: int = 200):
    answer = render_template(
        "manage/api_tokens.html",
        tokens=api_tokens.hotel_tokens(g.hotel.id),
        form=form or ApiTokenForm(),
        plain_form=PlainForm(),
        new_token=new_token,
        scope_groups=labels.scope_groups(),
        scope_group_labels=labels.SCOPE_GROUP_LABELS,
        scope_label=labels.scope_label,
        export_url=url_for("api.folio_export_new", slug=g.hotel.slug, _external=True),
    )
    return answer, status, {"Cache-Control": "no-store"}


@bp.get("/api-tokens")
@role_required(StaffRole.MANAGER)
def api_tokens_page():
    return _page()


@bp.post("/api-tokens")
@role_required(StaffRole.MANAGER)
def api_token_create():
    form = ApiTokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    with attempt(form.scopes) as refused:
        _row, token = api_tokens.create_token(
            g.hotel, form.name.data, signed_in_staff(), scopes=form.scopes.data
        )
    if refused:
        return _page(form, status=refused.status)
    # Shown in this answer only, never redirected through the session cookie; not cached.
    return _page(ApiTokenForm(formdata=None), new_token=token, status=201)


@bp.get("/api-tokens/<int:token_id>")
@role_required(StaffRole.MANAGER)
def api_token_page(token_id: int):
    """One key: what it may do, and its calls, newest first, 50 a page, narrowed by the answer's class."""
    try:
        key = api_tokens.hotel_key(g.hotel.id, token_id)
    except LobbyError as error:
        abort(error.status)
    status_class = request.args.get("status", type=_status_class)
    page = request.args.get("page", 1, type=row_id)
    calls = api_tokens.key_calls(key, status_class=status_class, page=page)
    return render_template(
        "manage/api_token.html",
        token=key,
        calls=calls,
        status_class=status_class,
        status_classes=STATUS_CLASS_LABELS,
        plain_form=PlainForm(),
        scope_label=labels.scope_label,
    )


def _status_class(value: str) -> int:
    """ "4xx" (or "4") for the 4xx answers; anything else is no filter."""
    number = int(value.strip().lower().removesuffix("xx"))
    if number not in STATUS_CLASS_LABELS:
        raise ValueError("not a status class")
    return number


@bp.post("/api-tokens/<int:token_id>/revoke")
@role_required(StaffRole.MANAGER)
def api_token_revoke(token_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        row = api_tokens.revoke(g.hotel, token_id)
    except LobbyError as error:
        abort(error.status)
    flash(_("Token “%(name)s” revoked: it no longer works.", name=row.name), "success")
    return redirect(url_for("manage.api_tokens_page"))
