"""`flask lobby …` commands: seeding the demo and keeping slots ahead of time."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click
from flask import Flask
from flask.cli import AppGroup
from sqlalchemy import select

from app.extensions import db

if TYPE_CHECKING:
    from app.models import Hotel, StaffUser


def init_app(app: Flask) -> None:
    app.cli.add_command(lobby)


# An AppGroup, so every command runs inside the application context (also under test).
lobby = AppGroup("lobby", help="Lobby administration.")


def _as_system() -> None:
    """Every command acts as the system in the audit trail, whoever typed it."""
    from app.services import audit

    click.get_current_context().with_resource(audit.acting_as(audit.SYSTEM))


lobby.callback = _as_system


@lobby.command("seed-demo")
@click.option("--if-empty", is_flag=True, help="Do nothing when the demo hotel already exists.")
@click.option("--base-url", default="http://127.0.0.1:5000", show_default=True)
def seed_demo_command(if_empty: bool, base_url: str) -> None:
    """Create the demo hotel with its catalog, slots and guests."""
    from app.seed.demo import demo_hotel_exists, seed_demo

    if demo_hotel_exists():
        if if_empty:
            click.echo("Demo hotel already there; nothing to seed.")
            _print_demo(base_url)
            return
        raise click.ClickException("The demo hotel exists already; use a fresh database.")
    seed_demo()
    _print_demo(base_url)


def _print_demo(base_url: str) -> None:
    from urllib.parse import urlsplit

    from app.models import Hotel, Stay
    from app.seed.demo import DEMO_STAFF, DEMO_STAFF_PASSWORD, GROUP_OFFICE, TWO_HOTELS

    parts = urlsplit(base_url)
    port = f":{parts.port}" if parts.port else ""
    for hotel in db.session.scalars(select(Hotel).order_by(Hotel.id)):
        stays = db.session.scalars(select(Stay).where(Stay.hotel_id == hotel.id).order_by(Stay.arrival)).all()
        name = hotel.name.localize(hotel.default_locale)
        click.echo(f"\n  {name} ({hotel.currency}, {hotel.timezone}, {', '.join(hotel.enabled_locales)})")
        # Its own host name first (*.localhost is 127.0.0.1 in browsers); the path prefix works anywhere.
        addresses = [f"{parts.scheme}://{host.host}{port}" for host in hotel.hosts]
        click.echo(f"      {'/  or  '.join([*addresses, f'{base_url}/h/{hotel.slug}'])}/")
        links = addresses[0] if addresses else base_url
        for stay in stays:
            click.echo(
                f"      {stay.first_name} {stay.surname}: room {stay.room}, "
                f"{stay.arrival} to {stay.departure}, booking reference {stay.booking_reference}"
            )
            click.echo(f"          one-tap link (room QR code): {links}/s/{stay.access_token}")
    click.echo("\n  Sign in with a room and surname of a guest in house (at the lodge: 204 + Garcia),")
    click.echo("  or a booking reference + surname.")
    click.echo(f"\n  Staff: {base_url}/staff/signin  (password {DEMO_STAFF_PASSWORD} for every account)")
    for email, role, _name in DEMO_STAFF:
        click.echo(f"      {email}: {role.value} at the lodge")
    click.echo(f"      {GROUP_OFFICE[0]}: the group's office, every hotel of the group")
    click.echo(f"      {TWO_HOTELS[0]}: receptionist at Langkawi, manager at Kakheti")
    click.echo("")


@lobby.command("extend-slots")
@click.option("--days", default=30, show_default=True, help="How many days ahead to keep slots.")
def extend_slots_command(days: int) -> None:
    """Create slots from the weekly schedules up to DAYS ahead (safe to run daily from cron)."""
    from app.models import Hotel
    from app.services import hotel_setup

    created = sum(hotel_setup.extend_slots(hotel, days) for hotel in db.session.scalars(select(Hotel)).all())
    db.session.commit()
    click.echo(f"{created} new slots")


@lobby.command("create-hotel")
@click.argument("slug")
@click.option("--name", required=True, help="The hotel's name, in its default language.")
@click.option("--currency", required=True, help="ISO 4217 code: VND, MYR, GEL, EUR…")
@click.option("--timezone", "timezone", required=True, help="e.g. Asia/Kuala_Lumpur")
@click.option(
    "--languages", default="en", show_default=True, help="Comma-separated, among the configured LANGUAGES."
)
@click.option("--default-language", default="", help="The first of --languages when empty.")
@click.option("--group", "group_slug", default="", help="Slug of the hotel group it joins.")
@click.option(
    "--admin", "admin_email", default="", help="Email of an existing account, made the hotel's admin."
)
def create_hotel_command(
    slug: str,
    name: str,
    currency: str,
    timezone: str,
    languages: str,
    default_language: str,
    group_slug: str,
    admin_email: str,
) -> None:
    """Create an empty hotel (then copy a catalog into it, or build one at /manage/catalog)."""
    from app.services import hotel_setup
    from app.services.errors import LobbyError

    admin = _account_named(admin_email) if admin_email else None
    new = hotel_setup.NewHotel(
        slug, name, currency, timezone, languages.split(","), default_language, group_slug
    )
    try:
        hotel = hotel_setup.create_hotel(new, admin=admin)
    except LobbyError as error:
        where = f"--{error.field.replace('_', '-')}: " if isinstance(error, hotel_setup.SetupError) else ""
        raise click.ClickException(f"{where}{error.message}") from error
    group = f" in group {hotel.group.slug}" if hotel.group else ""
    languages = ", ".join(hotel.enabled_locales)
    click.echo(f"Created {hotel.slug} ({hotel.currency}, {hotel.timezone}, {languages}){group}.")
    if admin is not None:
        click.echo(f"{admin.email} is its admin.")


@lobby.command("create-group")
@click.argument("slug")
@click.option("--name", required=True, help="The group's name, as its office sees it.")
@click.option("--currency", required=True, help="ISO 4217 code the group dashboard converts totals to.")
@click.option("--hotels", default="", help="Comma-separated slugs of hotels that join it at once.")
def create_group_command(slug: str, name: str, currency: str, hotels: str) -> None:
    """Create a hotel group (then `join-group` its hotels and name its office with `group-office`)."""
    from app.services import hotel_groups
    from app.services.errors import LobbyError

    members = [_hotel_named(hotel_slug.strip()) for hotel_slug in hotels.split(",") if hotel_slug.strip()]
    try:
        group = hotel_groups.create_group(slug, name, currency)
        for hotel in members:
            hotel_groups.join_group(hotel, group)
    except LobbyError as error:
        raise click.ClickException(error.message) from error
    joined = f", with {', '.join(hotel.slug for hotel in members)}" if members else ""
    click.echo(f"Created group {group.slug} ({group.reporting_currency}){joined}.")


@lobby.command("join-group")
@click.argument("hotel_slug")
@click.argument("group_slug")
def join_group_command(hotel_slug: str, group_slug: str) -> None:
    """Put a hotel in a group: the group's office works in it and sees it on the group dashboard."""
    from app.services import hotel_groups
    from app.services.errors import LobbyError

    hotel = _hotel_named(hotel_slug)
    try:
        hotel_groups.join_group(hotel, hotel_groups.group_named(group_slug))
    except LobbyError as error:
        raise click.ClickException(error.message) from error
    click.echo(f"{hotel.slug} is in group {group_slug}.")


