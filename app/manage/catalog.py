"""The catalog editor: every service and package, each text in each language, prices and rules."""

from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from wtforms import SelectChoice

from app.extensions import db
from app.manage import bp
from app.manage.forms import PRICES, NewPackageForm, NewServiceForm, PackageForm, ServiceForm, with_texts
from app.models import Package, ResourcePool, Service, ServiceKind, StaffRole
from app.services import catalog_admin, photos
from app.services.catalog_admin import PACKAGE_TEXTS, SERVICE_TEXTS
from app.services.errors import LobbyError
from app.web.errors import render_error
from app.web.forms import PlainForm
from app.web.locale import money
from app.web.operations import attempt
from app.web.roles import load_staff_hotel, role_required

MANAGER = StaffRole.MANAGER


@bp.get("/catalog")
@role_required(MANAGER)
def catalog():
    locales = g.hotel.enabled_locales
    return render_template(
        "manage/catalog.html",
        coverage=catalog_admin.catalog_coverage(g.hotel),
        packages=catalog_admin.packages_of(g.hotel.id),
        services=catalog_admin.services_of(g.hotel.id),
        archived_packages=catalog_admin.archived_packages(g.hotel.id),
        archived_services=catalog_admin.archived_services(g.hotel.id),
        plain_form=PlainForm(),
        missing=lambda item, fields: catalog_admin.missing_texts(item, fields, locales),
        service_texts=SERVICE_TEXTS,
        package_texts=PACKAGE_TEXTS,
    )


def _fill_texts(form, item, fields) -> None:
    for locale in g.hotel.enabled_locales:
        for name in fields:
            getattr(form, f"{name}_{locale}").data = getattr(item, name).as_dict().get(locale, "")


def _typed_texts(form, fields) -> dict[str, dict[str, str]]:
    return {
        name: {locale: getattr(form, f"{name}_{locale}").data or "" for locale in g.hotel.enabled_locales}
        for name in fields
    }


def _settings(form) -> catalog_admin.ServiceSettings:
    return catalog_admin.ServiceSettings(
        **{name: getattr(form, name).data or 0 for name in PRICES},
        free_under_age=form.free_under_age.data,
        min_age=form.min_age.data,
        max_age=form.max_age.data,
        duration_minutes=form.duration_minutes.data,
        lead_time_minutes=form.lead_time_minutes.data,
        cancel_window_hours=form.cancel_window_hours.data,
        late_cancel_fee_percent=form.late_cancel_fee_percent.data,
        needs_approval=bool(form.needs_approval.data),
        active=bool(form.active.data),
        position=form.position.data,
        pinned=bool(form.pinned.data),
        tags=tuple(form.tags.data or ()),
    )


def _price_changes(form, service: Service | None) -> list[str]:
    """Each price the form changes, to confirm: "Price per adult: ₫350,000 (was ₫300,000)"."""
    currency, lines = g.hotel.currency, []
    for name in PRICES:
        new, old = getattr(form, name).data or 0, getattr(service, name) if service else 0
        if new == old:
            continue
        label = getattr(form, name).label.text
        if service is None:
            lines.append(_("%(label)s: %(new)s", label=label, new=money(new, currency)))
        else:
            lines.append(
                _(
                    "%(label)s: %(new)s (was %(old)s)",
                    label=label,
                    new=money(new, currency),
                    old=money(old, currency),
                )
            )
    return lines


def _prices_token(form) -> str:
    """The prices a confirmation was shown for; saving needs these same prices read again from the form."""
    return ";".join(f"{name}={getattr(form, name).data or 0}" for name in PRICES)


def _unconfirmed_prices(form, service: Service | None) -> list[str]:
    """The price changes still to confirm (none once the confirm button was pressed for these very prices)."""
    if request.form.get("confirm_prices") == _prices_token(form):
        return []
    return _price_changes(form, service)


def _editor_page(template: str, form, item, fields, status: int = 200, **extra):
    """A service's or a package's edit page (``item`` is None while creating one)."""
    locales = g.hotel.enabled_locales
    return render_template(
        template,
        form=form,
        locales=locales,
        fields=fields,
        missing=catalog_admin.missing_texts(item, fields, locales) if item else {},
        **extra,
    ), status


