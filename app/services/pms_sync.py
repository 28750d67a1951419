"""The two-way PMS sync: reservations in as stays, room charges out to the PMS bill, each exactly once.

``sync_hotel`` pulls (reservations arriving in the next ``days_ahead`` days and every one
changed since the last pull) and then posts (every folio line of a stay the PMS made gets a
``PmsPosting``; due postings are claimed row by row so several workers never post the same
one). A posting whose earlier attempt ended without an answer is looked for on the bill
before it is sent again, so a timeout after the PMS accepted never doubles a charge. A
failing PMS never stops a guest's booking: the folio line is written by the booking and
its posting waits here, retried with a growing delay. Each run leaves a ``PmsSyncRun``.
"""

from __future__ import annotations

import hmac
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta

from flask import current_app
from sqlalchemy import exists, func, select, update
from sqlalchemy.exc import IntegrityError

from app import clock
from app.extensions import db
from app.integrations import (
    Charge,
    PmsError,
    PmsProvider,
    PmsRefused,
    PmsReservation,
    PmsUnavailable,
    provider_for,
)
from app.models import (
    FolioLine,
    Hotel,
    PmsConnection,
    PmsPosting,
    PmsSyncRun,
    PostingStatus,
    Stay,
    StaySource,
    SyncKind,
    Tier,
)
from app.services import audit, reservations
from app.services.errors import NotAllowed
from app.services.locking import write_transaction
from app.services.transactions import operation

DEFAULT_DAYS_AHEAD = 14
MAX_DAYS_AHEAD = 90  # Mews answers for at most three months at a time
# Reservations updated just before the last pull began are read again: a clock a little off
# between Lobby and the PMS must not lose an update (reading one twice changes nothing).
PULL_OVERLAP = timedelta(minutes=2)
CLAIM_FOR = timedelta(minutes=5)  # a worker that dies mid-post frees its postings after this
BATCH = 50
FIRST_RETRY = timedelta(minutes=1)
LAST_RETRY = timedelta(hours=6)
WEBHOOK_TIMEOUT = 4.0  # Mews waits 5 seconds for a webhook's answer
TIER_RANK = {Tier.STANDARD: 0, Tier.SILVER: 1, Tier.GOLD: 2}


@dataclass
class PmsStatus:
    """What the workspace shows: the connection, its last runs, and what waits or was refused."""

    connection: PmsConnection | None
    runs: list[PmsSyncRun] = field(default_factory=list)
    waiting: int = 0
    refused: int = 0
    waiting_rows: list[PmsPosting] = field(default_factory=list)
    refused_rows: list[PmsPosting] = field(default_factory=list)


def connection_of(hotel: Hotel) -> PmsConnection | None:
    return db.session.scalar(select(PmsConnection).where(PmsConnection.hotel_id == hotel.id))


def _provider(connection: PmsConnection, most: float | None = None) -> PmsProvider:
    """The connection's provider, waiting ``PMS_TIMEOUT`` seconds (at most ``most``) for each answer."""
    timeout = float(current_app.config["PMS_TIMEOUT"])
    return provider_for(connection, min(timeout, most) if most else timeout)


# -- runs -------------------------------------------------------------------------------------


@operation
def _start_run(hotel: Hotel, kind: SyncKind) -> PmsSyncRun:
    run = PmsSyncRun(hotel_id=hotel.id, kind=kind, started_at=clock.now(), counts={})
    db.session.add(run)
    return run


@operation
def _finish_run(run: PmsSyncRun, counts: Counter, error: str = "") -> PmsSyncRun:
    run.finished_at = clock.now()
    run.counts = {name: number for name, number in sorted(counts.items()) if number}
    run.ok = not error
    run.error = error[:500]
    return run


@operation
def _note_outcome(connection: PmsConnection, errors: list[str], pulled_until: datetime | None = None) -> None:
    now = clock.now()
    connection.last_sync_at = now
    if pulled_until is not None:
        connection.pulled_until = pulled_until
    if errors:
        connection.last_error = "; ".join(errors)[:500]
        connection.last_error_at = now
    else:
        connection.last_error = ""


# -- pull ---------------------------------------------------------------------------------------


def _tier(settings: dict, codes: list[str]) -> Tier | None:
    """The best tier the hotel maps any of the guest's codes to; None when the hotel maps none."""
    mapping = settings.get("tier_by_classification") or {}
    if not mapping:
        return None
    found = Tier.STANDARD
    for code in codes:
        try:
            tier = Tier(str(mapping.get(code, "")).lower())
        except ValueError:
            continue
        if TIER_RANK[tier] > TIER_RANK[found]:
            found = tier
    return found


