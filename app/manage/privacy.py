"""The hotel's privacy settings: data controller, contact, retention days and the marketing-consent rule."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _
from wtforms import SelectChoice

from app.manage import bp
from app.manage.forms import PrivacyForm
from app.models import MarketingConsent, StaffRole
from app.services import privacy_settings
from app.web.operations import attempt
from app.web.roles import role_required


def _form() -> PrivacyForm:
    form = PrivacyForm(obj=g.hotel if request.method == "GET" else None)
    form.marketing_consent.choices = [
        SelectChoice(MarketingConsent.OPT_IN.value, _("Only to guests who said yes (opt-in, as in the EU)")),
        SelectChoice(MarketingConsent.OPT_OUT.value, _("To every guest unless they said no (opt-out)")),
    ]
    if request.method == "GET":
        form.marketing_consent.data = g.hotel.marketing_consent.value
    return form


@bp.route("/privacy", methods=["GET", "POST"])
@role_required(StaffRole.MANAGER)
def privacy():
    form = _form()
    status = 200
    if request.method == "POST":
        if form.validate_on_submit():
            settings = privacy_settings.PrivacySettings(
                legal_name=form.legal_name.data or "",
                privacy_email=form.privacy_email.data or "",
                retention_days=form.retention_days.data,
                marketing_consent=MarketingConsent(form.marketing_consent.data),
            )
            with attempt(form.privacy_email) as refused:
                privacy_settings.save(g.hotel, settings)
            if not refused:
                flash(_("Saved. The privacy page shows it now."), "success")
                return redirect(url_for("manage.privacy"))
            status = refused.status
        else:
            status = 400
    return render_template("manage/privacy.html", form=form), status