@lobby.command("group-office")
@click.argument("email")
@click.option("--group", "group_slug", default="", help="The group whose office they join.")
@click.option("--none", "leave", is_flag=True, help="Take them out of any group's office.")
def group_office_command(email: str, group_slug: str, leave: bool) -> None:
    """Make an existing account part of a group's office (every hotel of the group, its dashboard)."""
    from app.services import hotel_groups
    from app.services.errors import LobbyError

    if leave == bool(group_slug):
        raise click.UsageError("Give either --group SLUG or --none.")
    user = _account_named(email)
    try:
        group = None if leave else hotel_groups.group_named(group_slug)
        hotel_groups.set_group_office(user, group)
    except LobbyError as error:
        raise click.ClickException(error.message) from error
    where = f"the office of group {group.slug}" if group else "no group's office"
    click.echo(f"{user.email} is in {where}; it applies from their next sign-in.")


@lobby.command("reconcile-payments")
def reconcile_payments_command() -> None:
    """Release expired seat holds and settle every card payment and refund still open with Stripe.

    Safe to run as often as you like, alongside webhooks; cron it every few minutes.
    """
    from app.services import payments

    report = payments.reconcile()
    click.echo(
        f"{report.holds_released} holds released, {report.payments_checked} payments checked "
        f"({report.payments_cancelled} cancelled at Stripe), {report.refunds_sent} refunds sent, "
        f"{report.refunds_checked} refunds checked, {report.unreachable} could not reach Stripe"
    )
    if report.unreachable:
        raise SystemExit(1)


