"""Desk views: parse, call one service, render."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.desk import bp
from app.desk.forms import CancelForm, RefundForm, StaySearchForm
from app.models import RefundStatus, StaffRole
from app.services import guest_requests, ordering, payments, stay_lookup
from app.web.forms import PlainForm
from app.web.locale import money
from app.web.operations import attempt
from app.web.roles import load_staff_hotel, role_required, signed_in_staff

RECEPTIONIST = StaffRole.RECEPTIONIST


bp.before_request(load_staff_hotel)


@bp.get("/")
@role_required(RECEPTIONIST)
def home():
    form = StaySearchForm(request.args)
    today = g.hotel.today()
    stays = stay_lookup.find_stays(g.hotel.id, form.q.data or "", today) if form.validate() else []
    attention = payments.recent_refunds(g.hotel.id, needing_attention=True, limit=20)
    return render_template("desk/home.html", form=form, stays=stays, attention=attention, today=today)


@bp.get("/stays/<int:stay_id>")
@role_required(RECEPTIONIST)
def stay(stay_id: int):
    found = stay_lookup.hotel_stay(g.hotel.id, stay_id) or abort(404)
    orders = ordering.stay_orders(found)
    return render_template(
        "desk/stay.html",
        guest=found,
        orders=orders,
        payments=payments.payments_by_order(orders),
        stay_requests=guest_requests.requests_for_stay(found),
        plain_form=PlainForm(),
        cancel_form=CancelForm(),
    )


@bp.route("/payments/<int:payment_id>/refund", methods=["GET", "POST"])
@role_required(RECEPTIONIST)
def refund(payment_id: int):
    payment = payments.hotel_payment(g.hotel.id, payment_id)
    form = RefundForm()
    form.amount.currency = payment.currency
    if payment.refundable > 0:  # the field's own message then names what can be refunded
        form.amount.low, form.amount.high = 1, payment.refundable
    status, confirm = 200, None
    if form.validate_on_submit():
        amount = form.amount.data
        with attempt() as refused:
            payments.check_refund(payment, amount, form.reason.data)
            # Money moves only from the confirm button, for the very amount read again from what was typed.
            if request.form.get("confirm_amount") != str(amount):
                confirm = _refund_question(payment, amount)
            else:
                done = payments.staff_refund(
                    payment.id, g.hotel.id, amount, form.reason.data, signed_in_staff()
                )
        if refused:
            status = refused.status
        else:
            if confirm is None:
                if done.status is RefundStatus.FAILED:
                    flash(_("The refund failed. Please check the payment and try again."), "error")
                else:
                    flash(_("Refund recorded."), "success")
                return redirect(url_for("desk.stay", stay_id=payment.order.stay_id))
    elif request.method == "POST":
        status = 400
    return render_template(
        "desk/refund.html", payment=payment, form=form, confirm=confirm, confirm_amount=form.amount.data
    ), status


def _refund_question(payment, amount: int) -> str:
    shown = money(amount, payment.currency)
    if payments.settles_on_the_bill(payment):
        return _("Take %(amount)s off the bill of room %(room)s?", amount=shown, room=payment.order.stay.room)
    return _("Refund %(amount)s to the guest's card?", amount=shown)


@bp.get("/refunds")
@role_required(RECEPTIONIST)
def refunds():
    return render_template("desk/refunds.html", refunds=payments.recent_refunds(g.hotel.id))
