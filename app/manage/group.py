"""The group's office: every hotel side by side with converted totals, and the exchange rates."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from babel.dates import format_interval
from babel.numbers import format_decimal
from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import StringField

from app.manage import bp
from app.manage.dashboard import period_asked
from app.services import exchange_rates, group_figures
from app.services.analytics import Period
from app.web.forms import LobbyForm
from app.web.group_access import group_required
from app.web.locale import money
from app.web.operations import attempt


def _period(today: date) -> Period:
    """A preset (this year, the last 12 months), else ?from=&to= as on the hotel's dashboard; each
    hotel's own dates."""
    preset = request.args.get("preset")
    if preset == "year":
        return Period(date(today.year, 1, 1), today)
    if preset == "12months":
        return Period(today - timedelta(days=364), today)
    return period_asked(today)


@bp.get("/group")
@group_required
def group_dashboard():
    today = g.hotel.today()
    period = _period(today)
    figures = group_figures.group_figures(g.group, period)
    reporting = figures.reporting_currency
    return render_template(
        "manage/group.html",
        group=g.group,
        period=period,
        today=today,
        figures=figures,
        interval=format_interval(period.first, period.last, "yMMMd", locale=get_locale()),
        in_reporting=lambda amount: money(group_figures.to_minor(amount, reporting), reporting),
        money=money,
        convert=group_figures.convert,
        as_number=lambda value: format_decimal(value, format="0.############", locale=get_locale()),
    )


def _rates_form(currencies: list[str], stored: dict[str, Decimal], reporting: str) -> LobbyForm:
    form_class = type("RatesForm", (LobbyForm,), {})
    for currency in currencies:
        setattr(
            form_class,
            f"rate_{currency}",
            StringField(
                _l("Value of 1 %(currency)s in %(reporting)s", currency=currency, reporting=reporting),
                render_kw={"inputmode": "decimal", "autocomplete": "off"},
            ),
        )
    form = form_class()
    if request.method == "GET":
        locale = str(get_locale() or "en")
        for currency in currencies:
            if currency in stored:
                # Every digit stored, as the reader's language writes decimals (no grouping).
                digits = -stored[currency].normalize().as_tuple().exponent
                shown = format_decimal(stored[currency], format=f"0.{'0' * max(digits, 1)}", locale=locale)
                form[f"rate_{currency}"].data = shown
    return form


@bp.route("/group/rates", methods=["GET", "POST"])
@group_required
def group_rates():
    group = g.group
    currencies = exchange_rates.currencies_to_rate(group)
    stored = {rate.currency: rate.rate for rate in group.rates}
    form = _rates_form(currencies, stored, group.reporting_currency)
    status = 200
    if request.method == "POST":
        if not form.validate_on_submit():
            status = 400
        else:
            locale = str(get_locale() or "en")
            rates: dict[str, Decimal] = {}
            for currency in currencies:
                field = form[f"rate_{currency}"]
                if not (field.data or "").strip() and currency not in stored:
                    continue  # not known yet: left without a rate, and said so on the dashboard
                with attempt(field):
                    rates[currency] = exchange_rates.parse_rate(field.data, locale)
            if any(form[f"rate_{currency}"].errors for currency in currencies):
                status = 400
            else:
                with attempt() as refused:
                    changed = exchange_rates.save_rates(group, rates)
                if refused:
                    status = refused.status
                else:
                    if changed:
                        flash(_("Saved. The group dashboard converts at these rates."), "success")
                    else:
                        flash(_("Nothing changed."), "success")
                    return redirect(url_for("manage.group_rates"))
    return (
        render_template(
            "manage/group_rates.html",
            group=group,
            form=form,
            currencies=currencies,
            last_set=group_figures.last_set(group),
        ),
        status,
    )
