"""`flask lobby …` commands: seeding the demo and keeping slots ahead of time."""

from __future__ import annotations

from datetime import timedelta

import click
from flask import Flask
from sqlalchemy import select

from app.extensions import db


def init_app(app: Flask) -> None:
    app.cli.add_command(lobby)


@click.group()
def lobby() -> None:
    """Lobby administration."""


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
    from app.models import Hotel, Stay

    hotel = db.session.scalar(select(Hotel).order_by(Hotel.id))
    stays = db.session.scalars(select(Stay).where(Stay.hotel_id == hotel.id).order_by(Stay.arrival)).all()
    click.echo(f"\n  {hotel.name.localize(hotel.default_locale)} is ready at {base_url}/\n")
    for stay in stays:
        click.echo(
            f"  {stay.first_name} {stay.surname}: room {stay.room}, {stay.arrival} to {stay.departure}, "
            f"booking reference {stay.booking_reference}"
        )
        click.echo(f"      one-tap link (room QR code): {base_url}/s/{stay.access_token}")
    click.echo("\n  Sign in with room 204 + surname Garcia, or a booking reference + surname.\n")


@lobby.command("extend-slots")
@click.option("--days", default=30, show_default=True, help="How many days ahead to keep slots.")
def extend_slots_command(days: int) -> None:
    """Create slots from the weekly schedules up to DAYS ahead (safe to run daily from cron)."""
    from app.models import Hotel, ResourcePool
    from app.services import availability, clock

    created = 0
    for hotel in db.session.scalars(select(Hotel)):
        today = clock.now().astimezone(hotel.tz).date()
        for pool in db.session.scalars(select(ResourcePool).where(ResourcePool.hotel_id == hotel.id)):
            created += availability.ensure_slots(pool, today, today + timedelta(days=days))
    db.session.commit()
    click.echo(f"{created} new slots")


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
