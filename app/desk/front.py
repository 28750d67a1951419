"""Front-desk work on stays: check-in with the room card, today's lists, check-out, marking services done."""

from __future__ import annotations

from datetime import date, timedelta

from babel import Locale
from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import force_locale
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.desk import bp
from app.desk.forms import CancelForm, CheckInForm, LateChargeForm
from app.models import StaffRole, Tier
from app.services import cancellations, feedback, stay_desk, stay_life, stay_lookup
from app.services.errors import LobbyError
from app.web.forms import PlainForm
from app.web.locale import money
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff
from app.web.sites import hotel_link
from app.web.templating import TIER_LABELS

RECEPTIONIST = StaffRole.RECEPTIONIST


def _check_in_form() -> CheckInForm:
    form = CheckInForm()
    form.locale.choices = [
        SelectChoice(code, Locale.parse(code).get_display_name(code).capitalize())
        for code in g.hotel.enabled_locales
    ]
    form.tier.choices = [SelectChoice(tier.value, str(TIER_LABELS[tier.value])) for tier in Tier]
    if request.method == "GET":
        form.arrival.data = g.hotel.today()
        form.locale.data = g.hotel.default_locale
        form.tier.data = Tier.STANDARD.value
    return form


@bp.route("/check-in", methods=["GET", "POST"])
@role_required(RECEPTIONIST)
def check_in():
    form = _check_in_form()
    if request.method != "POST":
        return render_template("desk/check_in.html", form=form)
    valid = form.validate_on_submit()
    ages = _field_ages(form)
    # Every field at once, next to the field: the form's own checks, then the hotel's rules
    # for every value the form could read.
    refused = stay_desk.CheckInRefused.of(
        stay_desk.check_in_problems(
            g.hotel,
            room=_valid(form.room),
            email=_valid(form.email),
            locale=_valid(form.locale),
            arrival=_valid(form.arrival),
            departure=_valid(form.departure),
            adults=_valid(form.adults),
        )
    )
    if refused is not None:
        _show_on_fields(form, refused.errors)
    if valid and refused is None and ages is not None:
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
                    children_ages=ages,
                    tier=Tier(form.tier.data),
                    marketing_consent=True if form.marketing_consent.data else None,
                ),
            )
        except stay_desk.CheckInRefused as error:  # a colleague took the room a moment ago
            _show_on_fields(form, error.errors)
            refused = error
        else:
            if stay.checked_in_at is not None:
                flash(_("Checked in. Hand over the room card."), "success")
            else:
                flash(_("Booked. The guest is expected on the arrival day."), "success")
            return redirect(url_for("desk.room_card", stay_id=stay.id))
    status = refused.status if refused is not None and valid and ages is not None else 400
    return render_template("desk/check_in.html", form=form), status


def _valid(field):
    """A field's value when the form could read it, else None (its own error is already shown)."""
    return None if field.errors or field.data in (None, "") else field.data


def _field_ages(form: CheckInForm) -> list[int] | None:
    if form.children_ages.errors:
        return None
    try:
        return stay_desk.parse_ages(form.children_ages.data or "")
    except LobbyError as error:
        form.children_ages.errors = [*form.children_ages.errors, str(error.message)]
        return None


def _show_on_fields(form: CheckInForm, errors: dict[str, str]) -> None:
    for name, message in errors.items():
        field = form[name]
        field.errors = [*field.errors, message]


@bp.get("/stays/<int:stay_id>/card")
@role_required(RECEPTIONIST)
def room_card(stay_id: int):
    """What the guest takes to the room: the QR code and the link it holds, printable, in their language."""
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    link = hotel_link(g.hotel, "guest.token_signin", token=stay.access_token)  # the hotel's own site
    locale = stay.locale if stay.locale in g.hotel.enabled_locales else g.hotel.default_locale
    with force_locale(locale):
        card = render_template(
            "desk/_room_card.html", guest=stay, link=link, qr=stay_desk.qr_svg(link), card_locale=locale
        )
    return render_template("desk/room_card.html", guest=stay, card=card)


