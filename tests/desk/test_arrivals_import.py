"""Arrivals files (CSV, Excel) become stays row by row; refused rows are reported with their reasons."""

from __future__ import annotations

import io
import random
import re
from datetime import date, datetime, timedelta

import pytest
from openpyxl import Workbook
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.extensions import db
from app.models import AuditEntry, StaffRole, Stay, StaySource, Tier
from app.models.integrations import ArrivalImport
from app.services import arrival_imports
from tests.browsing import text
from tests.reading import detached_rows
from tests.staff import make_staff

PAGE = "/desk/arrivals"
BOM = "\ufeff"


@pytest.fixture
def desk(app, staff, world):
    """``staff``, signed in as the world hotel's receptionist."""
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    return staff


def upload(staff, content: bytes | str, filename: str = "arrivals.csv"):
    data = content.encode() if isinstance(content, str) else content
    # Encoded in memory: the test client would spool a large body to a temporary file it never closes.
    boundary, body = encode_multipart(
        {"csrf_token": staff.csrf(PAGE), "arrivals": FileStorage(io.BytesIO(data), filename)}
    )
    return staff.client.post(PAGE, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def imported_stays(app) -> dict[str, Stay]:
    rows = detached_rows(app, select(Stay).where(Stay.source == StaySource.IMPORT))
    return {stay.pms_reservation_id: stay for stay in rows}


def imports(app) -> list[ArrivalImport]:
    return detached_rows(app, select(ArrivalImport).order_by(ArrivalImport.id))


def ahead(world, days: int) -> date:
    return world.today + timedelta(days=days)


def arrivals_csv(world, separator: str = ",") -> str:
    a, d = ahead(world, 7).isoformat(), ahead(world, 10).isoformat()
    rows = [
        [
            "reservation",
            "surname",
            "first_name",
            "email",
            "language",
            "arrival",
            "departure",
            "adults",
            "children_ages",
            "room",
            "tier",
        ],
        ["M-1001", "Schmidt", "Anna", "Anna@Example.com", "de-AT", a, d, "2", "4, 9", "", "gold"],
        ["M-1002", "Nguyễn", "Minh", "", "vi", a, d, "1", "", "305", ""],
    ]
    return "\r\n".join(separator.join(f'"{cell}"' if "," in cell else cell for cell in row) for row in rows)


def test_a_csv_with_a_byte_order_mark_makes_its_stays_and_a_report(app, desk, world):
    answer = upload(desk, BOM + arrivals_csv(world))
    assert answer.status_code == 302
    report = desk.client.get(answer.headers["Location"])
    assert report.status_code == 200
    assert "Every row was imported." in text(report)

    stays = imported_stays(app)
    assert set(stays) == {"M-1001", "M-1002"}
    schmidt = stays["M-1001"]
    assert (schmidt.surname, schmidt.first_name, schmidt.email) == ("Schmidt", "Anna", "Anna@example.com")
    assert (schmidt.arrival, schmidt.departure) == (ahead(world, 7), ahead(world, 10))
    assert (schmidt.adults, schmidt.children_ages, schmidt.tier, schmidt.room) == (2, [4, 9], Tier.GOLD, "")
    assert schmidt.locale == "en"  # German is not a language of this hotel: its default
    assert stays["M-1002"].locale == "vi" and stays["M-1002"].room == "305"

    (record,) = imports(app)
    assert (record.filename, record.created, record.updated, record.unchanged, record.refused) == (
        "arrivals.csv",
        2,
        0,
        0,
        [],
    )
    with app.app_context():
        entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "arrivals.imported"))
        assert entry.after["created"] == 2 and entry.actor_name == "receptionist"
    history = text(desk.client.get(PAGE))
    assert "arrivals.csv" in history and f"/desk/arrivals/{record.id}" in history


def test_semicolons_day_first_dates_and_other_header_names_are_read(app, desk, world):
    a, d = ahead(world, 3), ahead(world, 5)
    content = (
        "Reservation ID;Last Name;First-Name;Check-In;Check out;Adults;Children;Room Number;Notes\n"
        f"77;Dupont;Luc;{a:%d.%m.%Y};{d:%d/%m/%Y};3;0;112;late arrival\n"
    )
    answer = upload(desk, content)
    assert answer.status_code == 302
    page = text(desk.client.get(answer.headers["Location"]))
    assert "Every row was imported." in page
    dupont = imported_stays(app)["77"]
    assert (dupont.arrival, dupont.departure, dupont.adults, dupont.children_ages, dupont.room) == (
        a,
        d,
        3,
        [0],
        "112",
    )
    # The column Lobby does not read is named once, so a misspelt header is noticed.
    assert "notes" in page.lower()


