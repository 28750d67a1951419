"""No route leaks across hotels: every rule of ``app.url_map``, as each of hotel A's people, with B's ids.

Two hotels, A and B, each hold one of every object a route names (``tests/isolation_world.py``).
Each actor of A — anonymous, A's signed-in guest, A's receptionist, manager and admin, and A's API
key with every scope (``Authorization: Bearer``, on ``/api/…``) — requests every rule with every
method it accepts, its URL parameters filled with B's values, POSTs with a valid CSRF token and a
body that passes the forms' checks where it can (``form_body``, ``JSON_BODIES``). An answer is:

* for a rule with a parameter naming one of B's objects: 401, 403 or 404, or a redirect to a
  sign-in page (anonymous visitors and the guest on staff pages, staff on guest pages); 400/422
  only for the routes in ``REFUSED_BEFORE_LOOKUP``, whose body is checked before any lookup;
* for a rule naming nothing of B's (a list, a dashboard, a shared code): anything but a 5xx;
* in every case: no 5xx, no CSRF refusal, and none of B's markers (guest surnames and emails, order
  references, service titles, request texts, token names…) in the body or the ``Location``, once
  the values the request itself sent are taken out.
B's rows (every table with a ``hotel_id``, and the rows hanging off them) are digested before and
after each actor's walk: they must not change. Before its sign-out routes (walked last) each actor
is checked to still be who it was: no route signed it in as someone of B's.

A second walk puts A's own ids in the path and B's in the form (a slot, a pool, a service, a promo
code): A's people may then change A's rows, but B's must not change or show, and no row of A may
end up pointing at a row of B (``cross_hotel_references``). One more test opens B's real room link
and email link on a phone signed in to A: refused, or B's guest signed in instead, never both.

**Adding a route.** ``test_every_rule_is_covered`` fails for a rule whose parameter this file cannot
fill. Then:
1. a new parameter name naming an object of a hotel: add it to ``SUBSTITUTIONS`` with B's value
   (build the object in ``tests/isolation_world.py`` and put it in ``HotelWorld.values``);
2. a parameter name that means something else on one route (``name`` is a photo's file on
   ``/media/<name>`` but a report on ``/manage/dashboard/<name>.csv``): add ``(endpoint, name)`` to
   ``BY_ENDPOINT``; wrap a value in ``shared()`` when it names nothing of B's alone (A may hold the
   same code, or it is not an object at all) — A's own answer is then fine, B's markers still not;
3. a route that legitimately answers anyone (a static file, a sign-in page): ``PUBLIC``, with why;
   a route whose path holds a credential (a signed link): ``CREDENTIALS``, with how it is walked.
Set ``ISOLATION_TABLE=<file>`` to write the coverage table (routes × actors, answers per status).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import os
import re
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import StaffRole
from app.services import view_counts
from tests.database import empty_tables
from tests.isolation_world import HotelWorld, build_hotel
from tests.staff import PASSWORD, StaffActions

# --- The substitution table ---------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    text: str
    owned: bool = True  # names an object only B holds; False: A may hold the same, or it is no object


def shared(value: object) -> Value:
    return Value(str(value), owned=False)


def of_b(*keys: str) -> Callable[[HotelWorld], list[Value]]:
    return lambda b: [Value(str(b.values[key])) for key in keys]


# Path parameter name -> B's value(s). Each value is tried (several parameters: every combination).
SUBSTITUTIONS: dict[str, Callable[[HotelWorld], list[Value]]] = {
    "slug": of_b("slug"),
    "hotel_id": of_b("hotel_id"),
    "run_id": of_b("run_id"),
    "export_id": of_b("export_id"),
    "import_id": of_b("import_id"),
    "feedback_id": of_b("feedback_id"),
    "order_id": of_b("order_id"),
    # B's guest's booked line, B's cart line, and the PMS stay's line (refunded, with feedback)
    "line_id": of_b("booked_line_id", "cart_line_id", "line_id"),
    "package_id": of_b("package_id"),
    "payment_id": of_b("payment_id"),
    "refund_id": of_b("refund_id"),
    "request_id": of_b("guest_request_id", "request_id"),
    "service_id": of_b("service_id"),
    "stay_id": of_b("guest_stay_id", "stay_id"),
    # An outside system's id: hotels may share one, and PUT makes A's own stay with it.
    "pms_reservation_id": lambda b: [shared(b.values["pms_reservation_id"])],
    "reference": of_b("reference"),
    # A code both hotels hold (A's own package answers) and one only B holds.
    "code": lambda b: [shared("family"), Value(str(b.values["code"]))],
    "promo_id": of_b("promo_id"),
    "pool_id": of_b("pool_id"),
    "slot_id": of_b("slot_id"),
    "room_id": of_b("room_id"),
    "photo_id": of_b("photo_id"),
    "staff_id": of_b("staff_id"),
    "endpoint_id": of_b("endpoint_id"),
    "delivery_id": of_b("delivery_id"),
    "token_id": of_b("token_id"),
    "entry_id": of_b("entry_id"),
    "kind": lambda b: [shared("help")],  # a kind of request, not an object
}

# (endpoint, parameter) -> values, where a name means something else on one route.
BY_ENDPOINT: dict[tuple[str, str], Callable[[HotelWorld], list[Value]]] = {
    ("guest.media", "name"): of_b("photo_name"),
    ("manage.dashboard_csv", "name"): lambda b: [shared("services")],
    ("api_v1.problem_type", "slug"): lambda b: [shared("not-found")],
    ("static", "filename"): lambda b: [shared("css/guest.css")],
    # Credentials (see CREDENTIALS): B's token with one character changed.
    ("guest.token_signin", "token"): lambda b: [Value(tampered(b.values["access_token"]))],
    ("guest.email_link", "token"): lambda b: [Value(tampered(b.values["open_token"]))],
    ("guest.email_feedback", "token"): lambda b: [Value(tampered(b.values["feedback_token"]))],
    ("guest.unsubscribe", "token"): lambda b: [Value(tampered(b.values["unsubscribe_token"]))],
    ("guest.unsubscribe_one_click", "token"): lambda b: [Value(tampered(b.values["unsubscribe_token"]))],
}

# Routes that answer anyone, whatever the parameter: only "no 5xx and no B markers" is asked of them.
PUBLIC: dict[str, str] = {
    "static": "the app's own CSS, JS and images",
    "api.healthz": "health check for the load balancer; says nothing of any hotel",
    "api_v1.openapi_document": "the API's OpenAPI document, the same for every hotel",
    "api_v1.reference_page": "the API's reference page, the same for every hotel",
    "api_v1.problem_type": "the page describing an API problem type (`/problems/not-found`)",
    "guest.index": "the front door: redirects to sign-in or home",
    "guest.signin": "the guest sign-in page (its POST is walked with B's room, surname and reference)",
    "auth.signin": "the staff sign-in page (its POST is walked with B's staff e-mail and a wrong password)",
    "guest.language": "sets the interface language in the session",
    "auth.language": "sets a staff member's interface language",
    "guest.media": "service photos are public catalog pictures, served to anyone under a random name",
}

# Routes whose path holds the credential itself: holding B's real token *is* being B's guest, so the
# walk sends B's token with one character changed and expects it refused (404) for everyone.
CREDENTIALS: dict[str, str] = {
    "guest.token_signin": "a room QR code / one-tap link: the stay's access token",
    "guest.email_link": "a signed link from a guest email that signs the guest in",
    "guest.email_feedback": "a signed thank-you link, answerable without signing in",
    "guest.unsubscribe": "a signed unsubscribe link",
    "guest.unsubscribe_one_click": "the same, RFC 8058 one-click POST",
}

# Routes that end the actor's session: requested last in each walk.
SESSION_ENDING = ("guest.signout", "auth.signout")

# Routes whose body is refused (400/422) before the ids in the path are looked up, with why.
REFUSED_BEFORE_LOOKUP: dict[str, str] = {}

DENIED = {401, 403, 404}
# "group": an account of hotel A's group's office (a manager in every hotel of A's group; B is in another).
ACTORS = ["anonymous", "guest", "receptionist", "manager", "admin", "group", "api_key"]
SIGNED_IN = ACTORS[1:]  # an anonymous visitor can change nothing of A's to walk with


def tampered(token: str) -> str:
    """The token with one character in its middle changed: a signed token's last base64 character can
    change without changing its bytes, a character of the payload cannot."""
    middle = len(token) // 2
    return token[:middle] + ("x" if token[middle] != "x" else "y") + token[middle + 1 :]


def values_for(endpoint: str, name: str, b: HotelWorld) -> list[Value]:
    fill = BY_ENDPOINT.get((endpoint, name)) or SUBSTITUTIONS.get(name)
    if fill is None:
        raise KeyError(name)
    return fill(b)


def routes(app) -> list[tuple[str, str, list[str]]]:
    """(endpoint, method, rule) for every rule and method, session-ending routes last."""
    found = []
    for rule in app.url_map.iter_rules():
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            found.append((rule.endpoint, method, rule))
    return sorted(found, key=lambda item: (item[0] in SESSION_ENDING, item[2].rule, item[1]))


def fill_rule(rule, b: HotelWorld) -> list[tuple[str, list[Value]]]:
    """The rule's path with each combination of B's values, and the values used."""
    names = sorted(rule.arguments - set(rule.defaults or ()))
    choices = [values_for(rule.endpoint, name, b) for name in names]
    filled = []
    for combination in itertools.product(*choices):
        chosen = dict(zip(names, (value.text for value in combination), strict=True))
        arguments = {**(rule.defaults or {}), **chosen}
        path = rule.build(arguments, append_unknown=False)[1]
        filled.append((path, list(combination)))
    return filled


# --- The two hotels, built once for the module ---------------------------------------------------


@pytest.fixture
def _empty_database():
    """This module keeps its two hotels for all its tests; ``hotels`` empties the tables at the end."""
    yield


@pytest.fixture(scope="module")
def hotels(app):
    limits = {"API_RATE_LIMIT": "1000000 per minute", "GUEST_LINK_LIMIT": "1000000 per minute"}
    saved = {key: app.config[key] for key in limits}
    app.config.update(limits)
    with app.test_request_context():
        a = build_hotel("alder-lodge", "Alder Lodge", "Abbott", "204", "EUR")
        b = build_hotel("birch-lodge", "Birch Lodge", "Brennan", "214", "CHF")
        db.session.remove()
    yield a, b
    app.config.update(saved)
    limiter.reset()
    with app.app_context():
        view_counts.discard()
        db.session.remove()
        with db.engine.begin() as connection:
            empty_tables(connection, db.metadata)


# --- What an answer may say ----------------------------------------------------------------------


def rows_of(hotel_id: int) -> dict[str, str]:
    """A digest per table of the rows that belong to ``hotel_id``: its own and those hanging off them."""
    tables = db.metadata.tables
    owned_ids: dict[str, set] = {}
    digests: dict[str, str] = {}
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if "hotel_id" in table.c:
                rows = connection.execute(select(table).where(table.c.hotel_id == hotel_id)).all()
            elif table.name == "hotel":
                rows = connection.execute(select(table).where(table.c.id == hotel_id)).all()
            else:
                keys = [
                    (column, key.column.table.name)
                    for column in table.c
                    for key in column.foreign_keys
                    if "hotel_id" in tables[key.column.table.name].c
                ]
                if not keys:
                    continue
                rows = [
                    row
                    for row in connection.execute(select(table)).all()
                    if any(row._mapping[column.name] in owned_ids.get(parent, ()) for column, parent in keys)
                ]
            if "id" in table.c:
                owned_ids[table.name] = {row._mapping["id"] for row in rows}
            text = "\n".join(sorted(repr(tuple(row)) for row in rows))
            digests[table.name] = hashlib.sha256(text.encode()).hexdigest()
    return digests


def leaked_markers(response, b: HotelWorld, sent: list[str], public: bool = False) -> list[str]:
    """B's markers in the answer (its public ones too, unless the route is one of B's public pages)."""
    body = response.get_data().decode("utf-8", errors="replace")
    seen = body + "\n" + response.headers.get("Location", "")
    for value in sorted(sent, key=len, reverse=True):
        if value:
            seen = seen.replace(value, "")
    markers = b.markers if public else (*b.markers, *b.public_markers)
    return [marker for marker in markers if marker and marker in seen]


def to_sign_in(response) -> bool:
    location = response.headers.get("Location", "")
    return response.status_code in (302, 303) and re.search(r"/(staff/)?signin\b", location) is not None


# --- The actors ---------------------------------------------------------------------------------


def actor_client(app, actor: str, a: HotelWorld):
    """A test client for the actor, its CSRF token and its extra headers."""
    client = app.test_client()
    pages = StaffActions(client)
    headers: dict[str, str] = {}
    if actor == "anonymous":
        token = pages.csrf("/signin")
    elif actor == "guest":
        token = pages.csrf("/signin")
        answer = client.post(
            "/signin",
            data={
                "csrf_token": token,
                "method": "room",
                "room-room": a.guest_room,
                "room-surname": a.guest_surname,
            },
        )
        assert answer.status_code == 302, "A's guest could not sign in"
        token = pages.csrf("/stay")
    elif actor == "api_key":
        token = ""
        headers["Authorization"] = f"Bearer {a.api_token}"
    elif actor == "group":
        answer = pages.sign_in(a.group_office_email)
        assert answer.status_code == 302, "A's group office could not sign in"
        token = pages.csrf("/desk/")
    else:
        answer = pages.sign_in(a.staff_emails[StaffRole(actor)])
        assert answer.status_code == 302, f"A's {actor} could not sign in"
        token = pages.csrf("/desk/")
    return client, token, headers


def form_body(token: str, a: HotelWorld, b: HotelWorld) -> dict[str, str]:
    """One body for every form: fields each form checks, with B's ids wherever a field names one."""
    return {
        "csrf_token": token,
        # booking, waiting list, cart
        "slot": str(b.values["slot_id"]),
        "pool": str(b.values["pool_id"]),
        "services": str(b.values["service_id"]),
        "waitlist_slot": str(b.values["slot_id"]),
        "adults": "1",
        "quantity": "1",
        "days": "1",
        "payment_method": "room",
        "code": b.promo_code,
        "fee": "0",
        # requests, feedback
        "item": "crib",
        "details": "Please bring a lamp",
        "text": "A short note",
        "comment": "Fine",
        "rating": "4",
        "rate-rating": "4",
        "stay-rating": "4",
        "nps-score": "9",
        "item-item": "towels",
        "item-quantity": "1",
        "ask-details": "Is it on?",
        "help-details": "Please help",
        "complaint-details": "Too loud",
        "score": "9",
        "status": "acknowledged",
        "to": "acknowledged",
        "assignee": str(a.values["staff_id"]),  # A's own manager: B's would be refused by the form's choices
        "reason": "Checked",
        "amount": "1",
        "active": "0",
        "lang": "en",
        "role": "receptionist",
        "name": "Walk",
        "numbers": "499",
        "capacity": "5",
        "step": "1",
        "direction": "up",
    }


