"""Arrivals import: the desk uploads the arrivals list (CSV or Excel) when the PMS is not connected."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from wtforms import FileField

from app.desk import bp
from app.models import StaffRole
from app.services import arrival_imports
from app.services.errors import LobbyError
from app.web.downloads import csv_response
from app.web.forms import LobbyForm
from app.web.operations import attempt
from app.web.roles import role_required, signed_in_staff

RECEPTIONIST = StaffRole.RECEPTIONIST


class ArrivalsFileForm(LobbyForm):
    arrivals = FileField(_l("Arrivals file (CSV or Excel .xlsx)"))


def _page(form: ArrivalsFileForm | None = None, status: int = 200):
    return (
        render_template(
            "desk/arrivals.html",
            form=form or ArrivalsFileForm(),
            imports=arrival_imports.hotel_imports(g.hotel.id),
            max_rows=arrival_imports.MAX_ROWS,
            max_mb=arrival_imports.MAX_BYTES // (1024 * 1024),
            columns=arrival_imports.COLUMNS,
            required=arrival_imports.REQUIRED,
        ),
        status,
    )


@bp.get("/arrivals")
@role_required(RECEPTIONIST)
def arrivals():
    return _page()


@bp.post("/arrivals")
@role_required(RECEPTIONIST)
def arrivals_upload():
    form = ArrivalsFileForm()
    if not form.validate_on_submit():
        return _page(form, 400)
    upload = form.arrivals.data
    if upload is None or not getattr(upload, "filename", ""):
        form.arrivals.errors = [_("Please choose the arrivals file to upload.")]
        return _page(form, 400)
    # One byte past the limit is enough to know the file is too large.
    try:
        data = upload.stream.read(arrival_imports.MAX_BYTES + 1)
    finally:
        upload.close()  # a large upload is a temporary file: let it go now
    with attempt(form.arrivals) as refused:
        record, ignored = arrival_imports.import_arrivals(g.hotel, upload.filename, data, signed_in_staff())
    if refused:
        return _page(form, refused.status)
    if ignored:
        flash(
            ngettext(
                "This column was not read: %(columns)s.",
                "These columns were not read: %(columns)s.",
                len(ignored),
                columns=", ".join(ignored),
            ),
            "info",
        )
    return redirect(url_for("desk.arrivals_report", import_id=record.id))


@bp.get("/arrivals/<int:import_id>")
@role_required(RECEPTIONIST)
def arrivals_report(import_id: int):
    try:
        record = arrival_imports.hotel_import(g.hotel.id, import_id)
    except LobbyError as error:
        abort(error.status)
    return render_template("desk/arrivals_report.html", record=record)


@bp.get("/arrivals/template.csv")
@role_required(RECEPTIONIST)
def arrivals_template():
    return csv_response(
        "arrivals-template.csv", arrival_imports.TEMPLATE_HEADER, arrival_imports.TEMPLATE_ROWS
    )
