"""Webhooks: managers point the hotel's own systems at Lobby's events and watch each delivery."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms.validators import DataRequired

from app.manage import bp
from app.models import DeliveryStatus, StaffRole
from app.services import webhooks
from app.services.errors import LobbyError
from app.web.fields import choice_field, text_field
from app.web.forms import LobbyForm, MultiCheckboxField, PlainForm
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff

# What each family and event is, as a manager choosing them reads it.
FAMILY_LABELS = {
    "stay": _l("Stays"),
    "order": _l("Orders"),
    "payment": _l("Payments"),
    "refund": _l("Refunds"),
    "request": _l("Guest requests"),
    "feedback": _l("Feedback"),
}
EVENT_LABELS = {
    "stay.created": _l("A stay is created (a check-in, or a reservation from the PMS)"),
    "stay.updated": _l("A reservation is changed"),
    "stay.cancelled": _l("A reservation is cancelled"),
    "stay.checked_in": _l("A guest checks in"),
    "stay.checked_out": _l("A guest checks out"),
    "order.placed": _l("An order is placed"),
    "order.cancelled": _l("A booking or a whole order is cancelled"),
    "payment.succeeded": _l("A payment succeeds (card or room charge)"),
    "payment.failed": _l("A card payment fails"),
    "refund.created": _l("A refund is started"),
    "refund.succeeded": _l("A refund is paid back"),
    "refund.failed": _l("A refund fails"),
    "request.created": _l("A guest request is opened"),
    "request.updated": _l("A guest request changes status"),
    "feedback.created": _l("A guest leaves feedback"),
}
STATUS_LABELS = {
    DeliveryStatus.PENDING: _l("Waiting"),
    DeliveryStatus.DELIVERED: _l("Delivered"),
    DeliveryStatus.FAILED: _l("Failed"),
}
STATUS_BADGES = {
    DeliveryStatus.PENDING: "pending",
    DeliveryStatus.DELIVERED: "succeeded",
    DeliveryStatus.FAILED: "failed",
}


def _event_choices() -> list[tuple[str, str]]:
    choices = []
    for family, kinds in webhooks.EVENT_FAMILIES.items():
        choices.append((f"{family}.*", _("Every event of this kind")))
        choices.extend((kind, EVENT_LABELS[kind]) for kind in kinds)
    return choices


class EndpointForm(LobbyForm):
    url = text_field(
        _l("Address (URL)"),
        limit=webhooks.URL_MAX,
        required=_l("Please enter the address."),
        description=_l("It must start with https://. For example: https://pms.example.com/lobby-events"),
    )
    description = text_field(
        _l("What it is for"),
        limit=webhooks.DESCRIPTION_MAX,
        description=_l("For example: Opera PMS, housekeeping app"),
    )
    events = choice_field(
        _l("Events to send"),
        kind=MultiCheckboxField,
        validators=[DataRequired(_l("Please choose at least one event."))],
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.events.choices = _event_choices()


def _list_page(form: EndpointForm | None = None, status: int = 200):
    return render_template(
        "manage/webhooks.html",
        endpoints=webhooks.hotel_endpoints(g.hotel.id),
        form=form or EndpointForm(),
        families=webhooks.EVENT_FAMILIES,
        family_labels=FAMILY_LABELS,
        event_labels=EVENT_LABELS,
    ), status


def _endpoint_page(endpoint_id: int, new_secret: str | None = None, status: int = 200):
    with attempt(missing_is_404=True):
        endpoint = webhooks.hotel_endpoint(g.hotel.id, endpoint_id)
    answer = render_template(
        "manage/webhook.html",
        endpoint=endpoint,
        deliveries=webhooks.recent_deliveries(endpoint),
        plain_form=PlainForm(),
        new_secret=new_secret,
        event_labels=EVENT_LABELS,
        family_labels=FAMILY_LABELS,
        status_labels=STATUS_LABELS,
        status_badges=STATUS_BADGES,
    )
    # A page that may show the secret is never cached.
    return answer, status, {"Cache-Control": "no-store"}


@bp.get("/webhooks")
@role_required(StaffRole.MANAGER)
def webhooks_page():
    return _list_page()


@bp.post("/webhooks")
@role_required(StaffRole.MANAGER)
def webhook_create():
    form = EndpointForm()
    if not form.validate_on_submit():
        return _list_page(form, status=400)
    with attempt(form.url) as refused:
        endpoint, secret = webhooks.create_endpoint(
            g.hotel,
            form.url.data,
            form.events.data or [],
            signed_in_staff(),
            description=form.description.data or "",
        )
    if refused:
        return _list_page(form, status=refused.status)
    # The secret is shown in this answer only, never carried through the session cookie.
    return _endpoint_page(endpoint.id, new_secret=secret, status=201)


@bp.get("/webhooks/<int:endpoint_id>")
@role_required(StaffRole.MANAGER)
def webhook_page(endpoint_id: int):
    return _endpoint_page(endpoint_id)


def _checked_form() -> None:
    if not PlainForm().validate_on_submit():
        abort(400)


@bp.post("/webhooks/<int:endpoint_id>/active")
@role_required(StaffRole.MANAGER)
def webhook_set_active(endpoint_id: int):
    _checked_form()
    active = request.form.get("active") == "1"
    try:
        webhooks.set_active(g.hotel, endpoint_id, active)
    except LobbyError as error:
        abort(error.status)
    if active:
        flash(_("The endpoint is on again: waiting deliveries go out at the next run."), "success")
    else:
        flash(_("The endpoint is off: nothing is sent to it until you turn it on again."), "success")
    return redirect(url_for("manage.webhook_page", endpoint_id=endpoint_id))


@bp.post("/webhooks/<int:endpoint_id>/secret")
@role_required(StaffRole.MANAGER)
def webhook_rotate_secret(endpoint_id: int):
    _checked_form()
    try:
        _endpoint, secret = webhooks.rotate_secret(g.hotel, endpoint_id)
    except LobbyError as error:
        abort(error.status)
    return _endpoint_page(endpoint_id, new_secret=secret)


@bp.post("/webhooks/<int:endpoint_id>/deliveries/<int:delivery_id>/again")
@role_required(StaffRole.MANAGER)
def webhook_send_again(endpoint_id: int, delivery_id: int):
    _checked_form()
    try:
        webhooks.send_again(g.hotel, endpoint_id, delivery_id)
    except LobbyError as error:
        abort(error.status)
    flash(_("The event will be sent again at the next run."), "success")
    return redirect(url_for("manage.webhook_page", endpoint_id=endpoint_id))