def sign_in_body(endpoint: str, b: HotelWorld) -> dict[str, str]:
    """The sign-in forms get B's people: B's guest on A's site, B's manager with a wrong password.

    Only there: a page that shows back what was typed has every value sent taken out of it
    before the markers are looked for, and B's surname must stay a marker everywhere else.
    """
    if endpoint == "guest.signin":
        return {
            "method": "room",
            "room-room": b.guest_room,
            "room-surname": b.guest_surname,
            "ref-reference": b.stay_reference,
            "ref-surname": b.guest_surname,
        }
    if endpoint == "auth.signin":
        return {"email": b.staff_emails[StaffRole.MANAGER], "password": PASSWORD + "-wrong"}
    return {}


# API bodies that pass validation, so the ownership check is what answers.
JSON_BODIES: dict[str, dict] = {
    "api_v1.request_update": {"status": "acknowledged"},
    "api_v1.patch_stay": {"email": "changed@example.org"},
}


# --- The walk -----------------------------------------------------------------------------------


@dataclass
class Answer:
    actor: str
    endpoint: str
    method: str
    path: str
    status: int
    problem: str = ""


RESULTS: dict[str, list[Answer]] = {}


def judge(actor: str, endpoint: str, response, values: list[Value], b: HotelWorld, sent: list[str]) -> str:
    """What is wrong with an answer, or ""."""
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if status == 429:
        return "rate limited: the walk did not reach the route"
    leaked = leaked_markers(response, b, sent, public=endpoint in PUBLIC)
    if leaked:
        return f"shows B's data: {leaked}"
    if endpoint in PUBLIC or not any(value.owned for value in values):
        return ""
    if status in DENIED or to_sign_in(response):
        return ""
    if status in (400, 422) and endpoint in REFUSED_BEFORE_LOOKUP:
        return ""
    return f"answered {status} to B's id (expected 401/403/404)"


