"""Staff sign-in and sign-out."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user
from wtforms import SelectChoice

from app.auth import bp, sessions
from app.auth.forms import StaffSignInForm
from app.extensions import limiter
from app.models import StaffRole
from app.services import staff_access, staff_accounts
from app.web.forms import LanguageForm, PlainForm
from app.web.locale import enabled_locales
from app.web.redirects import safe_next
from app.web.roles import CHOSEN_HOTEL, signed_in_staff
from app.web.sessions import fresh_session


def _account_and_address() -> str:
    email = staff_accounts.normalize_email(request.form.get("email", ""))
    return f"staff-signin:{email}:{request.remote_addr}"


def _signin_limit() -> str:
    return current_app.config["STAFF_SIGNIN_LIMIT"]


@bp.route("/signin", methods=["GET", "POST"])
@limiter.limit(
    _signin_limit,
    key_func=_account_and_address,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 401,  # only failures count
)
def signin():
    form = StaffSignInForm()
    status = 200
    if form.validate_on_submit():
        user = staff_accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            fresh_session()  # a new session at sign-in, nothing carried over
            login_user(user)
            sessions.start()
            return redirect(safe_next(request.args.get("next"), url_for("desk.queue")))
        flash(_("That email and password do not match an active account."), "error")
        status = 401
    elif request.method == "POST":
        status = 400
    return render_template("auth/signin.html", form=form), status


@bp.post("/signout")
def signout():
    if PlainForm().validate_on_submit() and current_user.is_authenticated:
        staff_accounts.end_all_sessions(signed_in_staff())
        logout_user()
        session.clear()
    return redirect(url_for("auth.signin"))


@bp.post("/language")
def language():
    """Staff pages follow the staff member's own language, kept on the account."""
    form = LanguageForm()
    form.lang.choices = [SelectChoice(code) for code in enabled_locales()]
    if form.validate_on_submit():
        if current_user.is_authenticated:
            staff_accounts.remember_language(signed_in_staff(), form.lang.data)
        else:
            session["lang"] = form.lang.data
    return redirect(safe_next(form.next.data, url_for("auth.signin")))


@bp.post("/hotel")
def switch_hotel():
    """The hotel switcher: work in another of one's hotels, kept in the session; never one not one's own."""
    if not current_user.is_authenticated:
        abort(401)
    if not PlainForm().validate_on_submit():
        abort(400)
    chosen = request.form.get("hotel", "")
    if not chosen.isdigit():
        abort(400)
    role = staff_access.choose_hotel(signed_in_staff(), int(chosen))  # 404 if not theirs
    session[CHOSEN_HOTEL] = int(chosen)
    # Back to the same part of the staff pages when the role there allows it, else the desk.
    if request.form.get("area") == "manage" and role.allows(StaffRole.MANAGER):
        return redirect(url_for("manage.home"))
    return redirect(url_for("desk.queue"))