def test_an_excel_workbook_with_number_and_date_cells_is_read(app, desk, world):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        ["Reservation", "Surname", "Arrival", "Departure", "Adults", "Children_ages", "Room", "Tier"]
    )
    arrival = datetime.combine(ahead(world, 2), datetime.min.time())
    sheet.append([10421, "Kowalski", arrival, ahead(world, 4), 2, 7, 204, "Silver"])
    sheet.append([None, None, None, None, None, None, None, None])  # a blank row is skipped
    sheet.append(
        ["10422", "Ito", ahead(world, 2).isoformat(), f"{ahead(world, 6):%d.%m.%Y}", 1.0, "3,5", None, None]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    answer = upload(desk, buffer.getvalue(), "arrivals.xlsx")
    assert answer.status_code == 302
    stays = imported_stays(app)
    kowalski = stays["10421"]
    assert (kowalski.arrival, kowalski.departure, kowalski.adults) == (ahead(world, 2), ahead(world, 4), 2)
    assert (kowalski.children_ages, kowalski.room, kowalski.tier) == ([7], "204", Tier.SILVER)
    assert stays["10422"].children_ages == [3, 5] and stays["10422"].departure == ahead(world, 6)


def test_refused_rows_are_reported_with_each_reason_and_the_good_rows_are_kept(app, desk, world):
    a, d = ahead(world, 7).isoformat(), ahead(world, 10).isoformat()
    content = "\n".join(
        [
            "reservation,surname,arrival,departure,adults,children_ages,tier,email,language",
            f"OK-1,Good,{a},{d},2,,,,",
            f"BAD-1,,{a},{a},0,,platinum,not-an-email,",
            f"BAD-2,Late,12/31/2026,{d},two,4;19,,,",
            f",Nobody,{a},{d},1,,,,",
            f"OK-1,Again,{a},{d},1,,,,",
            f"BAD-3,Lang,{a},{d},1,,,,no such language!",
        ]
    )
    answer = upload(desk, content)
    assert answer.status_code == 302
    assert set(imported_stays(app)) == {"OK-1"}
    (record,) = imports(app)
    assert record.created == 1
    reasons = {entry["row"]: entry["errors"] for entry in record.refused}
    assert sorted(reasons) == [3, 4, 5, 6, 7]
    assert reasons[3] == [
        "tier: Please write standard, silver or gold.",
        "surname: Please enter the guest's surname.",
        "departure: The departure must be after the arrival.",
        "adults: Please enter a number from 1 to 10.",
        "email: " + reasons[3][-1].split(": ", 1)[1],
    ]
    assert reasons[4] == [
        "arrival: “12/31/2026” is not a date: please write 2026-12-24 or 24.12.2026.",
        "adults: Please give the number of adults as a whole number.",
        "children_ages: A child's age must be from 0 to 17.",
    ]
    assert reasons[5] == ["reservation: Please give the reservation's id in your PMS."]
    assert reasons[6] == ["reservation: This reservation is already in row 2 of this file."]
    assert reasons[7] == ["language: Please give a language code such as “en” or “de-AT”."]

    page = text(desk.client.get(answer.headers["Location"]))
    assert "Refused rows" in page and "The departure must be after the arrival." in page


def test_importing_the_same_file_again_changes_nothing_and_a_changed_row_updates_its_stay(app, desk, world):
    content = arrivals_csv(world)
    upload(desk, content)
    with app.app_context():
        entries = db.session.scalar(select(db.func.count()).select_from(AuditEntry))
    assert upload(desk, content).status_code == 302
    second = imports(app)[-1]
    assert (second.created, second.updated, second.unchanged, second.refused) == (0, 0, 2, [])
    with app.app_context():  # only the import itself is recorded: no stay changed
        assert db.session.scalar(select(db.func.count()).select_from(AuditEntry)) == entries + 1

    upload(desk, content.replace(",305,", ",306,"))
    third = imports(app)[-1]
    assert (third.created, third.updated, third.unchanged) == (0, 1, 1)
    assert imported_stays(app)["M-1002"].room == "306"


def test_the_template_downloads_and_imports_as_it_is(app, desk, world):
    template = desk.client.get("/desk/arrivals/template.csv")
    assert template.status_code == 200 and template.mimetype == "text/csv"
    body = template.get_data()
    assert body.startswith(BOM.encode()) and b"reservation,surname,first_name" in body
    assert upload(desk, body, "arrivals-template.csv").status_code == 302
    assert set(imported_stays(app)) == {"R-10421", "R-10422"}


def _junk(world) -> list[tuple[str, bytes]]:
    a = ahead(world, 2).isoformat()
    good_header = "reservation,surname,arrival,departure\n"
    rng = random.Random(14)
    cases = [
        ("empty.csv", b""),
        ("spaces.csv", b"   \n\n  "),
        ("random.bin", bytes(rng.randrange(256) for _ in range(3000))),
        ("nul.csv", b"reservation,surname\x00,arrival,departure\nA,B,C,D\n"),
        ("fake.xlsx", b"PK\x03\x04" + bytes(rng.randrange(256) for _ in range(500))),
        ("old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 200),
        (
            "latin1.csv",
            ("reservation,surname,arrival,departure\nX1,Müller," + a + "," + a + "\n").encode("latin-1"),
        ),
        ("no-header.csv", f"M-1,Smith,{a},{a}\n".encode()),
        ("header-only.csv", good_header.encode()),
        ("twice.csv", b"reservation,surname,arrival,departure,Surname\n"),
        ("quote.csv", b'reservation,surname,arrival,departure\n"unclosed,x,y,z\n'),
        ("huge.csv", (good_header + "x" * (arrival_imports.MAX_BYTES + 10)).encode()),
        ("rows.csv", (good_header + f"R,S,{a},{a}\n" * (arrival_imports.MAX_ROWS + 1)).encode()),
        ("image.png", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(200))),
    ]
    for number in range(12):
        length = rng.randrange(1, 400)
        alphabet = "reservation,surname;arrival\tdeparture\n\"'=é€\x00\r 0123456789-./"
        cases.append((f"fuzz{number}.csv", "".join(rng.choice(alphabet) for _ in range(length)).encode()))
    return cases


def test_junk_files_get_one_clear_message_and_never_a_server_error(app, desk, world):
    for filename, content in _junk(world):
        answer = upload(desk, content, filename)
        page = text(answer)
        assert answer.status_code in (302, 400), (filename, answer.status_code)
        if answer.status_code == 400:
            assert re.search(r'<p class="error" id="arrivals-error">[^<]+</p>', page), filename
    by_name = {name: record for name, record in ((r.filename, r) for r in imports(app))}
    assert "huge.csv" not in by_name and "empty.csv" not in by_name  # a refused file records nothing


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "The file is empty."),
        ("name,room\nA,1\n", "The header row lacks the columns reservation, surname, arrival, departure."),
        ("reservation,surname,arrival,departure\n", "The file has a header row but no arrivals under it."),
        ("reservation,surname,arrival,departure\n".encode("utf-16"), None),
        ("reservation,surname,arrival,departure\nA,M\xfcller,x,y\n".encode("latin-1"), "CSV UTF-8"),
        (b"\xd0\xcf\x11\xe0rest", "Old Excel files (.xls) are not read."),
    ],
)
def test_a_bad_file_says_what_is_wrong(app, desk, world, content, message):
    answer = upload(desk, content)
    assert answer.status_code == 400
    if message:
        assert message in text(answer)
    assert imports(app) == []


