"""The hotel's room list: what check-in accepts. Managers add rooms and take them out of service."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext

from app.manage import bp
from app.manage.forms import RoomsForm
from app.models import StaffRole
from app.services import rooms
from app.services.errors import LobbyError
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.roles import role_required


@bp.route("/rooms", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def rooms_page():
    form = RoomsForm()
    status = 200
    if form.validate_on_submit():
        with attempt(form.numbers) as refused:
            added = rooms.add_rooms(g.hotel.id, rooms.parse_numbers(form.numbers.data))
        if refused:
            status = refused.status
        else:
            flash(ngettext("%(num)d room added.", "%(num)d rooms added.", added), "success")
            return redirect(url_for("manage.rooms_page"))
    elif request.method == "POST":
        status = 400
    return render_template(
        "manage/rooms.html", form=form, rooms=rooms.hotel_rooms(g.hotel.id), toggle_form=PlainForm()
    ), status


@bp.post("/rooms/<int:room_id>/active")
@role_required(StaffRole.MANAGER)
def room_active(room_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        room = rooms.set_active(g.hotel.id, room_id, request.form.get("active") == "1")
    except LobbyError as error:
        if error.status == 404:
            abort(404)
        raise
    if room.active:
        flash(_("Room %(room)s takes check-ins again.", room=room.number), "success")
    else:
        flash(
            _("Room %(room)s is out of service: check-in no longer accepts it.", room=room.number), "success"
        )
    return redirect(url_for("manage.rooms_page"))