def as_reservation(hotel: Hotel, settings: dict, found: PmsReservation) -> reservations.Reservation:
    """The PMS's reservation in the words of ``reservations.upsert``; dates are the hotel's."""
    reservation = reservations.Reservation(
        pms_reservation_id=found.external_id,
        surname=found.surname,
        first_name=found.first_name,
        email=found.email,
        language=found.language,
        arrival=hotel.local(found.starts_at).date(),
        departure=hotel.local(found.ends_at).date(),
        adults=found.adults,
        children_ages=list(found.children_ages),
        room=found.room,
        tier=_tier(settings, found.tier_codes),
        pms_account_id=found.account_id,
    )
    # An OTA's relay address the PMS keeps may not pass our check: the stay is made without it.
    if "email" in reservations.problems(hotel, reservation):
        reservation.email = ""
    return reservation


def _apply(hotel: Hotel, settings: dict, found: list[PmsReservation]) -> tuple[Counter, list[str]]:
    counts: Counter = Counter()
    refused: list[str] = []
    for item in found:
        if item.cancelled:
            stay = reservations.find(hotel, item.external_id)
            if stay is None:
                counts["skipped"] += 1  # cancelled before Lobby ever saw it
                continue
            try:
                cancelled = reservations.cancel(hotel, stay)
            except NotAllowed as error:  # the guest is in the house or gone: the desk must look
                counts["refused"] += 1
                refused.append(f"{item.external_id}: {error.message}")
                continue
            counts["cancelled" if cancelled else "unchanged"] += 1
            continue
        try:
            _stay, outcome = reservations.upsert(hotel, as_reservation(hotel, settings, item), StaySource.PMS)
        except reservations.ReservationRefused as error:
            counts["refused"] += 1
            refused.append(f"{item.external_id}: {'; '.join(f'{k}: {v}' for k, v in error.errors.items())}")
            continue
        counts[outcome.value] += 1
    return counts, refused


def pull(
    hotel: Hotel, kind: SyncKind = SyncKind.PULL, external_ids: list[str] | None = None
) -> PmsSyncRun | None:
    """Read reservations from the PMS into stays; ``external_ids`` reads only those (a webhook named them)."""
    connection = connection_of(hotel)
    if connection is None or not connection.enabled:
        return None
    settings = dict(connection.settings or {})
    run = _start_run(hotel, kind)
    now = clock.now()
    try:
        provider = _provider(connection, WEBHOOK_TIMEOUT if kind == SyncKind.WEBHOOK else None)
        if external_ids is not None:
            found = provider.reservations(external_ids)
        else:
            days = min(int(settings.get("days_ahead") or DEFAULT_DAYS_AHEAD), MAX_DAYS_AHEAD)
            since = connection.pulled_until - PULL_OVERLAP if connection.pulled_until else None
            # From the hotel's midnight, not from now: a guest due at 13:00 who has not come by 17:00
            # is still today's arrival, and the first pull must bring them in.
            today_began = datetime.combine(hotel.today(), time(0), tzinfo=hotel.tz)
            found = provider.changed_reservations(since, today_began, now + timedelta(days=days + 1))
    except PmsError as error:
        _note_outcome(connection, [f"{provider_name(connection)}: {error}"])
        return _finish_run(run, Counter(), str(error))
    with audit.acting_as(audit.pms_actor(provider.name)):
        counts, refused = _apply(hotel, settings, found)
    error = ("Refused: " + " | ".join(refused)) if refused else ""
    _note_outcome(connection, [error] if error else [], pulled_until=now if external_ids is None else None)
    return _finish_run(run, counts, error)


def provider_name(connection: PmsConnection) -> str:
    return {"mews": "Mews"}.get(connection.provider, connection.provider)


# -- post ---------------------------------------------------------------------------------------


def sweep(hotel: Hotel) -> int:
    """A posting for every folio line of a stay the PMS made that has none yet; how many were made.

    Lines already handed over by the CSV/JSON export are left to it: one channel per line.
    """
    missing = (
        select(FolioLine.id)
        .join(Stay, Stay.id == FolioLine.stay_id)
        .where(
            FolioLine.hotel_id == hotel.id,
            Stay.pms_reservation_id.is_not(None),
            Stay.pms_account_id.is_not(None),
            FolioLine.export_batch_id.is_(None),
            ~exists().where(PmsPosting.folio_line_id == FolioLine.id),
        )
    )
    made = 0
    with write_transaction():
        now = clock.now()
        for line_id in db.session.scalars(missing.order_by(FolioLine.id)).all():
            try:
                with db.session.begin_nested():
                    db.session.add(PmsPosting(hotel_id=hotel.id, folio_line_id=line_id, next_attempt_at=now))
                made += 1
            except IntegrityError:
                pass  # another worker's sweep made it first
    return made


