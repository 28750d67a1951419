"""Discount rules and promo codes: what brings guests back, within a cap the manager sets."""

from __future__ import annotations

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.manage import bp
from app.manage.forms import DiscountRulesForm, PromoCodeForm
from app.models import PromoKind, StaffRole
from app.services import discounts
from app.services.errors import LobbyError
from app.web.forms import PlainForm
from app.web.operations import attempt
from app.web.roles import role_required

MANAGER = StaffRole.MANAGER


def _promo_form(form: PromoCodeForm | None = None) -> PromoCodeForm:
    form = form or PromoCodeForm()
    form.kind.choices = [SelectChoice("percent", _("Percent off")), SelectChoice("amount", _("Amount off"))]
    return form


def _page(rules_form=None, promo_form=None, status: int = 200):
    return render_template(
        "manage/discounts.html",
        rules_form=rules_form or DiscountRulesForm(obj=g.hotel),
        promo_form=_promo_form(promo_form),
        codes=discounts.promo_codes(g.hotel.id),
        plain_form=PlainForm(),
    ), status


@bp.get("/discounts")
@role_required(MANAGER)
def discounts_page():
    return _page()


@bp.post("/discounts/rules")
@role_required(MANAGER)
def discount_rules():
    form = DiscountRulesForm()
    if not form.validate_on_submit():
        return _page(rules_form=form, status=400)
    discounts.save_rules(g.hotel, {name: getattr(form, name).data for name in discounts.RULE_FIELDS})
    flash(_("Saved."), "success")
    return redirect(url_for("manage.discounts_page"))


@bp.post("/discounts/codes")
@role_required(MANAGER)
def promo_create():
    form = _promo_form()
    if not form.validate_on_submit():
        return _page(promo_form=form, status=400)
    kind = PromoKind(form.kind.data)
    with attempt() as refused:
        discounts.create_promo(
            g.hotel,
            form.code.data,
            kind,
            form.percent.data if kind is PromoKind.PERCENT else form.amount.data,
            form.valid_from.data,
            form.valid_until.data,
            form.usage_limit.data,
            form.per_stay_limit.data,
        )
    if refused:
        return _page(promo_form=form, status=refused.status)
    flash(_("Saved."), "success")
    return redirect(url_for("manage.discounts_page"))


@bp.post("/discounts/codes/<int:promo_id>/active")
@role_required(MANAGER)
def promo_active(promo_id: int):
    if not PlainForm().validate_on_submit():
        abort(400)
    try:
        discounts.set_promo_active(g.hotel.id, promo_id, request.form.get("active") == "1")
    except LobbyError:
        abort(404)
    return redirect(url_for("manage.discounts_page"))
