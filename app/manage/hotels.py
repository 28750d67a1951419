"""Opening a hotel, and copying this hotel's catalog into another hotel of its group."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.manage import bp
from app.manage.forms import CopyCatalogForm, NewHotelForm
from app.models import Hotel, HotelGroup, StaffRole
from app.services import catalog_copy, hotel_setup
from app.services.errors import LobbyError
from app.web.roles import role_required, signed_in_staff
from app.web.templating import language_name


@bp.route("/hotels/new", methods=["GET", "POST"])
@role_required(StaffRole.ADMIN)
def hotel_new():
    """For a member of the group's office (the hotel joins the group) or the hotel's admin."""
    if not hotel_setup.may_create_hotel(current_user, g.hotel):
        abort(403)
    group = db.session.get(HotelGroup, current_user.group_id) if current_user.group_id else None
    form = NewHotelForm()
    offered = hotel_setup.languages_offered()
    form.languages.choices = [SelectChoice(code, language_name(code)) for code in offered]
    form.default_locale.choices = [SelectChoice(code, language_name(code)) for code in offered]
    if request.method == "GET":
        form.languages.data = [g.hotel.default_locale]
        form.default_locale.data = g.hotel.default_locale
    status = 200
    if form.validate_on_submit():
        new = hotel_setup.NewHotel(
            form.slug.data,
            form.name.data,
            form.currency.data,
            form.timezone.data,
            form.languages.data,
            form.default_locale.data,
        )
        try:
            hotel = hotel_setup.create_hotel(new, admin=signed_in_staff(), group=group)
        except hotel_setup.SetupError as error:
            getattr(form, error.field).errors.append(str(error.message))
            status = error.status
        else:
            flash(
                _(
                    "%(name)s is open: you are its admin. Copy a catalog into it or build one, "
                    "then add its rooms.",
                    name=hotel.name.localize(hotel.default_locale),
                ),
                "success",
            )
            return redirect(url_for("manage.catalog_copy_page" if group else "manage.catalog"))
    elif request.method == "POST":
        status = 400
    return render_template("manage/hotel_new.html", form=form, group=group), status


@bp.route("/catalog/copy", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def catalog_copy_page():
    """This hotel's catalog into another hotel of the group where the staff member may manage both."""
    form = CopyCatalogForm()
    targets = catalog_copy.copy_targets(current_user, g.hotel)
    form.target.choices = [SelectChoice(hotel.id, str(hotel.name)) for hotel in targets]
    status, report, copied_to = 200, None, None
    if form.validate_on_submit():
        target = db.session.scalar(select(Hotel).where(Hotel.id == form.target.data))
        if target is None or not catalog_copy.may_copy(current_user, g.hotel, target):
            abort(403)
        try:
            report = catalog_copy.copy_catalog(g.hotel, target)
            copied_to = target
        except LobbyError as error:
            form.target.errors.append(str(error.message))
            status = error.status
    elif request.method == "POST":
        status = 400
    return render_template(
        "manage/catalog_copy.html", form=form, targets=targets, report=report, copied_to=copied_to
    ), status