@lobby.command("rebuild-sales-days")
def rebuild_sales_days_command() -> None:
    """Recompute every hotel's sales roll-up from its order lines (once after upgrading; safe to repeat)."""
    from app.models import Hotel
    from app.services import sales_days

    for hotel in db.session.scalars(select(Hotel).order_by(Hotel.id)).all():
        rows = sales_days.rebuild(hotel)
        click.echo(f"{hotel.slug}: {rows} rows")


def _account_named(email: str) -> StaffUser:
    """The staff account with this email, or a message saying how to make one."""
    from app.models import StaffUser
    from app.services import staff_accounts

    email = staff_accounts.normalize_email(email)
    user = db.session.scalar(select(StaffUser).where(StaffUser.email == email))
    if user is None:
        raise click.ClickException(f"No account {email}; create it first with `flask lobby create-staff`.")
    return user


def _hotel_named(slug: str) -> Hotel:
    """The hotel with this slug (the first hotel when empty), or a message that there is none."""
    from app.models import Hotel

    query = select(Hotel).order_by(Hotel.id)
    if slug:
        query = query.where(Hotel.slug == slug)
    hotel = db.session.scalar(query)
    if hotel is None:
        raise click.ClickException("No such hotel; run `flask lobby seed-demo` or give --hotel.")
    return hotel


@lobby.command("create-staff")
@click.argument("email")
@click.option(
    "--role",
    type=click.Choice(["receptionist", "manager", "admin"]),
    default="receptionist",
    show_default=True,
)
@click.option("--name", default="", help="Shown on the desk screens.")
@click.option("--hotel", "hotel_slug", default="", help="Hotel slug; the first hotel when empty.")
@click.password_option(help="Prompted for (twice) when not given; or piped on stdin.")
def create_staff_command(email: str, role: str, name: str, hotel_slug: str, password: str) -> None:
    """Create a staff account."""
    from app.models import StaffRole
    from app.services import staff_accounts
    from app.services.errors import LobbyError

    hotel = _hotel_named(hotel_slug)
    try:
        user = staff_accounts.create_staff(hotel, email, password, StaffRole(role), name=name)
    except LobbyError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"Created {user.email} ({role}) for {hotel.slug}.")


@lobby.command("add-staff-to-hotel")
@click.argument("email")
@click.option("--hotel", "hotel_slug", required=True, help="Slug of the hotel they will also work in.")
@click.option(
    "--role",
    type=click.Choice(["receptionist", "manager", "admin"]),
    default="receptionist",
    show_default=True,
)
def add_staff_to_hotel_command(email: str, hotel_slug: str, role: str) -> None:
    """Let an existing staff account work in another hotel too, with a role there (same password)."""
    from app.models import StaffRole
    from app.services import staff_accounts
    from app.services.errors import LobbyError

    hotel = _hotel_named(hotel_slug)
    user = staff_accounts.account_named(email)
    if user is None:
        raise click.ClickException(f"No staff account {email}; create it with `flask lobby create-staff`.")
    try:
        staff_accounts.add_membership(hotel, user, StaffRole(role))
    except LobbyError as error:
        raise click.ClickException(str(error.message)) from error
    db.session.commit()
    click.echo(f"{user.email} now works at {hotel.slug} ({role}).")


