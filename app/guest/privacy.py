"""A guest's data: the hotel's privacy page, the guest's own data (readable and JSON), marketing
emails yes or no, and asking for erasure."""

from __future__ import annotations

import json

from flask import Response, abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from app.guest import bp
from app.guest.access import guest_required
from app.services import consent, guest_data
from app.web.forms import PlainForm
from app.web.operations import attempt


@bp.get("/privacy")
def privacy():
    """How the hotel handles guests' data, from its own settings; open to anyone, signed in or not."""
    if g.hotel is None:
        abort(404)
    return render_template("guest/privacy.html", privacy_hotel=g.hotel)


@bp.get("/stay/data")
@guest_required
def my_data():
    """Everything Lobby holds about the stay, as a page to read or print."""
    return render_template("guest/my_data.html", data=guest_data.collect(g.stay))


@bp.get("/stay/data.json")
@guest_required
def my_data_json():
    body = json.dumps(guest_data.export_stay(g.stay), ensure_ascii=False, indent=2)
    return Response(
        body.encode("utf-8"),
        mimetype="application/json",
        headers={
            "Content-Disposition": f'attachment; filename="my-stay-{g.hotel.slug}.json"',
            "Cache-Control": "no-store",
        },
    )


@bp.post("/stay/marketing")
@guest_required
def marketing():
    answer = request.form.get("given")
    if not PlainForm().validate_on_submit() or answer not in ("yes", "no"):
        abort(400)
    consent.record_consent(g.stay, answer == "yes", "my_stay")
    if answer == "yes":
        flash(_("Thank you: we will send you offers by email."), "success")
    else:
        flash(_("Done: we will not send you offers by email."), "success")
    return redirect(url_for("guest.my_stay", _anchor="your-data"))


@bp.route("/stay/erase", methods=["GET", "POST"])
@guest_required
def erase():
    """A step of its own that says what goes and what stays before the request is sent."""
    form = PlainForm()
    pending = guest_data.open_erasure(g.stay)
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        with attempt() as refused:
            guest_data.request_erasure(g.stay)
        if not refused:
            flash(_("Your request is with the desk. You can follow it on My stay."), "success")
            return redirect(url_for("guest.my_stay"))
        return render_template("guest/erase.html", form=form, pending=pending), refused.status
    return render_template("guest/erase.html", form=form, pending=pending)