@operation
def _claim(hotel: Hotel, now: datetime) -> list[int]:
    """Due postings, each taken by one conditional update: a row another worker holds is skipped."""
    due = db.session.scalars(
        select(PmsPosting.id)
        .where(
            PmsPosting.hotel_id == hotel.id,
            PmsPosting.status == PostingStatus.PENDING,
            PmsPosting.next_attempt_at <= now,
            (PmsPosting.claimed_until.is_(None)) | (PmsPosting.claimed_until < now),
        )
        .order_by(PmsPosting.next_attempt_at, PmsPosting.id)
        .limit(BATCH)
    ).all()
    claimed = []
    for posting_id in due:
        result = db.session.execute(
            update(PmsPosting)
            .where(
                PmsPosting.id == posting_id,
                PmsPosting.status == PostingStatus.PENDING,
                (PmsPosting.claimed_until.is_(None)) | (PmsPosting.claimed_until < now),
            )
            .values(claimed_until=now + CLAIM_FOR)
            .execution_options(synchronize_session=False)
        )
        if result.rowcount == 1:
            claimed.append(posting_id)
    return claimed


@operation
def _begin_attempt(posting_id: int) -> tuple[Charge, int]:
    """Count the attempt before the request leaves: a crash mid-post still makes the next one look first."""
    posting = db.session.get(PmsPosting, posting_id)
    posting.attempts += 1
    posting.claimed_until = clock.now() + CLAIM_FOR
    line = posting.folio_line
    stay = db.session.get(Stay, line.stay_id)
    charge = Charge(
        reference=line.reference,
        reservation_id=stay.pms_reservation_id or "",
        account_id=stay.pms_account_id or "",
        amount=line.amount,
        currency=line.currency,
        description=line.description,
        consumed_at=line.posted_at,
    )
    return charge, posting.attempts


@operation
def _posted(posting_id: int, external_id: str) -> None:
    posting = db.session.get(PmsPosting, posting_id)
    posting.status = PostingStatus.POSTED
    posting.external_id = external_id[:100]
    posting.posted_at = clock.now()
    posting.claimed_until = None
    posting.last_error = ""


@operation
def _failed(posting_id: int, error: PmsError) -> None:
    posting = db.session.get(PmsPosting, posting_id)
    posting.claimed_until = None
    posting.last_error = str(error)[:500]
    if isinstance(error, PmsRefused):
        posting.status = PostingStatus.REFUSED
        return
    delay = min(FIRST_RETRY * 2 ** max(posting.attempts - 1, 0), LAST_RETRY)
    if isinstance(error, PmsUnavailable) and error.retry_after:
        delay = max(delay, timedelta(seconds=error.retry_after))
    posting.next_attempt_at = clock.now() + delay


@operation
def _release(posting_ids: list[int]) -> None:
    if posting_ids:
        db.session.execute(
            update(PmsPosting)
            .where(PmsPosting.id.in_(posting_ids))
            .values(claimed_until=None)
            .execution_options(synchronize_session=False)
        )


def post(hotel: Hotel) -> PmsSyncRun | None:
    """Send every due posting to the PMS bill; stops at the first sign the PMS is unavailable."""
    connection = connection_of(hotel)
    if connection is None or not connection.enabled:
        return None
    run = _start_run(hotel, SyncKind.POST)
    counts: Counter = Counter()
    counts["queued"] = sweep(hotel)
    claimed = _claim(hotel, clock.now())
    provider = _provider(connection)
    error = ""
    for index, posting_id in enumerate(claimed):
        charge, attempts = _begin_attempt(posting_id)
        try:
            # An earlier attempt may have reached the bill without us hearing back: look first.
            external_id = provider.find_posted(charge) if attempts > 1 else None
            if external_id is not None:
                counts["recognised"] += 1
            else:
                external_id = provider.post_charge(charge)
                counts["posted"] += 1
            _posted(posting_id, external_id)
        except PmsRefused as refusal:
            counts["refused"] += 1
            _failed(posting_id, refusal)
        except PmsUnavailable as failure:
            counts["failed"] += 1
            _failed(posting_id, failure)
            _release(claimed[index + 1 :])  # the PMS is down: the rest waits for the next run
            error = str(failure)
            break
    _note_outcome(connection, [error] if error else [])
    return _finish_run(run, counts, error)