def _service_page(form, service, status: int = 200, confirm_prices=(), photo_error: str | None = None):
    return _editor_page(
        "manage/service.html",
        form,
        service,
        SERVICE_TEXTS,
        status,
        service=service,
        # Only for their CSRF tokens: never read the posted body (it may be one refused as too large).
        photo_form=PlainForm(formdata=None),
        plain_form=PlainForm(formdata=None),
        photo_error=photo_error,
        confirm_prices=list(confirm_prices),
        prices_token=_prices_token(form) if confirm_prices else "",
    )


def _fill_stored(form, service) -> None:
    """The editor's fields as the service is stored (texts in every language; prices in minor units,
    which the money fields show the way the manager's language writes them)."""
    _fill_texts(form, service, SERVICE_TEXTS)
    for name in PRICES:
        getattr(form, name).data = getattr(service, name)


@bp.route("/services/<int:service_id>", methods=["GET", "POST"])
@role_required(MANAGER)
def service_edit(service_id: int):
    service = catalog_admin.hotel_service(g.hotel.id, service_id)
    form = with_texts(ServiceForm, SERVICE_TEXTS, g.hotel.enabled_locales)(
        obj=service if request.method == "GET" else None
    )
    if request.method == "GET":
        _fill_stored(form, service)
    elif form.validate_on_submit():
        if changes := _unconfirmed_prices(form, service):
            return _service_page(form, service, confirm_prices=changes)
        return _service_saved(form, service, service)
    else:
        return _service_page(form, service, 400)
    return _service_page(form, service)


@bp.route("/services/new", methods=["GET", "POST"])
@role_required(MANAGER)
def service_new():
    form = with_texts(NewServiceForm, SERVICE_TEXTS, g.hotel.enabled_locales)()
    kind_labels = {
        "slot": _("Timed activity"),
        "rental": _("Rental per day"),
        "amenity": _("Free item"),
        "ticket": _("Event ticket"),
    }
    form.kind.choices = [SelectChoice(kind.value, kind_labels[kind.value]) for kind in ServiceKind]
    pools = db.session.scalars(select(ResourcePool).where(ResourcePool.hotel_id == g.hotel.id)).all()
    form.pool.choices = [SelectChoice(pool.id, str(pool.name)) for pool in pools]
    if request.method == "GET":
        form.active.data, form.position.data = False, 1000
        form.duration_minutes.data, form.lead_time_minutes.data, form.cancel_window_hours.data = 60, 60, 24
        return _service_page(form, None)
    if not form.validate_on_submit():
        return _service_page(form, None, 400)
    if _code_taken(Service, form.code.data):
        flash(_("There is already a service with that code."), "error")
        return _service_page(form, None, 409)
    if changes := _unconfirmed_prices(form, None):
        return _service_page(form, None, confirm_prices=changes)
    service = Service(
        hotel_id=g.hotel.id, code=form.code.data, kind=ServiceKind(form.kind.data), pool_id=form.pool.data
    )
    return _service_saved(form, service, None)


def _service_saved(form, service: Service, shown: Service | None):
    """Save the service from the form (``shown`` is None while it is new): its editor, or the form again."""
    with attempt() as refused:
        catalog_admin.save_service(service, g.hotel, _typed_texts(form, SERVICE_TEXTS), _settings(form))
    if refused:
        return _service_page(form, shown, refused.status)
    flash(_("Saved."), "success")
    return redirect(url_for("manage.service_edit", service_id=service.id))


def _package_saved(form, package: Package, shown: Package | None):
    """Save the package from the form (``shown`` is None while it is new): its editor, or the form again."""
    with attempt() as refused:
        catalog_admin.save_package(
            package, g.hotel, _typed_texts(form, PACKAGE_TEXTS), **_package_settings(form)
        )
    if refused:
        return _package_page(form, shown, refused.status)
    flash(_("Saved."), "success")
    return redirect(url_for("manage.package_edit", package_id=package.id))