def walk(
    app, actor: str, a: HotelWorld, b: HotelWorld, refusals: list[str], path_of: HotelWorld | None = None
) -> list[Answer]:
    """Every route as A's ``actor``; the path filled with B's values (or ``path_of``'s), bodies naming B's."""
    path_of = path_of or b
    client, token, headers = actor_client(app, actor, a)
    body = form_body(token, a, b)
    answers = []
    checked_identity = False
    for endpoint, method, rule in routes(app):
        api = rule.rule.startswith("/api/")
        if actor == "api_key" and not api:
            continue  # a key opens only the API; elsewhere it is an anonymous visitor, walked above
        if endpoint in SESSION_ENDING and not checked_identity:
            # Every answer so far was given to A's actor, not to someone a route signed in instead.
            answers += still_who_they_were(client, actor, a, headers)
            checked_identity = True
        for path, values in fill_rule(rule, path_of):
            if path_of is not b:
                values = [shared(value.text) for value in values]  # A's own objects: A may answer
            if endpoint in SESSION_ENDING:  # the guest's and the staff's sign-out both start a fresh session
                body["csrf_token"] = StaffActions(client).csrf("/signin")
            query = {}
            if endpoint == "api.mews_webhook":
                query["secret"] = a.pms_webhook_secret  # A's own secret on B's hotel
            sent = [path, *(value.text for value in values)]  # what the answer may show back
            before_refusals = len(refusals)
            if method == "GET":
                response = client.get(path, headers=headers, query_string=query)
            elif api:
                payload = JSON_BODIES.get(endpoint, {})
                sent += [json.dumps(payload), *map(str, payload.values())]
                response = client.open(path, method=method, headers=headers, json=payload, query_string=query)
            else:
                form = body | sign_in_body(endpoint, b)
                sent += form.values()
                response = client.open(path, method=method, headers=headers, data=form, query_string=query)
            problem = judge(actor, endpoint, response, values, b, sent)
            response.close()
            if len(refusals) > before_refusals:
                problem = problem or "refused by CSRF: the walk did not reach the route"
            answers.append(Answer(actor, endpoint, method, path, response.status_code, problem))
    return answers


