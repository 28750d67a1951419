"""API tokens: the hotel's own systems (its PMS) call Lobby with one; managers make and revoke them."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from app.manage import bp
from app.models import StaffRole
from app.services import api_tokens
from app.services.errors import LobbyError
from app.web.forms import LobbyForm, PlainForm
from app.web.messages import TOO_LONG
from app.web.operations import attempt
from app.web.roles import role_required


class ApiTokenForm(LobbyForm):
    name = StringField(
        _l("What it is for"),
        validators=[
            DataRequired(_l("Please say what the token is for.")),
            Length(max=api_tokens.NAME_MAX, message=TOO_LONG),
        ],
        description=_l("For example: Opera PMS folio export"),
    )


def _page(form: ApiTokenForm | None = None, new_token: str | None = None, status: int = 200):
    answer = render_template(
        "manage/api_tokens.html",
        tokens=api_tokens.hotel_tokens(g.hotel.id),
        form=form or ApiTokenForm(),
        plain_form=PlainForm(),
        new_token=new_token,
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
    with attempt(form.name) as refused:
        _row, token = api_tokens.create_token(g.hotel, form.name.data, current_user._get_current_object())
    if refused:
        return _page(form, status=refused.status)
    # Shown in this answer only, never redirected through the session cookie; not cached.
    return _page(ApiTokenForm(formdata=None), new_token=token, status=201)


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
