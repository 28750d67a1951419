"""The hotel's face: how its guest pages and emails look and what they say about it."""

from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.manage import bp
from app.manage.face_forms import FACE_TEXTS, face_form
from app.models import StaffRole
from app.services import hotel_face
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.roles import role_required
from app.web.templating import language_name


def _languages() -> list[str]:
    return list(current_app.config["LANGUAGES"])


def _tab_locales() -> list[str]:
    """The hotel's enabled languages, in the deployment's order: a tab each for the name and rules."""
    return [code for code in _languages() if code in g.hotel.enabled_locales]


def _form():
    form = face_form(_tab_locales())()
    choices = [SelectChoice(code, language_name(code)) for code in _languages()]
    form.enabled_locales.choices = choices
    form.default_locale.choices = choices
    if request.method == "GET":
        hotel = g.hotel
        for name in ("brand_color", "accent_color", "default_locale", "currency", "timezone"):
            form[name].data = getattr(hotel, name)
        form.enabled_locales.data = list(hotel.enabled_locales)
        form.contact_email.data, form.contact_phone.data = hotel.contact_email, hotel.contact_phone
        form.address.data = hotel.address
        form.hosts.data = "\n".join(each.host for each in hotel.hosts)
        for locale in _tab_locales():
            form[f"name_{locale}"].data = hotel.name.as_dict().get(locale, "")
            form[f"house_rules_{locale}"].data = hotel.house_rules.as_dict().get(locale, "")
    return form


def _face(form) -> hotel_face.Face:
    texts = {name: dict(getattr(g.hotel, name).as_dict()) for name in FACE_TEXTS}
    for locale in _tab_locales():  # languages without a tab keep what they had
        for name in FACE_TEXTS:
            texts[name][locale] = form[f"{name}_{locale}"].data or ""
    return hotel_face.Face(
        name=texts["name"],
        house_rules=texts["house_rules"],
        brand_color=(form.brand_color.data or "").lower(),
        accent_color=(form.accent_color.data or "").lower(),
        enabled_locales=list(form.enabled_locales.data or []),
        default_locale=form.default_locale.data or "",
        currency=(form.currency.data or "").strip().upper(),
        timezone=(form.timezone.data or "").strip(),
        contact_email=(form.contact_email.data or "").strip(),
        contact_phone=form.contact_phone.data or "",
        address=form.address.data or "",
        hosts=hotel_face.parse_hosts(form.hosts.data or ""),
    )


def _page(form, status: int = 200):
    missing = {
        locale: [name for name in FACE_TEXTS if not (form[f"{name}_{locale}"].data or "").strip()]
        for locale in _tab_locales()
    }
    return render_template(
        "manage/hotel.html",
        form=form,
        locales=_tab_locales(),
        fields=FACE_TEXTS,
        missing=missing,
        logo_form=PlainForm(formdata=None),
    ), status


@bp.route("/hotel", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def hotel_page():
    form = _form()
    if request.method == "GET":
        return _page(form)
    if not form.validate_on_submit():
        return _page(form, 400)
    with attempt() as refused:
        hotel_face.save_face(g.hotel, _face(form), _languages())
    if refused:
        for name, message in getattr(refused.error, "problems", {}).items():
            if name in form:
                form[name].errors = [*form[name].errors, message]
        return _page(form, refused.status)
    flash(_("Saved. Guests see the new look on their next page."), "success")
    return redirect(url_for("manage.hotel_page"))


@bp.post("/hotel/logo")
@role_required(StaffRole.MANAGER)
def hotel_logo():
    upload = request.files.get("logo")
    if not PlainForm().validate_on_submit() or upload is None or not upload.filename:
        flash(_("Please choose a logo to upload."), "error")
        return redirect(url_for("manage.hotel_page"))
    with attempt() as refused:
        hotel_face.set_logo(g.hotel, upload.stream)
    if not refused:
        flash(_("Logo saved."), "success")
    return redirect(url_for("manage.hotel_page", _anchor="logo"))


@bp.post("/hotel/logo/remove")
@role_required(StaffRole.MANAGER)
def hotel_logo_remove():
    if PlainForm().validate_on_submit():
        hotel_face.remove_logo(g.hotel)
        flash(_("Logo removed."), "success")
    return redirect(url_for("manage.hotel_page", _anchor="logo"))
