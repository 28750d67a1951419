"""SLA targets: how fast each kind of request must be acknowledged and resolved."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.manage import bp
from app.manage.forms import with_sla_fields
from app.models import RequestKind, StaffRole
from app.services import guest_requests
from app.web.operations import attempt
from app.web.roles import role_required


@bp.route("/sla", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def sla():
    form = with_sla_fields(RequestKind)(obj=g.hotel if request.method == "GET" else None)
    if request.method == "GET":
        for kind, (ack, resolve) in guest_requests.sla_table(g.hotel).items():
            form[f"ack_{kind.value}"].data, form[f"resolve_{kind.value}"].data = ack, resolve
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            minutes = {
                kind: (form[f"ack_{kind.value}"].data, form[f"resolve_{kind.value}"].data)
                for kind in RequestKind
            }
            with attempt() as refused:
                guest_requests.save_sla(
                    g.hotel, minutes, form.silver_sla_percent.data, form.gold_sla_percent.data
                )
            if refused:
                status = refused.status
            else:
                flash(_("Saved. New requests get these times."), "success")
                return redirect(url_for("manage.sla"))
        else:
            status = 400
    return render_template("manage/sla.html", form=form, kinds=list(RequestKind)), status
