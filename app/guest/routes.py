"""Guest views: parse the form, call one service, render. Rules live in app/services/."""

from __future__ import annotations

from datetime import date, datetime, time
from functools import cache, partial
from urllib.parse import urlsplit

from flask import (
    Response,
    abort,
    current_app,
    flash,
    g,
    jsonify,
    redirect,
    render_template,
    request,
    send_from_directory,
    session,
    url_for,
)
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf
from wtforms import SelectChoice

from app import clock
from app.extensions import db, limiter
from app.guest import bp
from app.guest.access import guest_required, load_guest, sign_in, sign_out
from app.guest.forms import (
    CancelForm,
    CheckoutForm,
    DailyBookingForm,
    PromoForm,
    ReferenceSignInForm,
    RoomSignInForm,
    ServiceFilterForm,
    TimedBookingForm,
    WaitlistForm,
)
from app.models import (
    LineStatus,
    OfferPlace,
    OrderStatus,
    PaymentMethod,
    PromoCode,
    Service,
    ServiceKind,
    Slot,
)
from app.models.ages import ADULT_AGE
from app.security import MAX_ID, allow_payment_scripts
from app.services import (
    analytics,
    availability,
    calendar,
    cancellations,
    catalog,
    catalog_browse,
    discounts,
    guest_access,
    offer_cache,
    ordering,
    payments,
    photos,
    planning,
    recommendations,
    waitlist,
)
from app.services.errors import LobbyError, NotAllowed, NotFound, SoldOut
from app.web.booking import booking_request
from app.web.errors import know_visitors_by
from app.web.forms import LanguageForm, PlainForm
from app.web.locale import enabled_locales, money
from app.web.operations import attempt
from app.web.payment_answers import card_attempt
from app.web.redirects import safe_next
from app.web.sites import public_base_url


def signin_limit() -> str:
    return current_app.config["GUEST_SIGNIN_LIMIT"]


def link_limit() -> str:
    # Links carry 256 random bits, so guessing is hopeless; the limit only stops floods,
    # and must let a whole hotel behind one Wi-Fi address scan its room codes.
    return current_app.config["GUEST_LINK_LIMIT"]


def link_refused(message: str):
    """A signed link (from the desk or an email) that no longer opens anything: a plain 404 page."""
    return render_template("errors/error.html", status=404, message=message), 404


def sign_in_link_refused():
    """A link that should have signed the guest in: say how to sign in instead."""
    return link_refused(
        _("This link is not valid any more. Please sign in with your room number and surname.")
    )


bp.before_request(load_guest)
# Error pages outside any view (an unknown address) ask the same loader who the guest is.
bp.record_once(lambda state: know_visitors_by(state.app, load_guest))


