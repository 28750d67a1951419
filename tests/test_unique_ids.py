"""No page repeats an element id: a label (and aria-describedby) finds the first element with its id,
so a second form on the page would have an unlabelled field. Every guest and staff page of the busy
demo, where forms repeat per booking, per rating, per request."""

from __future__ import annotations

from collections import Counter
from html.parser import HTMLParser

from app.seed.demo import DEMO_STAFF_PASSWORD
from tests.conftest import GuestActions
from tests.demo_site import MANAGER, busy_demo
from tests.staff import StaffActions


class _Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: Counter[str] = Counter()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name == "id" and value is not None:
                self.ids[value] += 1


def repeated_ids(page: str) -> dict[str, int]:
    parser = _Ids()
    parser.feed(page)
    return {name: count for name, count in parser.ids.items() if count > 1}


def test_the_parser_finds_a_repeated_id():
    page = '<form><input id="csrf_token"></form><form><input id="csrf_token"><textarea id="text">'
    assert repeated_ids(page) == {"csrf_token": 2}


def test_no_page_of_the_busy_demo_repeats_an_id(app, demo_template):
    site = busy_demo(app, demo_template)
    guest = GuestActions(app.test_client())
    assert guest.sign_in("204", "Garcia").status_code == 302
    manager = StaffActions(app.test_client())
    assert manager.sign_in(MANAGER, DEMO_STAFF_PASSWORD).status_code == 302
    anonymous = app.test_client()

    found = {}
    for client, paths in (
        (anonymous, site.public_paths),
        (guest.client, site.guest_paths),
        (manager.client, site.staff_paths),
    ):
        for path in paths:
            response = client.get(path)
            assert response.status_code == 200, path
            repeated = repeated_ids(response.get_data(as_text=True))
            if repeated:
                found[path] = repeated
    assert found == {}, "\n".join(f"{path}: {ids}" for path, ids in found.items())
    assert len(site.staff_paths) > 40 and len(site.guest_paths) > 25
