"""Managers edit the offer in every language; guests see it at once; no script gets through."""

from __future__ import annotations

import html
import re

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import Hotel, Package, Service, ServiceTag
from app.services import rich_text
from app.services.money import input_text
from tests.conftest import GuestActions

PRICES = ("price_adult", "price_child", "price_unit")


def confirm_token(page: str) -> str | None:
    """The value of the page's "Confirm and save" button, when it asks to confirm new prices."""
    match = re.search(r'name="confirm_prices" value="([^"]*)"', page)
    return match.group(1) if match else None


def save_confirmed(manager, path: str, fields: dict):
    """Save a service whose prices change: the page asks to confirm them, the manager confirms."""
    asked = manager.post(path, fields)
    assert asked.status_code == 200, asked.get_data(as_text=True)[-800:]
    token = confirm_token(asked.get_data(as_text=True))
    assert token
    return manager.post(path, {**fields, "confirm_prices": token})


def service_form(app, world, service_code: str, **changes) -> dict:
    """The edit form as the page would post it, with ``changes`` applied."""
    with app.app_context():
        service = db.session.get(Service, world.services[service_code])
        fields = {
            # The prices as the page shows them: saving them unchanged needs no confirmation.
            **{name: input_text(getattr(service, name), "EUR", "en") for name in PRICES},
            "free_under_age": "",
            "min_age": str(service.min_age or ""),
            "max_age": str(service.max_age or ""),
            "duration_minutes": str(service.duration_minutes),
            "lead_time_minutes": str(service.lead_time_minutes),
            "cancel_window_hours": str(service.cancel_window_hours),
            "late_cancel_fee_percent": "",
            "active": "y",
            "position": "0",
        }
        for locale in ("en", "vi"):
            for name in ("title", "summary", "description"):
                fields[f"{name}_{locale}"] = getattr(service, name).as_dict().get(locale, "")
    return fields | changes


def test_edit_texts_in_two_languages_and_prices_round_trip(app, manager, guest, world):
    path = f"/manage/services/{world.services['horse_riding']}"
    page = manager.client.get(path).get_data(as_text=True)
    assert 'value="60.00"' in page  # EUR 60.00 shown as staff type it
    assert re.search(r"<title>Horse riding · [^<]+</title>", page)  # the page title is only a title

    fields = service_form(
        app,
        world,
        "horse_riding",
        title_en="Trail ride in the pines",
        title_vi="Cưỡi ngựa rừng thông",
        description_vi="**Mũ bảo hiểm** có sẵn.",
        price_adult="65.50",
    )
    saved = save_confirmed(manager, path, fields)
    assert saved.status_code == 302
    with app.app_context():
        service = db.session.get(Service, world.services["horse_riding"])
        assert service.title.as_dict() == {"en": "Trail ride in the pines", "vi": "Cưỡi ngựa rừng thông"}
        assert service.price_adult == 6550

    guest.sign_in()
    guest.post("/language", {"lang": "vi", "next": "/home"}, page="/home")
    seen = guest.client.get(f"/services/{world.services['horse_riding']}").get_data(as_text=True)
    assert "Cưỡi ngựa rừng thông" in seen
    assert "<strong>Mũ bảo hiểm</strong>" in seen


def test_the_main_language_title_is_required_and_bad_input_keeps_what_was_typed(app, manager, world):
    path = f"/manage/services/{world.services['horse_riding']}"
    refused = manager.post(
        path, service_form(app, world, "horse_riding", title_en="", title_vi="Chỉ tiếng Việt")
    )
    assert refused.status_code == 400
    page = refused.get_data(as_text=True)
    assert "Please write the title in the hotel&#39;s main language." in page
    assert 'value="Chỉ tiếng Việt"' in page

    for changes, message in [
        ({"price_adult": "abc"}, "Please enter an amount like"),
        ({"min_age": "12", "max_age": "8"}, "The minimum age must not be above the maximum age."),
        ({"duration_minutes": "0"}, "Please enter a number from 1 to 43200."),
    ]:
        response = manager.post(path, service_form(app, world, "horse_riding", **changes))
        assert response.status_code == 400, changes
        assert message in response.get_data(as_text=True), changes
    with app.app_context():
        assert db.session.get(Service, world.services["horse_riding"]).title.localize("en") == "Horse riding"


def test_coverage_badges_count_the_texts_per_language(app, manager, world):
    page = manager.client.get("/manage/catalog").get_data(as_text=True)
    # 2 packages x 2 texts + 5 services x 3 texts = 19; the factory writes no vi descriptions
    # and package texts only in English: vi has 5 titles + 5 summaries.
    assert "en 19/19" in page
    assert "vi 10/19" in page
    assert "vi missing: Description (Markdown)" in page


