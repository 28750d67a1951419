"""Manager views: the folio export runs, as a page and as CSV."""

from __future__ import annotations

from flask import abort, g, redirect, render_template, request, url_for
from sqlalchemy import select

from app.extensions import db
from app.manage import bp
from app.models import FolioExport, StaffRole
from app.services import folio
from app.web.downloads import csv_response
from app.web.fields import row_id
from app.web.forms import PlainForm
from app.web.roles import load_staff_hotel, role_required

MANAGER = StaffRole.MANAGER


bp.before_request(load_staff_hotel)


@bp.get("/folio")
@role_required(MANAGER)
def folio_runs():
    runs = db.session.scalars(
        select(FolioExport)
        .where(FolioExport.hotel_id == g.hotel.id)
        .order_by(FolioExport.id.desc())
        .limit(100)
    ).all()
    return render_template("manage/folio.html", runs=runs, form=PlainForm(), lines_of=folio.run_lines)


@bp.post("/folio/exports")
@role_required(MANAGER)
def folio_export():
    if not PlainForm().validate_on_submit():
        abort(400)
    run = folio.new_export(g.hotel)
    return redirect(url_for("manage.folio_csv", run=run.id))


@bp.get("/folio.csv")
@role_required(MANAGER)
def folio_csv():
    """One export run as CSV (``?run=N``); without a run, the lines no run has exported yet, unclaimed."""
    run_id = request.args.get("run", type=row_id)
    if run_id is None:
        lines, name = folio.unexported_lines(g.hotel), "not-yet-exported"
    else:
        run = folio.export_run(g.hotel, run_id) or abort(404)
        lines, name = folio.run_lines(run), str(run.id)
    return csv_response(f"folio-{g.hotel.slug}-{name}.csv", *folio.csv_table(lines))