# How far the Today page goes back and ahead; beyond, the lists are the stay search's work.
TODAY_RANGE = timedelta(days=3660)


@bp.get("/today")
@role_required(RECEPTIONIST)
def today():
    today = g.hotel.today()
    try:
        day = date.fromisoformat(request.args.get("day", ""))
    except ValueError:
        day = today
    if abs(day - today) > TODAY_RANGE:
        day = today
    return render_template(
        "desk/today.html",
        day=day,
        today=today,
        previous_day=day - timedelta(days=1),
        next_day=day + timedelta(days=1),
        arrivals=stay_desk.arrivals(g.hotel.id, day),
        departures=stay_desk.departures(g.hotel, day),
        phase=stay_life.phase,
        left_early=lambda stay: stay_desk.left_early(stay, g.hotel),
    )


def _stay_change_page(stay, action: str):
    return render_template(
        "desk/stay_change.html",
        guest=stay,
        action=action,
        balance=stay_desk.balance(stay),
        phase=stay_life.phase(stay),
        form=PlainForm(),
    )


@bp.get("/stays/<int:stay_id>/check-in")
@role_required(RECEPTIONIST)
def check_in_stay_confirm(stay_id: int):
    """Before a booked guest is checked in: who, which room, and what is already on the bill."""
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    return _stay_change_page(stay, "check_in")


@bp.post("/stays/<int:stay_id>/check-in")
@role_required(RECEPTIONIST)
def check_in_stay(stay_id: int):
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    with attempt() as refused:
        stay_desk.check_in_stay(stay)
    if refused:
        return redirect(url_for("desk.stay", stay_id=stay.id))
    flash(_("Checked in. Hand over the room card."), "success")
    return redirect(url_for("desk.room_card", stay_id=stay.id))


@bp.get("/stays/<int:stay_id>/check-out")
@role_required(RECEPTIONIST)
def check_out_confirm(stay_id: int):
    """Before the guest leaves: the open balance, so nothing is left unsettled by one click."""
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    return _stay_change_page(stay, "check_out")


@bp.post("/stays/<int:stay_id>/check-out")
@role_required(RECEPTIONIST)
def check_out(stay_id: int):
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    if not PlainForm().validate_on_submit():
        abort(400)
    with attempt() as refused:
        stay_desk.check_out(stay)
    if not refused:
        flash(_("Checked out. The guest's links no longer open the stay."), "success")
    return redirect(url_for("desk.stay", stay_id=stay.id))


@bp.route("/stays/<int:stay_id>/late-charge", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def late_charge(stay_id: int):
    """A manager posts a charge found after check-out; the folio export marks it as late."""
    stay = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    form = LateChargeForm()
    status = 200
    if form.validate_on_submit():
        amount = form.amount.data  # minor units, read by the shared money field
        with attempt() as refused:
            order = stay_desk.post_late_charge(stay, amount, form.description.data, g.staff_role)
        if refused:
            status = refused.status
        else:
            flash(
                _(
                    "Late charge %(amount)s posted to the folio (%(reference)s).",
                    amount=money(order.total, order.currency),
                    reference=order.reference,
                ),
                "success",
            )
            return redirect(url_for("desk.stay", stay_id=stay.id))
    elif request.method == "POST":
        status = 400
    return render_template("desk/late_charge.html", guest=stay, form=form), status


@bp.post("/lines/<int:line_id>/done")
@role_required(RECEPTIONIST)
def line_done(line_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    with attempt(missing_is_404=True) as refused:
        line = feedback.mark_done(g.hotel.id, line_id)
    if refused:
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
    with attempt(missing_is_404=True) as refused:
        line = cancellations.cancel_by_staff(g.hotel.id, line_id, form.reason.data, signed_in_staff())
    if refused:
        return redirect(url_for("desk.home"))
    flash(_("Cancelled; what it cost is refunded the way it was paid."), "success")
    return redirect(url_for("desk.stay", stay_id=line.order.stay_id))
