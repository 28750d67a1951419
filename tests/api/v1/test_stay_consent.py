"""The API's stays take the guest's answer to offers by email, recorded with source "api"."""

from __future__ import annotations

from sqlalchemy import select

from app.extensions import db
from app.models import ConsentRecord
from tests.api.v1.test_stays import put, reservation


def _records(app) -> list[tuple[bool, str]]:
    with app.app_context():
        return [
            (r.given, r.source) for r in db.session.scalars(select(ConsentRecord).order_by(ConsentRecord.id))
        ]


def test_put_records_the_answer_once_and_patch_changes_it(app, world, client, key):
    made = put(client, key, "R-1", reservation(world, marketing_consent=True))
    assert made.status_code == 201 and made.json["marketing_consent"] is True
    again = put(client, key, "R-1", reservation(world, marketing_consent=True))
    assert again.json["outcome"] == "unchanged"
    changed = client.patch(f"/api/v1/stays/{made.json['id']}", json={"marketing_consent": False}, headers=key)
    assert changed.status_code == 200 and changed.json["marketing_consent"] is False
    assert _records(app) == [(True, "api"), (False, "api")]
    # Left out, the answer stays as it is; null is not an answer.
    assert put(client, key, "R-1", reservation(world)).json["marketing_consent"] is False
    refused = client.patch(f"/api/v1/stays/{made.json['id']}", json={"marketing_consent": None}, headers=key)
    assert refused.status_code == 422
    assert client.get(f"/api/v1/stays/{made.json['id']}", headers=key).json["marketing_consent"] is False


def test_a_stay_never_asked_says_null_and_the_document_names_the_field(app, world, client, key):
    made = put(client, key, "R-2", reservation(world))
    assert made.json["marketing_consent"] is None
    document = client.get("/api/v1/openapi.json").get_data(as_text=True)
    assert "marketing_consent" in document
    assert _records(app) == []


def test_a_reservation_sent_again_after_erasure_brings_no_name_back(app, world, client, key):
    from app.models import Stay
    from app.services import guest_data

    made = put(client, key, "R-3", reservation(world))
    with app.app_context():
        guest_data.anonymise_stay(db.session.get(Stay, made.json["id"]), "erasure request")
    again = put(client, key, "R-3", reservation(world))
    assert again.status_code == 200 and again.json["outcome"] == "unchanged"
    assert (again.json["surname"], again.json["first_name"], again.json["email"]) == ("—", "", "")