def still_who_they_were(client, actor: str, a: HotelWorld, headers: dict[str, str]) -> list[Answer]:
    """An Answer with a problem when the walk's client is no longer A's actor (a route signed it in as B)."""
    if actor == "api_key":
        path, response = "/api/v1/hotel", client.get("/api/v1/hotel", headers=headers)
        ok = response.status_code == 200 and response.json.get("slug", a.slug) == a.slug
    elif actor == "guest":
        path, response = "/stay", client.get("/stay")
        ok = response.status_code == 200 and a.guest_surname in response.get_data(as_text=True)
    elif actor == "anonymous":
        path, response = "/stay", client.get("/stay")
        ok = to_sign_in(response)
    else:
        path, response = "/desk/", client.get("/desk/")
        name = a.group_office_name if actor == "group" else a.staff_names[StaffRole(actor)]
        ok = response.status_code == 200 and name in response.get_data(as_text=True)
    problem = "" if ok else "after the walk the client is no longer A's actor"
    return [Answer(actor, "(identity)", "GET", path, response.status_code, problem)] if problem else []


def cross_hotel_references() -> list[str]:
    """Rows of one hotel pointing at another hotel's row (a foreign key between hotel-owned tables).

    Staff accounts are left out: one account may work for several hotels (``StaffMembership``).
    """
    found = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            if "hotel_id" not in table.c:
                continue
            for column in table.c:
                for key in column.foreign_keys:
                    parent = key.column.table
                    if "hotel_id" not in parent.c or parent.name in ("staff_user", "hotel"):
                        continue
                    child_hotel = table.c.hotel_id
                    if parent is table:
                        continue
                    rows = connection.execute(
                        select(table.c.id if "id" in table.c else column, child_hotel, parent.c.hotel_id)
                        .select_from(table.join(parent, column == key.column))
                        .where(child_hotel != parent.c.hotel_id)
                    ).all()
                    found += [
                        f"{table.name}.{column.name} of hotel {r[1]} -> {parent.name} of hotel {r[2]}"
                        for r in rows
                    ]
    return found