def _code_taken(model: type[Service] | type[Package], code: str) -> bool:
    """Whether this hotel already has a service (or package) with this code: codes are unique per hotel."""
    return bool(db.session.scalar(select(model.id).where(model.hotel_id == g.hotel.id, model.code == code)))


def _service_choices() -> list[SelectChoice]:
    return [SelectChoice(service.id, str(service.title)) for service in catalog_admin.services_of(g.hotel.id)]


def _package_page(form, package, status: int = 200):
    return _editor_page(
        "manage/package.html", form, package, PACKAGE_TEXTS, status, package=package, plain_form=PlainForm()
    )


def _package_settings(form) -> dict:
    return {
        "active": bool(form.active.data),
        "position": form.position.data,
        "bundle_size": form.bundle_size.data,
        "bundle_percent": form.bundle_percent.data,
        "service_ids": form.services.data or [],
    }


@bp.route("/packages/new", methods=["GET", "POST"])
@role_required(MANAGER)
def package_new():
    form = with_texts(NewPackageForm, PACKAGE_TEXTS, g.hotel.enabled_locales)()
    form.services.choices = _service_choices()
    if request.method == "GET":
        form.position.data, form.bundle_percent.data = 100, 0
        return _package_page(form, None)
    if not form.validate_on_submit():
        return _package_page(form, None, 400)
    if _code_taken(Package, form.code.data):
        flash(_("There is already a package with that code."), "error")
        return _package_page(form, None, 409)
    package = Package(hotel_id=g.hotel.id, code=form.code.data, audience="other")
    return _package_saved(form, package, None)


@bp.route("/packages/<int:package_id>", methods=["GET", "POST"])
@role_required(MANAGER)
def package_edit(package_id: int):
    package = catalog_admin.hotel_package(g.hotel.id, package_id)
    form = with_texts(PackageForm, PACKAGE_TEXTS, g.hotel.enabled_locales)(
        obj=package if request.method == "GET" else None
    )
    form.services.choices = _service_choices()
    if request.method == "GET":
        _fill_texts(form, package, PACKAGE_TEXTS)
        form.services.data = [service.id for service in package.services]
        return _package_page(form, package)
    if not form.validate_on_submit():
        return _package_page(form, package, 400)
    return _package_saved(form, package, package)


@bp.post("/services/<int:service_id>/photos")
@role_required(MANAGER)
def photo_add(service_id: int):
    service = catalog_admin.hotel_service(g.hotel.id, service_id)
    upload = request.files.get("photo")
    if not PlainForm().validate_on_submit() or upload is None or not upload.filename:
        flash(_("Please choose a photo to upload."), "error")
        return redirect(url_for("manage.service_edit", service_id=service.id))
    with attempt() as refused:
        photos.add_photo(service, upload.stream)
    if not refused:
        flash(_("Photo added."), "success")
    return redirect(url_for("manage.service_edit", service_id=service.id))


@bp.errorhandler(413)
def upload_too_large(error):
    """A photo over the request limit: the editor again, saying the limit, not a bare error page.

    The body is refused before any view runs (reading the form for its CSRF token raises
    it), so the role check and the hotel are done here.
    """
    if request.endpoint != "manage.photo_add":
        return render_error(413)
    if not current_user.is_authenticated:
        return render_error(403)
    load_staff_hotel()
    if g.staff_role is None or not g.staff_role.allows(MANAGER):
        return render_error(403)
    try:
        service = catalog_admin.hotel_service(g.hotel.id, request.view_args["service_id"])
    except LobbyError as error:
        return render_error(error.status, str(error.message))
    # formdata=None: the refused body must not be read again.
    form = with_texts(ServiceForm, SERVICE_TEXTS, g.hotel.enabled_locales)(formdata=None, obj=service)
    _fill_stored(form, service)
    limit = current_app.config["MAX_CONTENT_LENGTH"] // (1024 * 1024)
    message = _(
        "That photo is too large: the limit is %(limit)d MB. Please choose a smaller one.", limit=limit
    )
    return _service_page(form, service, 413, photo_error=message)