def test_utf16_with_tabs_is_read(app, desk, world):
    a, d = ahead(world, 1).isoformat(), ahead(world, 2).isoformat()
    content = f"reservation\tsurname\tarrival\tdeparture\nU-1\tΠαπαδόπουλος\t{a}\t{d}\n".encode("utf-16")
    assert upload(desk, content, "arrivals.txt").status_code == 302
    assert imported_stays(app)["U-1"].surname == "Παπαδόπουλος"


def test_no_file_chosen_is_a_message(app, desk):
    answer = desk.post(PAGE, {}, content_type="multipart/form-data")
    assert answer.status_code == 400
    assert "Please choose the arrivals file to upload." in text(answer)


def test_who_may_import(app, client, world, staff, phone):
    assert client.get(PAGE).status_code == 302  # signed out: to the staff sign-in
    assert "/staff/signin" in client.get(PAGE).headers["Location"]
    assert phone.client.get(PAGE).status_code == 302  # a guest is no staff member
    assert phone.client.post(PAGE, data={}).status_code in (400, 401)
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.RECEPTIONIST))
    assert staff.client.get(PAGE).status_code == 200
    staff.sign_out()
    staff.sign_in(make_staff(app, world.hotel_id, StaffRole.MANAGER))
    assert staff.client.get(PAGE).status_code == 200


def test_a_report_of_another_hotel_is_not_found(app, desk, world):
    from tests.factories import make_hotel

    with app.app_context():
        other = make_hotel("other-lodge")
        record = ArrivalImport(hotel_id=other.id, filename="theirs.csv")
        db.session.add(record)
        db.session.commit()
        record_id = record.id
    assert desk.client.get(f"/desk/arrivals/{record_id}").status_code == 404
