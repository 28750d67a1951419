"""Front-desk work on stays: check-in with the room card, today's lists, check-out, marking services done."""

from __future__ import annotations

from babel import Locale
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from wtforms import SelectChoice

from app.auth.roles import role_required
from app.desk import bp
from app.desk.forms import CancelForm, CheckInForm
from app.guest.forms import PlainForm
from app.models import StaffRole, Tier
from app.services import cancellations, clock, feedback, stay_desk, stay_lookup
from app.services.errors import LobbyError
from app.templating import TIER_LABELS

RECEPTIONIST = StaffRole.RECEPTIONIST


def _today():
    return clock.now().astimezone(g.hotel.tz).date()


def _check_in_form() -> CheckInForm:
    form = CheckInForm()
    form.locale.choices = [
        SelectChoice(code, Locale.parse(code).get_display_name(code).capitalize())
        for code in g.hotel.enabled_locales
    ]
    form.tier.choices = [SelectChoice(tier.value, str(TIER_LABELS[tier.value])) for tier in Tier]
    if request.method == "GET":
        form.arrival.data = _today()
        form.locale.data = g.hotel.default_locale
        form.tier.data = Tier.STANDARD.value
    return form


@bp.route("/check-in", methods=["GET", "POST"])
@role_required(RECEPTIONIST)
def check_in():
    form = _check_in_form()
    status = 200
    if form.validate_on_submit():
        try:
            stay = stay_desk.check_in(
                g.hotel,
                stay_desk.CheckIn(
                    room=form.room.data,
                    surname=form.surname.data,
                    first_name=form.first_name.data or "",
                    email=form.email.data or "",
                    locale=form.locale.data,
                    arrival=form.arrival.data,
                    departure=form.departure.data,
                    adults=form.adults.data,
                    children_ages=stay_desk.parse_ages(form.children_ages.data or ""),
                    tier=Tier(form.tier.data),
                ),
            )
        except LobbyError as error:
            flash(str(error.message), "error")
            status = error.status
        else:
            flash(_("Checked in. Hand over the room card."), "success")
            return redirect(url_for("desk.room_card", stay_id=stay.id))
    elif request.method == "POST":
        status = 400
    return render_template("desk/check_in.html", form=form), status


@bp.get("/stays/<int:stay_id>/card")
@role_required(RECEPTIONIST)
def room_card(stay_id: int):
    """What the guest takes to the room: the QR code and the link it holds, printable."""
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    link = url_for("guest.token_signin", token=stay.access_token, _external=True)
    return render_template("desk/room_card.html", guest=stay, link=link, qr=stay_desk.qr_svg(link))


@bp.get("/today")
@role_required(RECEPTIONIST)
def today():
    day = _today()
    return render_template(
        "desk/today.html",
        day=day,
        arrivals=stay_desk.arrivals(g.hotel.id, day),
        departures=stay_desk.departures(g.hotel.id, day),
        form=PlainForm(),
    )


@bp.post("/stays/<int:stay_id>/check-out")
@role_required(RECEPTIONIST)
def check_out(stay_id: int):
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        stay_desk.check_out(stay)
    except LobbyError as error:
        flash(str(error.message), "error")
    else:
        flash(_("Checked out. The guest's links no longer open the stay."), "success")
    return redirect(url_for("desk.stay", stay_id=stay.id))


@bp.post("/lines/<int:line_id>/done")
@role_required(RECEPTIONIST)
def line_done(line_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        line = feedback.mark_done(g.hotel.id, line_id)
    except LobbyError as error:
        flash(str(error.message), "error")
        return redirect(url_for("desk.home"))
    flash(_("Marked as done. The guest is asked to rate it."), "success")
    return redirect(url_for("desk.stay", stay_id=line.order.stay_id))


@bp.post("/lines/<int:line_id>/cancel")
@role_required(RECEPTIONIST)
def line_cancel(line_id: int):
    form = CancelForm()
    if not form.validate_on_submit():
        flash(_("Please give a reason."), "error")
        return redirect(url_for("desk.home"))
    try:
        line = cancellations.cancel_by_staff(
            g.hotel.id, line_id, form.reason.data, current_user._get_current_object()
        )
    except LobbyError as error:
        if error.status == 404:
            abort(404)
        flash(str(error.message), "error")
        return redirect(url_for("desk.home"))
    flash(_("Cancelled; what it cost is refunded the way it was paid."), "success")
    return redirect(url_for("desk.stay", stay_id=line.order.stay_id))