def test_every_rule_is_covered(app, hotels):
    """A rule whose parameters this file cannot fill would escape the walk."""
    _a, b = hotels
    missing = []
    for endpoint, _method, rule in routes(app):
        for name in rule.arguments - set(rule.defaults or ()):
            try:
                values_for(endpoint, name, b)
            except KeyError:
                missing.append(f"{rule.rule} ({endpoint}): <{name}>")
    assert not missing, "add these to SUBSTITUTIONS or BY_ENDPOINT:\n" + "\n".join(sorted(set(missing)))
    for table in (PUBLIC, CREDENTIALS, REFUSED_BEFORE_LOOKUP):
        assert set(table) <= set(app.view_functions), f"stale entries: {set(table) - set(app.view_functions)}"


@pytest.mark.parametrize("actor", ACTORS)
def test_hotel_a_reaches_nothing_of_hotel_b(app, hotels, actor, csrf_refusals):
    a, b = hotels
    limiter.reset()
    with app.app_context():
        before = rows_of(b.hotel_id)
    answers = walk(app, actor, a, b, csrf_refusals)
    RESULTS[actor] = answers
    with app.app_context():
        db.session.remove()
        after = rows_of(b.hotel_id)
    changed = sorted(name for name in before if before[name] != after.get(name))
    offending = [f"{x.actor} {x.method} {x.path} -> {x.status}: {x.problem}" for x in answers if x.problem]
    assert not offending and not changed, (
        f"{len(offending)} answers leak or misbehave, B's tables changed: {changed}\n" + "\n".join(offending)
    )