def test_pausing_a_service_hides_it_from_guests(app, manager, guest, world):
    path = f"/manage/services/{world.services['pony_ride']}"
    fields = service_form(app, world, "pony_ride")
    del fields["active"]
    assert manager.post(path, fields).status_code == 302
    guest.sign_in()
    assert guest.client.get(f"/services/{world.services['pony_ride']}").status_code == 404


def test_a_new_service_starts_paused_and_needs_a_unique_code(app, manager, world):
    with app.app_context():
        pool_id = db.session.get(Service, world.services["horse_riding"]).pool_id
    fields = service_form(app, world, "horse_riding", code="sunset_ride", kind="slot", pool=str(pool_id))
    fields["title_en"] = "Sunset ride"
    del fields["active"]
    created = save_confirmed(manager, "/manage/services/new", fields)
    assert created.status_code == 302
    with app.app_context():
        service = db.session.scalar(select(Service).where(Service.code == "sunset_ride"))
        assert (service.active, service.pool_id, service.title.localize("en")) == (
            False,
            pool_id,
            "Sunset ride",
        )
    again = manager.post("/manage/services/new", fields)
    assert again.status_code == 409


def test_a_price_change_is_saved_only_once_confirmed_in_the_hotels_currency(app, manager, world):
    path = f"/manage/services/{world.services['horse_riding']}"
    fields = service_form(app, world, "horse_riding", price_adult="350", title_en="Long ride")

    asked = manager.post(path, fields)
    page = html.unescape(asked.get_data(as_text=True))
    assert asked.status_code == 200
    assert "Please confirm the new prices" in page
    assert "Price per adult: €350.00 (was €60.00)" in page
    assert "Price per child" not in page.split("Please confirm the new prices")[1].split("</section>")[0]
    assert 'value="350"' in page and 'value="Long ride"' in page  # what was typed stays
    token = confirm_token(page)
    with app.app_context():
        service = db.session.get(Service, world.services["horse_riding"])
        assert (service.price_adult, service.title.localize("en")) == (6000, "Horse riding")

    # Changed again before confirming: the confirmation was for another amount, so it asks again.
    changed = manager.post(path, {**fields, "price_adult": "35", "confirm_prices": token})
    assert changed.status_code == 200
    assert "Price per adult: €35.00 (was €60.00)" in html.unescape(changed.get_data(as_text=True))
    # A confirmation forged for an amount other than the one typed does not save either.
    forged = manager.post(path, {**fields, "confirm_prices": token.replace("35000", "3500")})
    assert forged.status_code == 200 and confirm_token(forged.get_data(as_text=True)) == token
    with app.app_context():
        assert db.session.get(Service, world.services["horse_riding"]).price_adult == 6000

    confirmed = manager.post(path, {**fields, "confirm_prices": token})
    assert confirmed.status_code == 302
    with app.app_context():
        service = db.session.get(Service, world.services["horse_riding"])
        assert (service.price_adult, service.title.localize("en")) == (35000, "Long ride")
    shown = manager.client.get(path).get_data(as_text=True)
    assert 'value="350.00"' in shown  # shown back as the staff member's locale writes it


def test_a_vnd_price_typed_with_dots_in_english_is_refused_not_saved_a_thousand_times_lower(
    app, manager, world
):
    with app.app_context():
        db.session.get(Hotel, world.hotel_id).currency = "VND"
        db.session.commit()
    path = f"/manage/services/{world.services['horse_riding']}"
    fields = service_form(app, world, "horse_riding", price_adult="350.000")
    fields.update(price_child="4,000", price_unit="0")
    refused = manager.post(path, fields)
    assert refused.status_code == 400
    page = html.unescape(refused.get_data(as_text=True))
    assert "Did you mean ₫350,000?" in page
    assert 'value="350.000"' in page
    with app.app_context():
        assert db.session.get(Service, world.services["horse_riding"]).price_adult == 6000

    asked = manager.post(path, {**fields, "price_adult": "350,000"})
    assert "Price per adult: ₫350,000 (was ₫6,000)" in html.unescape(asked.get_data(as_text=True))
    assert (
        manager.post(
            path,
            {
                **fields,
                "price_adult": "350,000",
                "confirm_prices": confirm_token(asked.get_data(as_text=True)),
            },
        ).status_code
        == 302
    )
    with app.app_context():
        assert db.session.get(Service, world.services["horse_riding"]).price_adult == 350000


