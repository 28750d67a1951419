"""Feedback as it arrives: ratings, comments and recommendation scores, with the desk's replies."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.desk import bp
from app.desk.forms import ReplyForm
from app.models import StaffRole
from app.services import feedback, guest_requests
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff


@bp.get("/feedback")
@role_required(StaffRole.RECEPTIONIST)
def feedback_list():
    low_only = request.args.get("low") == "1"
    items = feedback.feedback_for_desk(g.hotel.id, low_only=low_only)
    return render_template(
        "desk/feedback.html",
        items=items,
        recoveries=guest_requests.open_recoveries(g.hotel.id, [item.id for item in items if not item.reply]),
        low_only=low_only,
        form=ReplyForm(),
    )


@bp.post("/feedback/<int:feedback_id>/reply")
@role_required(StaffRole.RECEPTIONIST)
def feedback_reply(feedback_id: int):
    form = ReplyForm()
    back = url_for("desk.feedback_list", _anchor=f"feedback-{feedback_id}")
    if not form.validate_on_submit():
        flash(_("Please write the reply first."), "error")
        return redirect(back)
    me = signed_in_staff()
    resolved = None
    with attempt(missing_is_404=True) as refused:
        if form.resolve.data:
            resolved = feedback.reply_and_resolve(g.hotel.id, feedback_id, me, form.text.data)
        else:
            feedback.reply(g.hotel.id, feedback_id, me, form.text.data)
    if not refused:
        if resolved is not None:
            flash(_("Reply sent and the service-recovery request is done."), "success")
        else:
            flash(_("Reply sent. The guest sees it on My stay."), "success")
    return redirect(back)
