"""My stay: every booking and request with its live status, asking the desk, rating what was had."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app import clock
from app.guest import bp
from app.guest.access import guest_required
from app.guest.forms import MessageForm, RatingForm, RecommendForm, RoomItemForm
from app.models import OrderStatus, PaymentMethod, RequestKind
from app.services import cancellations, feedback, guest_requests, live, ordering, payments, waitlist
from app.web import labels
from app.web.forms import PlainForm
from app.web.live import etag_value, live_fragment
from app.web.operations import attempt


def _item_form() -> RoomItemForm:
    form = RoomItemForm(prefix="item")
    form.item.choices = [SelectChoice(code, str(label)) for code, label in labels.ROOM_ITEM_LABELS.items()]
    return form


def _live_context() -> dict:
    now = clock.now()
    said = feedback.stay_feedback(g.stay)
    entries, places = waitlist.entries_and_positions(g.stay, now)
    return {
        "orders": ordering.stay_orders(g.stay),
        "guest_requests": guest_requests.requests_for_stay(g.stay),
        "guest_may_cancel": guest_requests.guest_may_cancel,
        "policy": cancellations.cancel_policy,
        "rateable": lambda line: feedback.rateable(line, now),
        "ratings": said.ratings_by_line,
        "recommendation": said.recommendation,
        "recommendation_due": said.recommendation_due(g.hotel.today()),
        "stay_rating": said.stay_rating,
        "stay_rating_open": feedback.stay_rating_open(g.stay, g.hotel.today()),
        "stay_rating_form": RatingForm(prefix="stay"),
        "plain_form": PlainForm(),
        "rating_form": RatingForm(prefix="rate"),
        "recommend_form": RecommendForm(prefix="nps"),
        "ask_form": MessageForm(prefix="ask"),
        # The waiting lists live here too, so an offer of places shows up without a reload.
        "waitlist_entries": entries,
        "waitlist_position": lambda entry: places[entry.id],
        "waitlist_price": waitlist.price,
        "waitlist_method": ordering.preferred_method(g.hotel),
    }


def _page(status: int = 200, **forms):
    forms.setdefault("item_form", _item_form())
    forms.setdefault("help_form", MessageForm(prefix="help"))
    forms.setdefault("complaint_form", MessageForm(prefix="complaint"))
    version = live.stay_version(g.stay, clock.now())
    return render_template(
        "guest/my_stay.html",
        late_refunds=payments.late_refunds_for(g.stay),
        etag=etag_value(version),
        **_live_context(),
        **forms,
    ), status


@bp.get("/stay")
@guest_required
def my_stay():
    return _page()


@bp.get("/stay/live")
@guest_required
def my_stay_live():
    """The bookings-and-requests part of My stay, for the page to refresh itself."""
    return live_fragment(
        live.stay_version(g.stay, clock.now()),
        lambda: render_template("guest/_stay_live.html", **_live_context()),
    )


def _done(message: str):
    flash(message, "success")
    return redirect(url_for("guest.my_stay"))


@bp.post("/stay/requests/item")
@guest_required
def ask_item():
    form = _item_form()
    if not form.validate_on_submit():
        return _page(400, item_form=form)
    with attempt() as refused:
        guest_requests.guest_asks(
            g.stay, RequestKind.AMENITY, item=form.item.data, quantity=form.quantity.data
        )
    if refused:
        return _page(refused.status, item_form=form)
    return _done(_("Thank you, we are on it. You can follow it here."))


@bp.post("/stay/requests/<any(help, complaint):kind>")
@guest_required
def ask_desk(kind: str):
    form = MessageForm(prefix=kind)
    if not form.validate_on_submit():
        return _page(400, **{f"{kind}_form": form})
    with attempt() as refused:
        guest_requests.guest_asks(g.stay, RequestKind(kind), details=form.details.data)
    if refused:
        return _page(refused.status, **{f"{kind}_form": form})
    return _done(_("Thank you, we are on it. You can follow it here."))


@bp.post("/stay/requests/<int:request_id>/cancel")
@guest_required
def cancel_request(request_id: int):
    if not PlainForm().validate_on_submit():
        return _page(400)
    guest_requests.guest_cancels(g.stay, request_id)
    return _done(_("Your request is cancelled."))


@bp.post("/bookings/<int:line_id>/ask")
@guest_required
def ask_about_booking(line_id: int):
    form = MessageForm(prefix="ask")
    line = ordering.stay_line(g.stay, line_id)
    if not form.validate_on_submit():
        flash(_("Please tell us a little about it."), "error")
        return _page(400)
    guest_requests.ask_about_line(g.stay, line, form.details.data)
    return _done(_("Thank you, we are on it. You can follow it here."))


@bp.post("/bookings/<int:line_id>/rate")
@guest_required
def rate(line_id: int):
    return _rated(
        RatingForm(prefix="rate"),
        lambda rating, comment: feedback.rate_line(g.stay, line_id, rating, comment),
    )


@bp.post("/stay/rate")
@guest_required
def rate_stay():
    return _rated(
        RatingForm(prefix="stay"),
        lambda rating, comment: feedback.rate_stay(g.stay, rating, comment, g.hotel.today()),
    )


def _rated(form: RatingForm, save: Callable[[int, str], object]):
    """Both rating forms (one booking, the whole stay): check the stars, save, thank the guest."""
    if not form.validate_on_submit():
        flash(form.rating.errors[0] if form.rating.errors else _("Please choose from 1 to 5 stars."), "error")
        return _page(400)
    with attempt() as refused:
        save(form.rating.data, form.comment.data or "")
    if refused:
        return _page(refused.status)
    return _done(_("Thank you for your rating!"))


@bp.post("/stay/recommend")
@guest_required
def recommend():
    form = RecommendForm(prefix="nps")
    if not form.validate_on_submit():
        flash(
            form.score.errors[0] if form.score.errors else _("Please choose a number from 0 to 10."), "error"
        )
        return _page(400)
    with attempt() as refused:
        feedback.recommend(g.stay, form.score.data, form.comment.data or "", g.hotel.today())
    if refused:
        return _page(refused.status)
    return _done(_("Thank you for telling us!"))


@bp.post("/stay/waitlist/<int:entry_id>/accept")
@guest_required
def accept_offer(entry_id: int):
    if not PlainForm().validate_on_submit():
        return _page(400)
    with attempt() as refused:
        order = waitlist.accept(g.stay, entry_id, ordering.preferred_method(g.hotel) or PaymentMethod.ROOM)
    if refused:
        return _page(refused.status)
    if order.status is OrderStatus.PENDING:
        return redirect(url_for("guest.pay", reference=order.reference))
    return redirect(url_for("guest.confirmation", reference=order.reference))


@bp.post("/stay/waitlist/<int:entry_id>/leave")
@guest_required
def leave_waitlist(entry_id: int):
    if not PlainForm().validate_on_submit():
        return _page(400)
    with attempt() as refused:
        waitlist.leave(g.stay, entry_id)
    if refused:
        return _page(refused.status)
    return _done(_("You are off the waiting list."))
