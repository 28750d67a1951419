"""The dashboard: what the offer earns and how the desk is doing, as charts and as CSV."""

from __future__ import annotations

from datetime import date, timedelta

from babel.dates import format_interval
from babel.numbers import format_percent
from flask import abort, g, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from app.manage import bp
from app.models import OfferPlace, StaffRole
from app.services import analytics, csv_files, view_counts
from app.web.downloads import csv_response
from app.web.labels import REQUEST_KIND_LABELS, offer_reason_label
from app.web.locale import money
from app.web.roles import role_required

DEFAULT_DAYS = 30
# Which columns of each table are money (integer minor units on the page, major units in the CSV).
MONEY_COLUMNS = {
    "revenue-by-service": (1,),
    "revenue-by-package": (1,),
    "offers-by-place": (4,),
    "offers-by-reason": (4,),
    "upsell-timing": (1, 2),
}
MAX_DAYS = 731


def _period() -> analytics.Period:
    return period_asked(g.hotel.today())


def period_asked(today: date) -> analytics.Period:
    """?from=YYYY-MM-DD&to=YYYY-MM-DD, the last 30 days by default; nonsense falls back quietly."""
    last = _day(request.args.get("to")) or today
    first = _day(request.args.get("from")) or last - timedelta(days=DEFAULT_DAYS - 1)
    if first > last or (last - first).days > MAX_DAYS:
        first = last - timedelta(days=DEFAULT_DAYS - 1)
    return analytics.Period(first, last)


def _day(text: str | None) -> date | None:
    try:
        return date.fromisoformat(text) if text else None
    except ValueError:
        return None


def _place_label(place: str) -> str:
    labels = {
        OfferPlace.HOME: _("Guest home page"),
        OfferPlace.AFTER_BOOKING: _("After a booking"),
        OfferPlace.EMAIL: _("Pre-arrival email"),
        OfferPlace.DESK: _("Front desk"),
    }
    return labels.get(place, place)


def _offer_header(first: str) -> list[str]:
    return [first, _("Offers shown"), _("Bookings from offers"), _("Conversion"), _("Revenue")]


def _offer_rows(figures: list[analytics.OfferFigures], label) -> list[list]:
    return [
        [
            label(item.key),
            item.impressions,
            item.bookings,
            round(item.conversion, 4) if item.conversion is not None else "",
            item.revenue,
        ]
        for item in figures
    ]


def _tables(period: analytics.Period) -> dict[str, tuple[list[str], list[list]]]:
    """Every chart's data as (header, rows), for the page and for its CSV alike."""
    view_counts.flush()  # this worker's and Redis's buffered views and offers shown, up to now
    hotel = g.hotel
    services = analytics.service_figures(hotel, period)
    sla = analytics.sla_figures(hotel, period)
    offers = analytics.offer_figures(hotel, period)

    return {
        "revenue-by-service": (
            [_("Service"), _("Revenue"), _("Bookings")],
            [[item.title, item.revenue, item.bookings] for item in services if item.revenue or item.bookings],
        ),
        "revenue-by-package": (
            [_("Package"), _("Revenue")],
            [[title, amount] for title, amount in analytics.package_revenue(hotel, services)],
        ),
        "conversion": (
            [_("Service"), _("Page views"), _("Bookings"), _("Conversion")],
            [
                [
                    item.title,
                    item.views,
                    item.bookings,
                    round(item.conversion, 4) if item.conversion is not None else "",
                ]
                for item in services
                if item.views
            ],
        ),
        "ratings": (
            [_("Service"), _("Average rating"), _("Ratings")],
            [[item.title, item.rating, item.ratings] for item in services if item.ratings],
        ),
        "sla": (
            [
                _("Kind"),
                _("Requests"),
                _("Minutes to acknowledge"),
                _("Minutes to resolve"),
                _("Resolved on time"),
            ],
            [
                [
                    str(REQUEST_KIND_LABELS[item.kind]),
                    item.requests,
                    item.acknowledge_minutes if item.acknowledge_minutes is not None else "",
                    item.resolve_minutes if item.resolve_minutes is not None else "",
                    round(item.on_time_share, 4) if item.on_time_share is not None else "",
                ]
                for item in sla
            ],
        ),
        "complaints": (
            [_("About"), _("Complaints and low ratings")],
            [[title or _("General"), count] for title, count in analytics.top_complaints(hotel, period)],
        ),
        "offers-by-place": (
            _offer_header(_("Shown on")),
            _offer_rows(offers.by_place, _place_label),
        ),
        "offers-by-reason": (
            _offer_header(_("Reason given")),
            _offer_rows(offers.by_reason, offer_reason_label),
        ),
        "upsell-timing": (
            [_("Booked"), _("Revenue"), _("From offers"), _("Bookings")],
            [
                [
                    _("Before arrival") if item.before_arrival else _("During the stay"),
                    item.revenue,
                    item.attributed_revenue,
                    item.bookings,
                ]
                for item in analytics.upsell_timing(hotel, period)
            ],
        ),
    }


@bp.get("/", endpoint="home")
@bp.get("/dashboard")
@role_required(StaffRole.MANAGER)
def dashboard():
    """The manager's home: ``/manage/`` and ``/manage/dashboard`` are the same page."""
    period = _period()
    return render_template(
        "manage/dashboard.html",
        period=period,
        tables=_tables(period),
        attach=analytics.attach_rate(g.hotel, period),
        revenue=analytics.revenue_total(g.hotel, period),
        previous=_interval(analytics.previous_period(period)),
        nps=analytics.nps(g.hotel, period),
        money_of=lambda value: money(value, g.hotel.currency),
        as_percent=lambda value: format_percent(value, locale=get_locale()),
        as_change=lambda value: format_percent(value, "+#,##0%;-#,##0%", locale=get_locale()),
        # Amounts, dates and signs inside a sentence keep their own direction in Arabic.
        isolated=lambda text: Markup("<bdi>{}</bdi>").format(text),
    )


def _interval(period: analytics.Period) -> str:
    """ "Nov 4 – 18, 2026" the way the reader's language writes a range of days."""
    return format_interval(period.first, period.last, "yMMMd", locale=get_locale())


@bp.get("/dashboard/<name>.csv")
@role_required(StaffRole.MANAGER)
def dashboard_csv(name: str):
    period = _period()
    tables = _tables(period)
    if name not in tables:
        abort(404)
    header, rows = tables[name]
    money_columns = MONEY_COLUMNS.get(name, ())
    if money_columns:
        # Amounts as a spreadsheet reads them (major units), and which currency they are in.
        currency = g.hotel.currency
        header = [*header, _("Currency")]
        rows = [
            [
                csv_files.major_units(cell, currency) if index in money_columns else cell
                for index, cell in enumerate(row)
            ]
            + [currency]
            for row in rows
        ]
    filename = f"{name}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return csv_response(filename, header, rows)
