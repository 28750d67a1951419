"""Guest pages on a catalog of 2,000 services: the demo's statements per page, small pages, filters that find.

The catalog is grown once for the module (seeding and copying take seconds): its tests only
read, so the per-test emptying of the database is replaced by one at the module's end.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlencode

import pytest
from sqlalchemy import select

from app.extensions import db, limiter
from app.models import Hotel, Package, Service, package_service
from app.models.ages import ADULT_AGE
from app.seed.big_catalog import grow_catalog
from app.services.catalog_search import fold
from tests.browsing import text
from tests.conftest import GuestActions
from tests.database import empty_tables
from tests.statements import statements_sent

SERVICES = 2000
MAX_BYTES = 60 * 1024
SERVICE_LINK = re.compile(r'href="/services/(\d+)"')
NEXT_PAGE = re.compile(r'<a class="button" rel="next" href="([^"]+)"')


@dataclass
class BigCatalog:
    guest: GuestActions
    hotel_id: int
    paths: dict[str, str]
    demo_statements: dict[str, int]  # per page, with the demo's catalog as seeded
    adults: int
    children_ages: list[int]


@pytest.fixture(autouse=True)
def _empty_database():
    """Replaces conftest's per-test emptying: this module's tests share one grown catalog, read only."""
    yield


@pytest.fixture(scope="module")
def big(app, demo_template):
    with app.app_context():
        hotel, stays = demo_template.seed()
        hotel_id, adults, children_ages = hotel.id, stays.in_house.adults, list(stays.in_house.children_ages)
        riding = db.session.scalar(
            select(Service.id).where(Service.hotel_id == hotel_id, Service.code == "horse_riding")
        )
    guest = GuestActions(app.test_client())
    assert guest.sign_in("204", "Garcia").status_code == 302
    slot = re.findall(r'name="slot" value="(\d+)"', text(guest.client.get(f"/services/{riding}")))[-1]
    assert guest.post(f"/services/{riding}", {"slot": slot, "adults": 1}).status_code == 302
    paths = {
        "home": "/home",
        "package": "/packages/family",
        "filtered package": "/packages/family?" + urlencode({"q": "kids", "setting": "indoor", "page": 2}),
        "service": f"/services/{riding}",
        "my stay": "/stay",
        "cart": "/cart",
    }
    demo = {name: statements(app, guest.client, path) for name, path in paths.items()}
    with app.app_context():
        demo_size = count_services(app, hotel_id)
        assert grow_catalog(db.session.get(Hotel, hotel_id), SERVICES) == SERVICES - demo_size
    yield BigCatalog(guest, hotel_id, paths, demo, adults, children_ages)
    with app.app_context():
        db.session.remove()
        with db.engine.begin() as connection:
            empty_tables(connection, db.metadata)
    limiter.reset()


def count_services(app, hotel_id: int) -> int:
    return db.session.scalar(select(db.func.count()).select_from(Service).where(Service.hotel_id == hotel_id))


def statements(app, client, path: str) -> int:
    """SQL statements sent for one view of ``path``, after a first view warmed it up."""
    assert client.get(path).status_code == 200
    with statements_sent(app) as sent:
        answer = client.get(path)
    assert answer.status_code == 200
    return len(sent)


def walk(client, path: str) -> tuple[list[int], list[str]]:
    """Every service a package lists for ``path``, following its "Next page" links; and each page's HTML."""
    ids, pages = [], []
    while path:
        answer = client.get(path)
        assert answer.status_code == 200, path
        page = text(answer)
        pages.append(page)
        ids += [int(found) for found in SERVICE_LINK.findall(page.split('class="service-list"', 1)[-1])]
        following = NEXT_PAGE.search(page)
        path = html.unescape(following.group(1)) if following else None
    return ids, pages


@pytest.mark.parametrize(
    "page",
    [
        "home",
        "package",
        "filtered package",
        "service",
        "my stay",
        "cart",
    ],
)
def test_a_page_sends_the_same_statements_with_2000_services_as_with_the_demo(app, big, page):
    with app.app_context():
        assert count_services(app, big.hotel_id) == SERVICES
    assert statements(app, big.guest.client, big.paths[page]) == big.demo_statements[page]


def test_home_shows_a_few_services_per_package_and_links_to_all_of_them(app, big):
    page = text(big.guest.client.get("/home"))
    assert len(page.encode()) <= MAX_BYTES
    with app.app_context():
        packages = db.session.scalars(
            select(Package).where(Package.hotel_id == big.hotel_id, Package.active.is_(True))
        ).all()
        on_sale = {
            package.code: db.session.scalar(
                select(db.func.count())
                .select_from(package_service.join(Service))
                .where(package_service.c.package_id == package.id, Service.active.is_(True))
            )
            for package in packages
        }
    for code, total in on_sale.items():
        section = page.split(f'id="pkg-{code}"', 1)[1].split("</section>", 1)[0]
        assert 1 <= len(SERVICE_LINK.findall(section)) <= 4
        assert total > 100
        assert f'<a href="/packages/{code}">See all {total} services</a>' in section