@pytest.mark.parametrize("link", ["access_token", "open_token"])
def test_hotel_bs_own_link_on_hotel_as_phone_never_mixes_the_two(app, hotels, link):
    """B's real link (room QR code, email link) opened on a phone signed in to A: either refused, A's
    guest staying signed in, or B's guest signed in *instead* — never a session seeing both."""
    a, b = hotels
    client, _token, _headers = actor_client(app, "guest", a)
    path = f"/s/{b.values[link]}" if link == "access_token" else f"/e/{b.values[link]}"
    opened = client.get(path)
    page = client.get("/stay")
    body = page.get_data(as_text=True)
    assert page.status_code == 200
    if (
        opened.status_code == 404
    ):  # the site is A's (a host name or /h/<slug>/ naming A): B's link opens nothing
        assert a.guest_surname in body
        assert leaked_markers(page, b, []) == []
    else:
        assert opened.status_code == 302, opened.status_code
        assert b.guest_surname in body
        assert leaked_markers(page, a, []) == [], "B's guest sees A's guest's data"


@pytest.mark.parametrize("actor", SIGNED_IN)
def test_hotel_as_own_ids_with_hotel_bs_ids_in_the_body(app, hotels, actor, csrf_refusals):
    """A's own objects in the path, B's in the form (a slot, a pool, a service, a promo code, a guest):
    whatever A's people do to their own hotel, nothing of B's shows or changes, and no row of A ends up
    pointing at a row of B. Runs after the walks with B's ids: it changes A's own rows freely."""
    a, b = hotels
    limiter.reset()
    with app.app_context():
        before = rows_of(b.hotel_id)
        assert cross_hotel_references() == []
    answers = walk(app, actor, a, b, csrf_refusals, path_of=a)
    RESULTS[f"own ids: {actor}"] = answers
    with app.app_context():
        db.session.remove()
        after = rows_of(b.hotel_id)
        crossing = cross_hotel_references()
    changed = sorted(name for name in before if before[name] != after.get(name))
    offending = [f"{x.actor} {x.method} {x.path} -> {x.status}: {x.problem}" for x in answers if x.problem]
    offending = [
        line for line in offending if "no longer A's actor" not in line
    ]  # A's own check-out, sign-out
    assert not offending and not changed and not crossing, (
        f"B's tables changed: {changed}; rows pointing across hotels: {crossing}\n" + "\n".join(offending)
    )