@lobby.command("create-api-token")
@click.argument("name")
@click.option("--hotel", "hotel_slug", default="", help="Hotel slug; the first hotel when empty.")
@click.option(
    "--scope",
    "scopes",
    multiple=True,
    metavar="SCOPE",
    help="What the token may do, e.g. stays:read; repeat for more. Every scope when not given.",
)
def create_api_token_command(name: str, hotel_slug: str, scopes: tuple[str, ...]) -> None:
    """Make an API token for a hotel's own system (its PMS) and print it, this once.

    Managers can do the same at /manage/api-tokens; this is for setting a system up by script.
    """
    from app.services import api_tokens
    from app.services.errors import LobbyError

    hotel = _hotel_named(hotel_slug)
    try:
        _row, token = api_tokens.create_token(hotel, name, created_by=None, scopes=scopes or None)
    except LobbyError as error:
        unknown = any(scope not in api_tokens.SCOPES for scope in scopes)
        known = f" Scopes: {', '.join(api_tokens.SCOPES)}." if unknown else ""
        raise click.ClickException(f"{error.message}{known}") from error
    click.echo(token)


@lobby.command("send-due-messages")
def send_due_messages_command() -> None:
    """Send the guest emails that are due (offers, confirmations, reminders, thank-yous, waiting lists).

    Cron it every few minutes; runs may overlap: each message is claimed in the database first,
    so it goes out at most once. Messages the mail server refused are retried by later runs.
    """
    from app import clock
    from app.services import messages, waitlist

    # Offers nobody took up pass to the next guests first, so their emails go out in this run.
    waitlist.expire_offers(clock.now())
    report = messages.send_due_messages(clock.now())
    click.echo(report.summary())


@lobby.command("flush-counts")
def flush_counts_command() -> None:
    """Write the buffered offers shown and page views to the database (with REDIS_URL: every worker's).

    Workers flush on their own every COUNTS_FLUSH_SECONDS and when they stop; cron this every
    minute so the tables are current even when the site is quiet.
    """
    from app.services import view_counts

    click.echo(f"Counter rows written: {view_counts.flush()}.")


@lobby.command("pms-sync")
@click.option(
    "--hotel", "hotel_slug", default="", help="Only this hotel; every hotel with a connection when empty."
)
def pms_sync_command(hotel_slug: str) -> None:
    """Pull reservations from each connected PMS and post the room charges waiting for it.

    Cron it every few minutes (or a systemd timer); runs may overlap: each charge is claimed
    in the database first and recognised on the PMS bill if an earlier run's answer was lost.
    """
    from app.services import pms_sync

    hotels = [_hotel_named(hotel_slug)] if hotel_slug else pms_sync.enabled_hotels()
    failed = False
    for hotel in hotels:
        runs = pms_sync.sync_hotel(hotel)  # the stays it makes are recorded as the PMS's doing
        if not runs:
            click.echo(f"{hotel.slug}: no enabled PMS connection")
            continue
        for run in runs:
            counts = ", ".join(f"{name} {number}" for name, number in sorted(run.counts.items())) or "nothing"
            click.echo(f"{hotel.slug} {run.kind.value}: {counts}" + (f" — {run.error}" if run.error else ""))
            failed = failed or not run.ok
    if failed:
        raise SystemExit(1)


