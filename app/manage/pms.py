"""The PMS connection page: where the hotel's PMS is, how Lobby signs in to it, and how the sync is going."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, TextAreaField
from wtforms.validators import Optional

from app.manage import bp
from app.models import StaffRole
from app.services import pms_connections, pms_sync
from app.web.fields import WholeNumberField, text_field
from app.web.forms import LobbyForm, PlainForm
from app.web.messages import NOT_A_CHOICE
from app.web.operations import attempt
from app.web.roles import role_required

MANAGER = StaffRole.MANAGER
KEEP_SAVED = _l("Leave empty to keep the saved one.")


class PmsForm(LobbyForm):
    provider = SelectField(
        _l("PMS"),
        choices=[SelectChoice(code, name) for code, name in pms_connections.PROVIDERS.items()],
        invalid_choice_message=NOT_A_CHOICE,
    )
    base_url = text_field(_l("API address"), limit=pms_connections.URL_MAX)
    client_token = PasswordField(_l("Client token"))
    access_token = PasswordField(_l("Access token"))
    client = text_field(_l("Client name"), limit=pms_connections.CLIENT_MAX)
    service_id = text_field(_l("Service id (stays are read from it, charges are posted to it)"), limit=40)
    accounting_category_id = text_field(_l("Accounting category id (optional)"), limit=40)
    days_ahead = WholeNumberField(
        _l("Read arrivals this many days ahead"),
        low=1,
        high=pms_connections.MAX_DAYS_AHEAD,
        validators=[Optional()],
    )
    tier_lines = TextAreaField(_l("Loyalty tiers by Mews classification"))
    enabled = BooleanField(_l("Connected (untick to pause the sync)"))


def _details(form: PmsForm) -> pms_connections.ConnectionForm:
    return pms_connections.ConnectionForm(
        provider=form.provider.data or "",
        base_url=form.base_url.data or "",
        client_token=form.client_token.data or "",
        access_token=form.access_token.data or "",
        client=form.client.data or "",
        service_id=form.service_id.data or "",
        accounting_category_id=form.accounting_category_id.data or "",
        days_ahead=form.days_ahead.data,
        tier_lines=form.tier_lines.data or "",
        enabled=bool(form.enabled.data),
    )


def _filled(connection) -> PmsForm:
    form = PmsForm(formdata=None)
    if connection is None:
        form.provider.data = "mews"
        form.base_url.data = pms_connections.DEFAULT_BASE_URLS["mews"]
        form.client.data = pms_connections.DEFAULT_CLIENT
        form.days_ahead.data = pms_connections.DEFAULT_DAYS_AHEAD
        form.enabled.data = True
        return form
    settings = connection.settings or {}
    form.provider.data = connection.provider
    form.base_url.data = connection.base_url
    form.client.data = (connection.credentials or {}).get("client", "")
    form.service_id.data = settings.get("service_id", "")
    form.accounting_category_id.data = settings.get("accounting_category_id", "")
    form.days_ahead.data = settings.get("days_ahead", pms_connections.DEFAULT_DAYS_AHEAD)
    form.tier_lines.data = pms_connections.tier_lines(settings.get("tier_by_classification", {}))
    form.enabled.data = connection.enabled
    return form


def _page(form: PmsForm | None = None, status: int = 200):
    connection = pms_connections.hotel_connection(g.hotel)
    credentials = connection.credentials if connection else {}
    answer = render_template(
        "manage/pms.html",
        form=form or _filled(connection),
        plain_form=PlainForm(),
        connection=connection,
        saved={
            name: pms_connections.masked(credentials.get(name, "")) for name in pms_connections.SECRET_NAMES
        },
        keep_saved=KEEP_SAVED,
        # The whole address Mews is given, its secret included (Mews signs nothing: the URL is the proof).
        webhook_url=url_for(
            "api.mews_webhook",
            slug=g.hotel.slug,
            secret=(connection.settings or {}).get("webhook_secret", "") if connection else "",
            _external=True,
        ),
        state=pms_connections.status(g.hotel),
        posting_labels=pms_connections.STATUS_LABELS,
    )
    # The page shows the webhook secret: not to be kept by a shared cache.
    return answer, status, {"Cache-Control": "no-store"}


@bp.get("/pms")
@role_required(MANAGER)
def pms_page():
    return _page()


@bp.post("/pms")
@role_required(MANAGER)
def pms_save():
    form = PmsForm()
    if not form.validate_on_submit():
        # Every problem at once: the hotel's rules for the fields the form itself let through.
        for name, message in pms_connections.problems(g.hotel, _details(form)).items():
            if not form[name].errors:
                form[name].errors = [*form[name].errors, message]
        return _page(form, 400)
    with attempt(quietly=True) as refused:
        pms_connections.save_connection(g.hotel, _details(form))
    if refused:
        errors = getattr(refused.error, "errors", {})
        for name, message in errors.items():
            form[name].errors = [*form[name].errors, message]
        if not errors:
            flash(refused.message, "error")
        return _page(form, refused.status)
    flash(_("The PMS connection is saved."), "success")
    return redirect(url_for("manage.pms_page"))


@bp.post("/pms/webhook-secret")
@role_required(MANAGER)
def pms_new_webhook_secret():
    if not PlainForm().validate_on_submit():
        abort(400)
    with attempt() as refused:
        pms_connections.new_webhook_secret(g.hotel)
    if not refused:
        flash(_("New webhook secret made: paste the new address into Mews."), "success")
    return redirect(url_for("manage.pms_page"))


@bp.post("/pms/sync")
@role_required(MANAGER)
def pms_sync_now():
    """Pull reservations and post waiting charges now, instead of at the next scheduled run."""
    if not PlainForm().validate_on_submit():
        abort(400)
    runs = pms_sync.sync_hotel(g.hotel)
    if not runs:
        flash(_("The connection is paused or not set up: nothing was synced."), "error")
    elif all(run.ok for run in runs):
        flash(_("Synced with the PMS."), "success")
    else:
        flash(_("The PMS answered with an error: see the last error below."), "error")
    return redirect(url_for("manage.pms_page"))