def test_write_the_coverage_table(app, hotels):
    """With ISOLATION_TABLE set, the routes × actors table of answers (after the walks above)."""
    target = os.environ.get("ISOLATION_TABLE")
    if not target or not RESULTS:
        return
    with open(target, "w") as out:
        out.write(coverage_table(app, {actor: RESULTS[actor] for actor in ACTORS if actor in RESULTS}))
    own = {actor: RESULTS[f"own ids: {actor}"] for actor in ACTORS if f"own ids: {actor}" in RESULTS}
    if own:
        with open(f"{target}.own-ids.md", "w") as out:
            out.write(coverage_table(app, own))


def coverage_table(app, results: dict[str, list[Answer]]) -> str:
    """Markdown: a row per (method, rule), a column per actor, the answers' statuses with their counts."""
    per_route: dict[tuple[str, str], dict[str, Counter]] = defaultdict(lambda: defaultdict(Counter))
    for actor, answers in results.items():
        for answer in answers:
            rule = next(
                (r.rule for r in app.url_map.iter_rules() if r.endpoint == answer.endpoint), answer.path
            )
            per_route[(answer.method, rule)][actor][answer.status] += 1
    lines = ["| method | rule | " + " | ".join(ACTORS) + " |", "|---|---|" + "---|" * len(ACTORS)]
    totals: dict[str, Counter] = defaultdict(Counter)
    for (method, rule), by_actor in sorted(per_route.items(), key=lambda item: (item[0][1], item[0][0])):
        cells = []
        for actor in ACTORS:
            counts = by_actor.get(actor)
            totals[actor].update(counts or {})
            cells.append(
                ", ".join(f"{s}×{n}" if n > 1 else str(s) for s, n in sorted((counts or {}).items())) or "–"
            )
        lines.append(f"| {method} | `{rule}` | " + " | ".join(cells) + " |")
    lines.append(
        "| | **all** | "
        + " | ".join(", ".join(f"{s}×{n}" for s, n in sorted(totals[actor].items())) for actor in ACTORS)
        + " |"
    )
    return "\n".join(lines) + "\n"