def test_every_service_is_reachable_through_pages_of_at_most_60_kb(app, big):
    reached = set()
    with app.app_context():
        codes = db.session.scalars(
            select(Package.code).where(Package.hotel_id == big.hotel_id, Package.active.is_(True))
        ).all()
        in_packages = set(
            db.session.scalars(
                select(Service.id)
                .join(package_service)
                .where(Service.hotel_id == big.hotel_id, Service.active.is_(True))
                .distinct()
            )
        )
    for code in codes:
        ids, pages = walk(big.guest.client, f"/packages/{code}")
        assert len(ids) == len(set(ids)), "a service listed twice across the pages"
        assert max(len(page.encode()) for page in pages) <= MAX_BYTES
        assert len(pages) > 1
        reached |= set(ids)
    assert reached == in_packages
    assert len(reached) == SERVICES


def test_a_search_without_accents_finds_a_vietnamese_title(app, big):
    with app.app_context():
        # The last copy: its four-digit number is part of no other copy's.
        boat = db.session.scalar(
            select(Service).where(Service.code.like("boat_trip_%")).order_by(Service.id.desc())
        )
        vietnamese, service_id = boat.title.localize("vi"), boat.id
    plain = fold(vietnamese)
    assert plain != vietnamese.casefold()  # the title has accents, the search has none
    found, _pages = walk(big.guest.client, "/packages/nature?" + urlencode({"q": plain.upper()}))
    assert found == [service_id]


def _from_price(service: Service) -> int:
    """What the card says "from" (templates/shared/_price_from.html), written out again in Python."""
    if service.kind.by_day:
        return service.price_unit
    return service.price_adult or service.price_child


def _expected(service: Service, filters: dict, big: BigCatalog) -> bool:
    children = big.children_ages
    adults_join = (service.max_age is None or service.max_age >= ADULT_AGE) and (
        service.min_age or 0
    ) <= ADULT_AGE
    checks = {
        "kind": lambda value: service.kind.value == value,
        "setting": lambda value: value in service.tags,
        "price": lambda value: _from_price(service) <= int(value.replace(",", "")),
        "fit": lambda value: (
            all(service.accepts_age(age) for age in children) and (adults_join or not big.adults)
            if value == "party"
            else ("kids" in service.tags or (service.max_age or ADULT_AGE) < ADULT_AGE)
            and any(service.accepts_age(age) for age in children)
        ),
    }
    return all(checks[name](value) for name, value in filters.items())


@pytest.mark.parametrize(
    "filters",
    [
        {"kind": "slot"},
        {"kind": "rental"},
        {"kind": "ticket"},
        {"setting": "indoor"},
        {"setting": "outdoor"},
        {"fit": "party"},
        {"fit": "children"},
        {"price": "300,000"},  # as English writes it; VND has no minor units
        {"kind": "slot", "setting": "outdoor", "fit": "children", "price": "500000"},
    ],
)
def test_each_filter_keeps_exactly_the_services_it_names_across_every_page(app, big, filters):
    with app.app_context():
        family = db.session.scalar(
            select(Package).where(Package.hotel_id == big.hotel_id, Package.code == "family")
        )
        services = db.session.scalars(
            select(Service)
            .join(package_service)
            .where(package_service.c.package_id == family.id, Service.active.is_(True))
        ).all()
        expected = {service.id for service in services if _expected(service, filters, big)}
        everything = {service.id for service in services}
    found, pages = walk(big.guest.client, "/packages/family?" + urlencode(filters))
    assert set(found) == expected
    assert len(found) == len(expected)
    assert 0 < len(expected) < len(everything)  # it narrows, and leaves something
    assert f"{len(expected)} services" in pages[0]
    if len(expected) > 24:
        assert len(pages) > 1  # so the filters were carried from page to page


def test_nothing_matching_says_so_and_offers_to_clear_the_filters(big):
    page = text(big.guest.client.get("/packages/family?" + urlencode({"q": "no such service here"})))
    assert "Nothing matches these filters." in page
    assert '<a href="/packages/family">Clear filters</a>' in page
    assert not SERVICE_LINK.search(page.split('role="status"', 1)[1])


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("page=-1", None),
        ("page=abc", None),
        ("page=99999999999999999999", None),
        ("page=100000", None),  # past the end: the last page
        ("price=xyz", "Please enter an amount like 1,250,000."),
        ("price=-5", None),
        ("price=1e99", "Please enter an amount like 1,250,000."),
        ("kind=bogus", "Please choose from the list."),
        ("fit=bogus", "Please choose from the list."),
        ("setting=bogus", "Please choose from the list."),
        ("kind=slot&kind=rental", None),
        ("q=" + "x" * 500, "Too long. Character limit: 80."),
        ("q=%00%25_", None),
    ],
)
def test_a_bad_parameter_is_answered_with_a_page_not_an_error(big, query, message):
    answer = big.guest.client.get(f"/packages/family?{query}")
    assert answer.status_code == 200
    page = text(answer)
    assert "services" in page.split('role="status"', 1)[1] or "Nothing matches" in page
    if message:
        assert message in html.unescape(page)