HOSTILE = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"><circle/></svg>',
    "<iframe src='https://evil.example'></iframe>",
    '<p style="background:url(javascript:alert(1))">x</p>',
    "<style>body{display:none}</style>",
    '<form action="https://evil.example"><input name=x></form>',
    "<object data=x></object><embed src=x>",
    '<a href="&#106;avascript:alert(1)">x</a>',
    "![x](https://evil.example/track.png)",
    '<div onmouseover="alert(1)">hover</div>',
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    '"><script>alert(1)</script>',
    "<base href='https://evil.example/'>",
    "<meta http-equiv='refresh' content='0;url=https://evil.example'>",
    '[ok](https://example.com "title" onclick=alert(1))',
]


DANGERS = ("<script", "onerror", "onload", "onclick", "onmouseover", "javascript:", "<iframe", "<img", "<svg")
DANGERS += ("style=", "<style", "<form", "<object", "<embed", "data:text", "<base", "<meta")


@pytest.mark.parametrize("text", HOSTILE)
def test_no_hostile_markdown_gets_through(text):
    html = str(rich_text.render(text)).lower()
    for danger in DANGERS:
        assert danger not in html, (text, html)


def test_the_small_formatting_subset_stays():
    html = str(rich_text.render("**bold** and *soft*\n\n- one\n- two\n\n[site](https://example.com)"))
    assert "<strong>bold</strong>" in html and "<em>soft</em>" in html
    assert "<li>one</li>" in html
    assert '<a href="https://example.com" rel="noopener noreferrer nofollow">site</a>' in html


def test_a_new_package_with_its_services_appears_for_guests(app, manager, world):
    fields = {
        "code": "rainy_day",
        "title_en": "Rainy day",
        "summary_en": "Indoors and cosy.",
        "title_vi": "",
        "summary_vi": "",
        "services": [str(world.services["farm_visit"]), str(world.services["crib"])],
        "active": "y",
        "position": "5",
        "bundle_size": "2",
        "bundle_percent": "10",
    }
    created = manager.post("/manage/packages/new", fields, page="/manage/packages/new")
    assert created.status_code == 302
    with app.app_context():
        package = db.session.scalar(select(Package).where(Package.code == "rainy_day"))
        assert sorted(service.code for service in package.services) == ["crib", "farm_visit"]
        assert (package.bundle_size, package.bundle_percent) == (2, 10)
        package_id = package.id
    phone = GuestActions(app.test_client())  # the guest's own phone: the manager stays signed in
    phone.sign_in()
    page = phone.client.get("/packages/rainy_day").get_data(as_text=True)
    assert "Rainy day" in page and "Farm visit" in page and "Crib" in page

    # Taking a service out of the package on its edit page.
    edit = dict(fields, services=[str(world.services["farm_visit"])])
    del edit["code"]
    assert manager.post(f"/manage/packages/{package_id}", edit).status_code == 302
    with app.app_context():
        assert [s.code for s in db.session.get(Package, package_id).services] == ["farm_visit"]
    assert manager.post("/manage/packages/new", fields, page="/manage/packages/new").status_code == 409


def test_managers_tick_what_a_service_is_and_the_offers_read_it(app, manager, world):
    path = f"/manage/services/{world.services['car_rental']}"
    page = manager.client.get(path).get_data(as_text=True)
    ticked = re.findall(r'<input[^>]*checked[^>]*name="tags"[^>]*value="([a-z]+)"', page) or re.findall(
        r'<input[^>]*name="tags"[^>]*value="([a-z]+)"[^>]*checked', page
    )
    assert ticked == ["rental"]  # as stored
    assert "Excursion or day out" in page and "For children" in page  # labels, not codes
    assert len(re.findall(r'name="tags"', page)) == len(ServiceTag)

    fields = service_form(app, world, "car_rental", price_unit="55.00")
    saved = manager.client.post(
        path,
        data={"csrf_token": manager.csrf(path), **fields, "tags": ["outdoor", "excursion", "rental"]},
    )
    assert saved.status_code == 302
    with app.app_context():
        assert db.session.get(Service, world.services["car_rental"]).tags == [
            "excursion",
            "rental",
            "outdoor",
        ]

    refused = manager.client.post(
        path, data={"csrf_token": manager.csrf(path), **fields, "tags": ["spaceship"]}
    )
    assert refused.status_code == 400
    assert "Please choose from the list." in refused.get_data(as_text=True)
    with app.app_context():
        assert db.session.get(Service, world.services["car_rental"]).tags == [
            "excursion",
            "rental",
            "outdoor",
        ]
