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
