"""Staff helpers for tests: accounts of each role and signing in through the real page."""

from __future__ import annotations

from app.extensions import db
from app.models import Hotel, StaffRole
from app.services import staff_accounts
from tests.browsing import FormActions

PASSWORD = "correct horse battery"


def make_staff(app, hotel_id: int, role: StaffRole, email: str | None = None) -> str:
    email = email or f"{role.value}@lodge.test"
    with app.app_context():
        staff_accounts.create_staff(db.session.get(Hotel, hotel_id), email, PASSWORD, role, name=role.value)
        db.session.commit()
    return email


class StaffActions(FormActions):
    email: str | None = None  # who signed in last on this client

    def sign_in(self, email: str, password: str = PASSWORD):
        self.email = email
        token = self.csrf("/staff/signin")
        return self.client.post(
            "/staff/signin", data={"csrf_token": token, "email": email, "password": password}
        )

    def sign_out(self):
        token = self.csrf("/desk/")
        return self.client.post("/staff/signout", data={"csrf_token": token})


def add_to_hotel(app, email: str, hotel_id: int, role: StaffRole) -> None:
    """``email``'s account works in ``hotel_id`` too, with ``role`` there."""
    with app.app_context():
        user = staff_accounts.account_named(email)
        staff_accounts.add_membership(db.session.get(Hotel, hotel_id), user, role)
        db.session.commit()


def second_hotel(app) -> dict:
    """A second hotel, "Beach Resort", with a service ("Kayak trip") and a guest (Tanaka) of its own."""
    from tests.factories import make_hotel, make_pool, make_service, make_stay

    with app.app_context():
        hotel = make_hotel(slug="beach-resort", name={"en": "Beach Resort"}, currency="MYR")
        service = make_service(hotel, make_pool(hotel, "kayaks", capacity=4), "kayak_trip")
        db.session.commit()
        stay = make_stay(hotel, room="501", surname="Tanaka")
        return {"hotel_id": hotel.id, "service_id": service.id, "stay_id": stay.id}