@bp.post("/services/<int:service_id>/photos/<int:photo_id>/delete")
@role_required(MANAGER)
def photo_delete(service_id: int, photo_id: int):
    service = catalog_admin.hotel_service(g.hotel.id, service_id)
    if not PlainForm().validate_on_submit():
        abort(400)
    photos.remove_photo(service, photo_id)
    flash(_("Photo removed."), "success")
    return redirect(url_for("manage.service_edit", service_id=service.id))


STEPS = {"up": -1, "down": 1}


def _plain_post() -> None:
    """A one-button form: only its CSRF token to check."""
    if not PlainForm().validate_on_submit():
        abort(400)


def _step() -> int:
    """The direction of an up/down button; anything else is a bad request."""
    _plain_post()
    if request.form.get("direction") not in STEPS:
        abort(400)
    return STEPS[request.form["direction"]]


@bp.post("/services/<int:service_id>/photos/<int:photo_id>/move")
@role_required(MANAGER)
def photo_move(service_id: int, photo_id: int):
    service = catalog_admin.hotel_service(g.hotel.id, service_id)
    photos.move_photo(service, photo_id, _step())
    return redirect(url_for("manage.service_edit", service_id=service.id, _anchor="photos"))


def _catalog_item(package_id: int | None, service_id: int | None) -> Package | Service:
    """The package or the service a catalog button names (views registered for both get one id)."""
    if package_id is not None:
        return catalog_admin.hotel_package(g.hotel.id, package_id)
    return catalog_admin.hotel_service(g.hotel.id, service_id)


@bp.post("/packages/<int:package_id>/move", endpoint="package_move")
@bp.post("/services/<int:service_id>/move", endpoint="service_move")
@role_required(MANAGER)
def catalog_move(package_id: int | None = None, service_id: int | None = None):
    """Up or down in the catalog's list of packages or of services; an archived item has no place in it."""
    item = _catalog_item(package_id, service_id)
    step = _step()
    if item.archived:
        abort(404)
    if isinstance(item, Package):
        catalog_admin.move_package(item, step)
        return redirect(url_for("manage.catalog", _anchor="packages"))
    catalog_admin.move_service(item, step)
    return redirect(url_for("manage.catalog", _anchor="services"))


@bp.post("/packages/<int:package_id>/services/<int:service_id>/move")
@role_required(MANAGER)
def package_service_move(package_id: int, service_id: int):
    package = catalog_admin.hotel_package(g.hotel.id, package_id)
    catalog_admin.move_in_package(package, service_id, _step())
    return redirect(url_for("manage.package_edit", package_id=package.id, _anchor="order"))


# Archive and restore, for packages and services alike: one view under the four addresses and
# endpoint names the pages use; ``defaults`` tells it which button was pressed.
@bp.post("/packages/<int:package_id>/archive", endpoint="package_archive", defaults={"action": "archive"})
@bp.post("/packages/<int:package_id>/restore", endpoint="package_restore", defaults={"action": "restore"})
@bp.post("/services/<int:service_id>/archive", endpoint="service_archive", defaults={"action": "archive"})
@bp.post("/services/<int:service_id>/restore", endpoint="service_restore", defaults={"action": "restore"})
@role_required(MANAGER)
def archive_or_restore(action: str, package_id: int | None = None, service_id: int | None = None):
    item = _catalog_item(package_id, service_id)
    _plain_post()
    if action == "archive":
        catalog_admin.archive(item)
        flash(_archived_message(item), "success")
        return redirect(url_for("manage.catalog"))
    catalog_admin.restore(item)
    flash(_restored_message(item), "success")
    if isinstance(item, Package):
        return redirect(url_for("manage.package_edit", package_id=item.id))
    return redirect(url_for("manage.service_edit", service_id=item.id))


def _archived_message(item: Package | Service) -> str:
    if isinstance(item, Service):
        return _("Archived. Guests and the desk no longer see %(name)s.", name=item.title)
    return _("Archived. Guests no longer see %(name)s.", name=item.title)


def _restored_message(item: Package | Service) -> str:
    """A restored item is still off sale (``catalog_admin.restore``): the message says where to change it."""
    if isinstance(item, Service):
        return _("Restored. It stays paused until you put it on sale below.")
    return _("Restored. It stays hidden until you show it to guests below.")