# -- the doors ------------------------------------------------------------------------------------


def sync_hotel(hotel: Hotel) -> list[PmsSyncRun]:
    """Pull, then post; the workspace's "Sync now" and ``flask lobby pms-sync`` both call this."""
    runs = [run for run in (pull(hotel), post(hotel)) if run is not None]
    errors = [run.error for run in runs if run.error]
    connection = connection_of(hotel)
    if connection is not None and runs:
        _note_outcome(connection, errors)
    return runs


def enabled_hotels() -> list[Hotel]:
    return list(
        db.session.scalars(
            select(Hotel)
            .join(PmsConnection, PmsConnection.hotel_id == Hotel.id)
            .where(PmsConnection.enabled.is_(True))
            .order_by(Hotel.id)
        )
    )


def webhook_target(slug: str, provider: str) -> tuple[Hotel | None, PmsConnection | None]:
    """The hotel a webhook's URL names and its connection to ``provider`` (None where there is none)."""
    hotel = db.session.scalar(select(Hotel).where(Hotel.slug == slug[:40]))
    connection = connection_of(hotel) if hotel is not None else None
    if connection is not None and connection.provider != provider:
        connection = None
    return hotel, connection


def webhook_secret_matches(connection: PmsConnection | None, secret: str) -> bool:
    """Constant-time check of the secret Mews puts in the webhook's URL; no secret set means no webhooks."""
    expected = str(((connection.settings or {}) if connection else {}).get("webhook_secret") or "")
    if not expected or connection is None or not connection.enabled:
        return False
    return hmac.compare_digest(expected.encode(), secret.encode())


def on_webhook(hotel: Hotel, reservation_ids: list[str], account_ids: list[str]) -> PmsSyncRun | None:
    """The PMS says these reservations (or these guests' reservations) changed: read them now."""
    ids = list(dict.fromkeys(reservation_ids))
    if account_ids:
        ids += [
            reservation_id
            for reservation_id in db.session.scalars(
                select(Stay.pms_reservation_id).where(
                    Stay.hotel_id == hotel.id, Stay.pms_account_id.in_(account_ids[:1000])
                )
            )
            if reservation_id and reservation_id not in ids
        ]
    if not ids:
        return None
    return pull(hotel, SyncKind.WEBHOOK, ids[:1000])


@operation
def connect(
    hotel: Hotel,
    base_url: str,
    credentials: dict[str, str],
    settings: dict,
    provider: str = "mews",
) -> PmsConnection:
    """Make or update the hotel's PMS connection (enabled), keeping settings it is not given."""
    connection = connection_of(hotel)
    if connection is None:
        connection = PmsConnection(hotel_id=hotel.id, provider=provider, credentials={}, settings={})
        db.session.add(connection)
    connection.provider = provider
    connection.base_url = base_url.rstrip("/")
    connection.credentials = {**(connection.credentials or {}), **credentials}
    connection.settings = {**(connection.settings or {}), **settings}
    connection.enabled = True
    audit.record(hotel.id, "pms.connected", connection, after={"provider": provider, "base_url": base_url})
    return connection


def check(hotel: Hotel) -> str:
    """The property's name as the PMS gives it; raises PmsError when the address or tokens are wrong."""
    connection = connection_of(hotel)
    if connection is None:
        raise PmsRefused("No PMS connection")
    return _provider(connection).check()


def status(hotel: Hotel, rows: int = 50) -> PmsStatus:
    connection = connection_of(hotel)
    if connection is None:
        return PmsStatus(None)

    def count(state: PostingStatus) -> int:
        return (
            db.session.scalar(
                select(func.count()).where(PmsPosting.hotel_id == hotel.id, PmsPosting.status == state)
            )
            or 0
        )

    def some(state: PostingStatus) -> list[PmsPosting]:
        return list(
            db.session.scalars(
                select(PmsPosting)
                .where(PmsPosting.hotel_id == hotel.id, PmsPosting.status == state)
                .order_by(PmsPosting.id)
                .limit(rows)
            )
        )

    runs = list(
        db.session.scalars(
            select(PmsSyncRun)
            .where(PmsSyncRun.hotel_id == hotel.id)
            .order_by(PmsSyncRun.started_at.desc(), PmsSyncRun.id.desc())
            .limit(20)
        )
    )
    return PmsStatus(
        connection=connection,
        runs=runs,
        waiting=count(PostingStatus.PENDING),
        refused=count(PostingStatus.REFUSED),
        waiting_rows=some(PostingStatus.PENDING),
        refused_rows=some(PostingStatus.REFUSED),
    )