@bp.get("/")
def index():
    return redirect(url_for("guest.home" if g.stay else "guest.signin"))


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(signin_limit, methods=["POST"])
def signin():
    room_form = RoomSignInForm(prefix="room")
    ref_form = ReferenceSignInForm(prefix="ref")
    method = request.form.get("method", "room")
    active = ref_form if method == "reference" else room_form
    status = 200
    if request.method == "POST" and active.validate_on_submit():
        if g.hotel is None:
            abort(404)
        today = g.hotel.today()
        if active is room_form:
            stay = guest_access.stay_by_room(g.hotel, room_form.room.data, room_form.surname.data, today)
        else:
            stay = guest_access.stay_by_reference(
                g.hotel, ref_form.reference.data, ref_form.surname.data, today
            )
        if stay is not None:
            sign_in(stay)
            return redirect(safe_next(request.args.get("next"), url_for("guest.home")))
        # Never say which half was wrong: that would help someone guess rooms.
        flash(_("We could not find a stay with those details. Please check them and try again."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("guest/signin.html", room_form=room_form, ref_form=ref_form, method=method), status


@bp.get("/s/<token>")
@limiter.limit(link_limit)
def token_signin(token: str):
    hotel_stay = guest_access.stay_by_token(g.hotel, token, clock.now()) if g.hotel else None
    if hotel_stay is None:
        return sign_in_link_refused()
    sign_in(hotel_stay)
    return redirect(url_for("guest.home"))


@bp.post("/signout")
def signout():
    if PlainForm().validate_on_submit():
        sign_out()
    return redirect(url_for("guest.signin"))


@bp.post("/language")
def language():
    form = LanguageForm()
    form.lang.choices = [SelectChoice(code) for code in enabled_locales()]
    if form.validate_on_submit():
        session["lang"] = form.lang.data
        if g.stay is not None:
            guest_access.remember_language(g.stay, form.lang.data)
    return redirect(safe_next(form.next.data, url_for("guest.index")))


@bp.get("/media/<name>")
def media(name: str):
    """Service photos: public, named by us, cached for a year (a new photo gets a new name)."""
    if not photos.file_name_ok(name):
        abort(404)
    return send_from_directory(photos.folder(), name, max_age=365 * 24 * 3600)


@bp.get("/home")
@guest_required
def home():
    active = catalog.active_packages(g.stay.hotel_id)
    # After the packages: a cached offer's package deal is one of them, so it is not read again.
    chosen = _offers_shown(OfferPlace.HOME)
    packages = recommendations.packages_for_stay(g.stay, active)
    # Read only if a package's cards are not already rendered (app/web/fragments.py).
    previews = cache(partial(catalog_browse.package_previews, [offer.package.id for offer in packages]))
    return render_template(
        "guest/home.html", offers=packages, previews=previews, chosen=chosen, place=OfferPlace.HOME.value
    )


def _offers_shown(place: OfferPlace, exclude: frozenset[int] = frozenset()):
    """The stay's offers for ``place``, counted as shown."""
    now = clock.now()
    offers = offer_cache.offers_for_stay(g.stay, now, exclude=exclude)
    recommendations.record_impressions(g.stay, offers, place, now)
    return offers


@bp.get("/packages/<code>")
@guest_required
def package(code: str):
    package = catalog.active_package(g.stay.hotel_id, code)
    form = ServiceFilterForm(formdata=request.args).offer(has_children=bool(g.stay.children_ages))
    form.validate()  # a field refused says why beside it and filters nothing; the rest still apply
    filters = _service_filters(form)
    party = catalog_browse.Party(g.stay.adults, tuple(g.stay.children_ages))
    number = _arg_int("page", 1, MAX_PAGE) or 1
    # Page links keep what the guest typed, refused or not, so the form reads the same on every page.
    kept = {name: value for name in FILTER_ARGS if (value := request.args.get(name, "").strip())}
    # The form and the results are kept rendered (app/web/fragments.py) under what they show:
    # what was typed, and for the results the filters, the page and (for an age filter) the party.
    typed = tuple((name, tuple(request.args.getlist(name))) for name in FILTER_ARGS)
    shown = (filters, party if filters.fit else None, number, tuple(kept.items()))
    return render_template(
        "guest/package.html",
        package=package,
        form=form,
        form_key=(bool(g.stay.children_ages), typed),
        filters=filters,
        results=cache(partial(catalog_browse.package_services, package, party, filters, number)),
        results_key=shown,
        kept=kept,
    )


FILTER_ARGS = ("q", "kind", "fit", "setting", "price")
MAX_PAGE = 100_000


def _service_filters(form: ServiceFilterForm) -> catalog_browse.ServiceFilters:
    def valid(field):
        return None if field.errors or not field.data else field.data

    kind, fit, setting = valid(form.kind), valid(form.fit), valid(form.setting)
    return catalog_browse.ServiceFilters(
        query=valid(form.q) or "",
        kind=ServiceKind(kind) if kind else None,
        fit=catalog_browse.AgeFit(fit) if fit else None,
        setting=catalog_browse.Setting(setting) if setting else None,
        price_up_to=None if form.price.errors else form.price.data,
    )


def _booking_form(service: Service, slots: list[Slot] | None = None, formdata=None, meta=None):
    """The booking form: posted values, or a party and time chosen for the guest.

    A redirect back to the page (after a refused waiting-list join) carries the guest's
    choice in the query string, so nothing they picked is lost.
    """
    args = request.args
    # Left out, FlaskForm reads the posted form; None would mean "no data" to it.
    given = {"formdata": formdata, "meta": meta} if formdata is not None else {}
    if service.kind.by_day:
        form = DailyBookingForm(**given)
        if request.method == "GET" and formdata is None:
            form.start_date.data = _arg_date("start_date") or max(g.hotel.today(), g.stay.arrival)
            form.days.data = _arg_int("days", 1, 30) or 1
            form.quantity.data = _arg_int("quantity", 1, 10) or 1
        return form
    form = TimedBookingForm(**given)
    form.children.choices = [
        SelectChoice(index, _("Child aged %(age)d", age=age))
        for index, age in enumerate(g.stay.children_ages)
    ]
    if request.method == "GET" and formdata is None:
        form.slot.data = _arg_int("slot", 1, MAX_ID)
        adults, children = _party_that_fits(service, slots or [], form.slot.data)
        kept = _arg_int("adults", 0, g.stay.adults)
        form.adults.data = adults if kept is None else kept
        indexes = (_small_int(i, 0, g.stay.children - 1) for i in args.getlist("children"))
        chosen = sorted({i for i in indexes if i is not None})
        form.children.data = chosen if "adults" in args else children
    return form


def _party_that_fits(service: Service, slots: list[Slot], slot_id: int | None) -> tuple[int, list[int]]:
    """Everyone of the stay the service accepts, trimmed to the places of the chosen time, or else
    of the smallest full one: its waiting list is joined with this party, so it must fit."""
    adults = 0 if service.max_age is not None and service.max_age < ADULT_AGE else g.stay.adults
    children = [index for index, age in enumerate(g.stay.children_ages) if service.accepts_age(age)]
    chosen = [slot for slot in slots if slot.id == slot_id] or [
        slot for slot in slots if not slot.seats_left and slot.capacity > 0
    ]
    if chosen:
        room = max(min(slot.capacity for slot in chosen), 1)
        adults = min(adults, room)
        children = children[: max(room - adults, 0)]
    return adults, children


def _arg_int(name: str, low: int, high: int) -> int | None:
    return _small_int(request.args.get(name, ""), low, high)


def _small_int(value: str, low: int, high: int) -> int | None:
    """A whole number typed or carried in a link, within bounds; anything else is None, never an error."""
    if not (value.isascii() and value.isdecimal() and len(value) <= 12):
        return None
    number = int(value)
    return number if low <= number <= high else None


def _arg_date(name: str) -> date | None:
    try:
        return date.fromisoformat(request.args.get(name, ""))
    except ValueError:
        return None


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@guest_required
def service(service_id: int):
    svc = catalog.bookable_service(g.stay.hotel_id, service_id)
    if request.method == "GET":
        analytics.count_view(svc, g.hotel.today())  # the dashboard's conversion needs the views
    slots = _service_slots(svc)
    form = _booking_form(svc, slots)
    status = 200
    too_full = None
    if request.method == "POST":
        if form.validate_on_submit():
            booking = booking_request(g.stay, svc, form)
            with attempt() as refused:
                if request.form.get("then") == "book":
                    order = ordering.book_now(g.stay, booking)
                else:
                    ordering.add_to_cart(g.stay, booking)
            if refused:
                status = refused.status
                if isinstance(refused.error, SoldOut) and not svc.kind.by_day:
                    too_full = form.slot.data  # a full time may be waited for
            else:
                if request.form.get("then") != "book":
                    flash(_("Added to your cart."), "success")
                    return redirect(url_for("guest.cart"))
                if order.status is OrderStatus.PENDING:
                    return redirect(url_for("guest.pay", reference=order.reference))
                return redirect(url_for("guest.confirmation", reference=order.reference))
        else:
            status = 400
    return _service_page(svc, form, slots, status, too_full)


def _service_slots(svc: Service) -> list[Slot]:
    if svc.kind.by_day:
        first = max(g.hotel.today(), g.stay.arrival)
        return availability.day_slots(svc, first, g.stay.departure)
    return availability.slots_for_stay(svc, g.stay, clock.now())


def _service_page(svc: Service, form, slots: list[Slot], status: int, too_full: int | None = None):
    """The service page; ``too_full`` is a time that just had too few places for the party."""
    now = clock.now()
    if not svc.kind.by_day:
        form.slot.choices = [SelectChoice(slot.id, "") for slot in slots]
    valid = not form.errors or set(form.errors) == {"slot"}
    terms = {slot.id: cancellations.booking_terms(svc, slot.starts_at, now=now) for slot in slots}
    # What the grid of times shows of each: the key its rendered HTML is kept under (app/web/fragments.py).
    shown = tuple((s.id, s.seats_left, terms[s.id].free, terms[s.id].late_fee_percent) for s in slots)
    return render_template(
        "guest/service.html",
        service=svc,
        form=form,
        slots=slots,
        too_full=too_full,
        slot_terms=terms,
        slot_grid=(None if svc.kind.by_day else form.slot.data, shown),
        waiting_for=set() if svc.kind.by_day else waitlist.live_slot_ids(g.stay),
        **_total_context(svc, form if valid else None, now),
    ), status


def _total_context(svc: Service, form, now) -> dict:
    """The booking's total as :func:`ordering.book_now` would charge it, and its cancellation terms.

    Priced by the booking's own code, so the page cannot show one total and book another.
    """
    quote = problem = terms = None
    if form is None:
        problem = _("Choose who is coming to see the total.")
    else:
        booking = booking_request(g.stay, svc, form)
        try:
            quote = ordering.quote_alone(g.stay, booking, now).quote
        except LobbyError as error:
            problem = str(error.message)
        else:
            terms = _terms_of(svc, booking, now)
    if quote is not None:
        amount = money(quote.total, quote.currency)
        if ordering.preferred_method(g.hotel) is PaymentMethod.ROOM:
            label = _("Book now, charge %(amount)s to room %(room)s", amount=amount, room=g.stay.room)
        else:
            label = _("Book now and pay %(amount)s", amount=amount)
    elif g.hotel.room_charge_enabled:
        label = _("Book now, charge to room %(room)s", room=g.stay.room)
    else:
        label = _("Book now and pay")
    return {"quote": quote, "total_problem": problem, "terms": terms, "book_label": label}


def _terms_of(svc: Service, booking: planning.BookingRequest, now):
    if svc.kind.by_day:
        first = datetime.combine(booking.start_date, time(0), tzinfo=g.hotel.tz)
        return cancellations.booking_terms(svc, first, booking.days, now)
    if booking.slot_id is None:
        return None
    return cancellations.booking_terms(svc, db.session.get(Slot, booking.slot_id).starts_at, now=now)


@bp.get("/services/<int:service_id>/total")
@guest_required
def service_total(service_id: int):
    """The total for the party and time in the query: the service page's script shows it as they change."""
    svc = catalog.bookable_service(g.stay.hotel_id, service_id)
    form = _booking_form(svc, formdata=request.args, meta={"csrf": False})  # a GET changes nothing
    valid = form.validate() or set(form.errors) == {"slot"}
    context = _total_context(svc, form if valid else None, clock.now())
    response = Response(render_template("guest/_booking_total.html", **context))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/services/<int:service_id>/waitlist")
@guest_required
def join_waitlist(service_id: int):
    """A full time's "Join the waiting list" button, posted with the booking form's party.

    Always answered with a redirect (post/redirect/get), also when refused: the message is
    flashed on the service page, whose address keeps the time and party chosen.
    """
    svc = catalog.bookable_service(g.stay.hotel_id, service_id)
    form = WaitlistForm()
    if svc.kind.by_day or not form.validate_on_submit():
        flash(_("Please choose a time and who is coming."), "error")
        return redirect(_back_to_service(svc, form))
    with attempt() as refused:
        waitlist.join(g.stay, booking_request(g.stay, svc, form, time_field="waitlist_slot"))
    if refused:
        return redirect(_back_to_service(svc, form))
    flash(_("You are on the waiting list. If places free up, we will offer them to you here."), "success")
    return redirect(url_for("guest.my_stay"))


def _back_to_service(svc: Service, form: WaitlistForm) -> str:
    """The service page's address with the time and party the guest had chosen (what parsed)."""
    query = {}
    if not form.waitlist_slot.errors and form.waitlist_slot.data:
        query["slot"] = form.waitlist_slot.data
    if not form.adults.errors and form.adults.data is not None:
        query["adults"] = form.adults.data
        query["children"] = [] if form.children.errors else list(form.children.data or [])
    return url_for("guest.service", service_id=svc.id, **query)


def _checkout_form(form: CheckoutForm | None = None) -> CheckoutForm:
    methods = [method.value for method in ordering.available_methods(g.hotel)]
    return (form or CheckoutForm()).offer(methods)


def _cart_page(form: CheckoutForm | None = None, status: int = 200, promo_form: PromoForm | None = None):
    order, pending = ordering.cart_and_pending(g.stay)
    return render_template(
        "guest/cart.html",
        order=order,
        pending=pending,
        form=_checkout_form(form),
        remove_form=PlainForm(),
        promo_form=promo_form or PromoForm(),
        promo=db.session.get(PromoCode, order.promo_code_id) if order and order.promo_code_id else None,
    ), status


@bp.post("/cart/promo")
@guest_required
def promo_apply():
    form = PromoForm()
    order = ordering.cart_for(g.stay)
    if order is None:
        return redirect(url_for("guest.cart"))
    if not form.validate_on_submit():
        return _cart_page(status=400, promo_form=form)
    with attempt() as refused:
        discounts.apply_promo(order, g.stay, form.code.data, g.hotel.today())
    if refused:
        return _cart_page(status=refused.status, promo_form=form)
    flash(_("Code applied. The new prices are below."), "success")
    return redirect(url_for("guest.cart"))


@bp.post("/cart/promo/remove")
@guest_required
def promo_remove():
    order = ordering.cart_for(g.stay)
    if PlainForm().validate_on_submit() and order is not None:
        discounts.remove_promo(order, g.stay)
    return redirect(url_for("guest.cart"))


@bp.get("/cart")
@guest_required
def cart():
    return _cart_page()


@bp.post("/cart/change")
@guest_required
def change_order():
    """Leave the payment page to edit the cart: the held places are given back."""
    if not PlainForm().validate_on_submit():
        abort(400)
    ordering.change_pending_order(g.stay)
    return redirect(url_for("guest.cart"))


@bp.post("/cart/lines/<int:line_id>/remove")
@guest_required
def remove_line(line_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    ordering.remove_from_cart(g.stay, line_id)
    flash(_("Removed from your cart."), "success")
    return redirect(url_for("guest.cart"))


@bp.post("/checkout")
@guest_required
def checkout():
    form = _checkout_form()
    if not form.validate_on_submit():
        return _cart_page(form, 400)
    with attempt() as refused:
        order = ordering.checkout(g.stay, PaymentMethod(form.payment_method.data))
    if refused:
        return _cart_page(form, refused.status)
    if order.status is OrderStatus.PENDING:
        return redirect(url_for("guest.pay", reference=order.reference))
    return redirect(url_for("guest.confirmation", reference=order.reference))


def _placed_order(reference: str):
    """The stay's order, or a redirect to the cart when its seat hold ran out."""
    try:
        order = ordering.stay_order(g.stay, reference)
    except NotFound:
        if not ordering.hold_ran_out(g.stay, reference):
            raise
        flash(_("Your time to pay ran out and the places were released. Please book again."), "error")
        return None, redirect(url_for("guest.cart"))
    ordering.release_hold_if_expired_now(order)
    if order.status is OrderStatus.CART:
        return _placed_order(reference)
    return order, None


@bp.get("/orders/<reference>/pay")
@guest_required
def pay(reference: str):
    order, elsewhere = _placed_order(reference)
    if elsewhere:
        return elsewhere
    if order.status is not OrderStatus.PENDING:
        return redirect(url_for("guest.confirmation", reference=order.reference))
    provider = payments.require_card_provider()
    allow_payment_scripts()
    return render_template(
        "guest/pay.html", order=order, provider=provider, change_form=PlainForm(), csrf=generate_csrf()
    )


@bp.post("/orders/<reference>/pay")
@guest_required
def pay_submit(reference: str):
    """The pay page's script posts the card token here and learns what to do next (JSON)."""
    try:
        order = ordering.stay_order(g.stay, reference)
    except LobbyError as error:
        return jsonify(error=str(error.message)), error.status
    return card_attempt(
        order,
        url_for("guest.confirmation", reference=order.reference),
        _("Please enter your card details."),
        _("Your card was declined. Please try another card."),
    )


@bp.get("/orders/<reference>")
@guest_required
def confirmation(reference: str):
    order, elsewhere = _placed_order(reference)
    if elsewhere:
        return elsewhere
    state = payments.order_payment_status(order)
    more = []
    if state == "confirmed":
        more = _offers_shown(OfferPlace.AFTER_BOOKING, frozenset(line.service_id for line in order.lines))
    return render_template(
        "guest/confirmation.html",
        order=order,
        payment_state=state,
        chosen=more,
        place=OfferPlace.AFTER_BOOKING.value,
    )


@bp.get("/orders/<reference>.ics")
@guest_required
def order_calendar(reference: str):
    order = ordering.stay_order(g.stay, reference)
    # Event UIDs on the hotel's own domain, whichever address the guest opened the page on.
    domain = urlsplit(public_base_url(g.hotel)).hostname or request.host
    body = calendar.order_calendar(order, g.hotel, domain)
    return Response(
        body,
        mimetype="text/calendar",
        headers={"Content-Disposition": f'attachment; filename="lobby-{order.reference}.ics"'},
    )


def _cancellable_line(line_id: int):
    """A booked or requested line of this stay; anything else (another stay's, a cart line) is not found."""
    line = ordering.stay_line(g.stay, line_id)
    if line.status not in (LineStatus.BOOKED, LineStatus.REQUESTED):
        raise NotFound(_("We could not find that booking."))
    return line


@bp.route("/bookings/<int:line_id>/cancel", methods=["GET", "POST"])
@guest_required
def cancel(line_id: int):
    """GET: what cancelling keeps and gives back, to confirm; POST: cancel, for the fee confirmed.

    (One rule for both methods: werkzeug answers 405 instead of 404 to an absurd id otherwise.)
    """
    if request.method == "POST":
        return _cancel(line_id)
    line = _cancellable_line(line_id)
    rule = cancellations.cancel_policy(line)
    if not rule.allowed:
        flash(_("This booking can no longer be cancelled here. Please ask at reception."), "error")
        return redirect(url_for("guest.my_stay"))
    form = CancelForm()
    form.fee.data = rule.fee
    return render_template("guest/cancel.html", line=line, rule=rule, form=form)


def _cancel(line_id: int):
    _cancellable_line(line_id)
    form = CancelForm()
    if not form.validate_on_submit():
        if form.errors.get("csrf_token"):
            abort(400)
        # Not confirmed (an old page, a double tap on My stay): show what cancelling costs first.
        return redirect(url_for("guest.cancel", line_id=line_id))
    with attempt(catching=(NotAllowed,)) as refused:
        line = cancellations.cancel_line(g.stay, line_id, agreed_fee=form.fee.data)
    if isinstance(refused.error, cancellations.TermsChanged):
        return redirect(url_for("guest.cancel", line_id=line_id))
    if refused:
        return redirect(url_for("guest.my_stay"))
    flash(_("%(service)s is cancelled.", service=line.service.title), "success")
    return redirect(url_for("guest.my_stay"))
