"""Feedback as it arrives: ratings, comments and recommendation scores, with the desk's replies."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app.auth.roles import role_required
from app.desk import bp
from app.desk.forms import ReplyForm
from app.models import StaffRole
from app.services import feedback
from app.services.errors import LobbyError


@bp.get("/feedback")
@role_required(StaffRole.RECEPTIONIST)
def feedback_list():
    low_only = request.args.get("low") == "1"
    return render_template(
        "desk/feedback.html",
        items=feedback.feedback_for_desk(g.hotel.id, low_only=low_only),
        low_only=low_only,
        form=ReplyForm(),
    )


@bp.post("/feedback/<int:feedback_id>/reply")
@role_required(StaffRole.RECEPTIONIST)
def feedback_reply(feedback_id: int):
    form = ReplyForm()
    if not form.validate_on_submit():
        flash(_("Please write the reply first."), "error")
        return redirect(url_for("desk.feedback_list"))
    try:
        feedback.reply(g.hotel.id, feedback_id, current_user._get_current_object(), form.text.data)
    except LobbyError as error:
        if error.status == 404:
            abort(404)
        flash(str(error.message), "error")
    else:
        flash(_("Reply sent. The guest sees it on My stay."), "success")
    return redirect(url_for("desk.feedback_list"))
