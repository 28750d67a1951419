"""Sixteen people at once on every page, served by several gunicorn workers: no answer >= 500.

On SQLite (WAL) a page that read and then wrote (offer impressions on /home, page views
on a service) answered "database is locked" to 65 % of requests with only two guests at
once. This drives every guest and staff page, GETs and the common POSTs, for
LOAD_TEST_SECONDS (30 s by default) on the suite's database (SQLite, or PostgreSQL with
TEST_DATABASE_URL) and fails with the errors per page. `make bench-pages` runs the same
load as a benchmark.
"""

from __future__ import annotations

import os

from tests import load, servers

SECONDS = float(os.environ.get("LOAD_TEST_SECONDS", "30"))
CLIENTS = 16

# What the clients must have done for the run to mean anything: the pages that write.
MUST_SUCCEED = {
    "POST /signin": 302,
    "GET /s/<ref>": 302,
    "GET /home": 200,
    "GET /services/<id>": 200,
    "POST /services/<id>": 302,
    "POST /checkout": 302,
    "GET /orders/<ref>": 200,
    "POST /stay/requests/help": 302,
    "POST /bookings/<id>/cancel": 302,
    "POST /staff/signin": 302,
    "POST /desk/requests/<id>/status": 302,
    "POST /desk/stays/<id>/sell": 302,
    "GET /manage/dashboard": 200,
    "POST /manage/folio/exports": 302,
}


def test_sixteen_clients_on_every_page_get_no_server_error(app, database_url, tmp_path):
    guests = load.prepare(app)
    with servers.gunicorn(
        database_url,
        tmp_path,
        workers=2,
        GUEST_SIGNIN_LIMIT="100000 per minute",  # 16 people behind one address
        GUEST_LINK_LIMIT="100000 per minute",
    ) as base:
        report = load.drive(base, guests, SECONDS, CLIENTS)
    print(report.table())

    broken = {page: errors for page, errors in report.errors_per_page().items() if errors}
    assert not broken, f"{broken}\n{report.failures}\n{report.table()}"
    missing = [page for page, status in MUST_SUCCEED.items() if not report.answers.get(page, {}).get(status)]
    assert not missing, f"never answered as expected: {missing}\n{report.table()}"
