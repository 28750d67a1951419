"""Where the links in guest emails land: open the stay, answer the thank-you, unsubscribe."""

from __future__ import annotations

from datetime import timedelta

from flask import flash, g, redirect, render_template, session, url_for
from flask_babel import force_locale
from flask_babel import gettext as _

from app import clock
from app.extensions import csrf, limiter
from app.guest import bp
from app.guest.access import sign_in
from app.guest.forms import RecommendForm
from app.guest.routes import link_limit, link_refused, sign_in_link_refused
from app.models import Stay
from app.services import feedback, messages, signed_links
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.redirects import safe_next


def _stay_language(stay: Stay) -> str:
    """The stay's language, unless the guest picked another on this phone."""
    chosen = session.get("lang")
    return chosen if chosen in g.hotel.enabled_locales else messages.email_locale(stay, g.hotel)


def _of_this_site(stay: Stay) -> bool:
    """An email's link opens only on its hotel's site: another hotel's is as unknown as a forged one."""
    return g.hotel is not None and stay.hotel_id == g.hotel.id


@bp.get("/e/<token>")
@limiter.limit(link_limit)
def email_link(token: str):
    """Sign the guest in from an email and open the page the email pointed at."""
    opened = signed_links.read_open_token(token, clock.now())
    if opened is None or not _of_this_site(opened[0]):
        return sign_in_link_refused()
    stay, path = opened
    sign_in(stay)
    return redirect(safe_next(path, url_for("guest.home")))


@bp.route("/e/feedback/<token>", methods=["GET", "POST"])
@limiter.limit(link_limit)
def email_feedback(token: str):
    """The thank-you email's question, answerable without signing in (the guest may have checked out)."""
    stay = signed_links.read_feedback_token(token, clock.now())
    if stay is None or not _of_this_site(stay):
        return link_refused(_("This link is not valid any more."))
    g.hotel = stay.hotel
    today = g.hotel.today()
    if stay.checked_out_at is not None:
        # Left early: the stay is over, so the end-of-stay question is open as on its last day.
        today = max(today, stay.departure - timedelta(days=1))
    with force_locale(_stay_language(stay)):
        form = RecommendForm(prefix="nps")
        status = 200
        if form.is_submitted():
            if form.validate():
                with attempt() as refused:
                    feedback.recommend(stay, form.score.data, form.comment.data or "", today)
                if refused:
                    status = refused.status
                else:
                    flash(_("Thank you for telling us!"), "success")
                    return redirect(url_for("guest.email_feedback", token=token))
            else:
                status = 400
        return render_template(
            "guest/email_feedback.html",
            form=form,
            guest_stay=stay,
            due=feedback.recommendation_due(stay, today),
        ), status


def _unsubscribe_target(token: str) -> Stay | None:
    stay = signed_links.read_unsubscribe_token(token)
    if stay is None or not _of_this_site(stay):
        return None
    g.hotel = stay.hotel
    return stay


@bp.route("/e/unsubscribe/<token>", methods=["GET", "POST"])
@limiter.limit(link_limit)
def unsubscribe(token: str):
    """A page with one button, so a mail scanner following the link does not unsubscribe anyone."""
    stay = _unsubscribe_target(token)
    if stay is None:
        return link_refused(_("This link is not valid any more."))
    with force_locale(_stay_language(stay)):
        form = PlainForm()
        if form.is_submitted():
            if not form.validate():
                return render_template("guest/unsubscribe.html", form=form, guest_stay=stay), 400
            messages.unsubscribe(stay, clock.now())
        return render_template("guest/unsubscribe.html", form=form, guest_stay=stay)


# RFC 8058 one-click: the mail client POSTs "List-Unsubscribe=One-Click" here with no cookies and no
# page, so there can be no CSRF token. CSRF protects a signed-in session from forged requests; this
# endpoint uses no session at all, and the signed token in the URL is the proof of who is asking.
@bp.post("/e/unsubscribe/<token>/one-click")
@csrf.exempt
@limiter.limit(link_limit)
def unsubscribe_one_click(token: str):
    stay = _unsubscribe_target(token)
    if stay is None:
        return link_refused(_("This link is not valid any more."))
    messages.unsubscribe(stay, clock.now())
    return "", 204