@lobby.command("pms-connect")
@click.option("--hotel", "hotel_slug", required=True, help="The hotel's slug.")
@click.option("--provider", default="mews", show_default=True, type=click.Choice(["mews"]))
@click.option("--base-url", required=True, help="e.g. https://api.mews-demo.com or https://api.mews.com")
@click.option("--client-token", required=True)
@click.option("--access-token", required=True)
@click.option("--client", "client_name", default="Lobby 1.0", show_default=True, help="Sent as Client.")
@click.option("--service-id", required=True, help="The Mews service that charges are posted to.")
@click.option("--accounting-category-id", default="", help="Optional Mews accounting category for charges.")
@click.option("--days-ahead", default=14, show_default=True, type=click.IntRange(1, 90))
@click.option("--webhook-secret", default="", help="The secret Mews puts in the webhook URL (?secret=…).")
@click.option("--no-check", is_flag=True, help="Save without asking the PMS whether the tokens work.")
def pms_connect_command(
    hotel_slug: str,
    provider: str,
    base_url: str,
    client_token: str,
    access_token: str,
    client_name: str,
    service_id: str,
    accounting_category_id: str,
    days_ahead: int,
    webhook_secret: str,
    no_check: bool,
) -> None:
    """Connect a hotel to its PMS (made or updated; settings not given are kept)."""
    from app.services import pms_sync

    hotel = _hotel_named(hotel_slug)
    settings: dict = {"service_id": service_id, "days_ahead": days_ahead}
    if accounting_category_id:
        settings["accounting_category_id"] = accounting_category_id
    if webhook_secret:
        settings["webhook_secret"] = webhook_secret
    credentials = {"client_token": client_token, "access_token": access_token, "client": client_name}
    pms_sync.connect(hotel, base_url, credentials, settings, provider=provider)
    click.echo(f"{hotel.slug}: connected to {provider} at {base_url}")
    if not no_check:
        try:
            name = pms_sync.check(hotel)
        except pms_sync.PmsError as error:
            raise click.ClickException(f"saved, but the PMS refused: {error}") from error
        click.echo(f"The PMS answers for: {name}")
    if webhook_secret:
        click.echo(
            f"Webhook URL for Mews: <Lobby's address>/api/pms/mews/{hotel.slug}/webhook?secret=<the secret>"
        )


@lobby.command("deliver-webhooks")
@click.option("--loop", is_flag=True, help="Keep running, a pass every few seconds (for systemd).")
@click.option("--every", default=5.0, show_default=True, help="Seconds between passes with --loop.")
def deliver_webhooks_command(loop: bool, every: float) -> None:
    """Send the hotels' webhook events that are due, with retries; one pass, or for ever with --loop.

    Several can run at once (cron, a systemd service, more than one machine): each delivery is
    claimed in the database first, so it goes out once per attempt.
    """
    import time

    from flask import current_app

    from app.services import webhooks

    if not loop:
        click.echo(webhooks.deliver_due().summary())
        return
    while True:
        try:
            report = webhooks.deliver_due()
            if report.fanned_out or report.delivered or report.retrying or report.failed:
                click.echo(report.summary())
        except Exception:  # the database restarting, say: log it and try again next pass
            current_app.logger.exception("Webhook delivery pass failed; trying again")
            db.session.rollback()
        db.session.remove()
        time.sleep(every)


@lobby.command("apply-retention")
@click.option(
    "--hotel", "hotel_slug", default="", help="Only this hotel (its slug); every hotel when left out."
)
def apply_retention_command(hotel_slug: str) -> None:
    """Anonymise guests' personal data kept longer than each hotel's retention days after departure."""
    from app.models import Hotel
    from app.services import guest_data

    hotels = (
        [_hotel_named(hotel_slug)]
        if hotel_slug
        else db.session.scalars(select(Hotel).order_by(Hotel.id)).all()
    )
    for hotel in hotels:
        done = guest_data.apply_retention(hotel)
        click.echo(f"{hotel.slug}: {done} stays anonymised (retention {hotel.retention_days} days)")
