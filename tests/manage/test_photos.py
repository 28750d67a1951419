"""Photos: only real JPEG, PNG or WebP images, re-encoded at phone widths, no metadata, no bombs."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest
from PIL import Image
from sqlalchemy import select
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from app.models import ServicePhoto
from tests.reading import detached_rows


def image_bytes(fmt: str, size=(1200, 900), mode="RGB", **save) -> bytes:
    buffer = io.BytesIO()
    Image.new(mode, size, "white").save(buffer, fmt, **save)
    return buffer.getvalue()


def upload(manager, world, payload: bytes, filename: str = "photo.jpg"):
    path = f"/manage/services/{world.services['horse_riding']}"
    token = manager.csrf(path)
    response = manager.client.post(
        f"{path}/photos",
        data={"csrf_token": token, "photo": (io.BytesIO(payload), filename)},
        content_type="multipart/form-data",
    )
    return response, manager.client.get(path).get_data(as_text=True)


def photos(app) -> list[ServicePhoto]:
    return detached_rows(app, select(ServicePhoto))


def test_a_jpeg_is_stored_at_three_widths_without_its_metadata(app, manager, guest, world):
    exif = Image.Exif()
    exif[0x010F] = "SpyCam"  # camera maker
    response, page = upload(manager, world, image_bytes("JPEG", exif=exif.tobytes()))
    assert response.status_code == 302
    assert "Photo added." in page
    (photo,) = photos(app)
    assert photo.widths == [320, 640, 1024]
    folder = Path(app.config["UPLOAD_FOLDER"])
    for width in photo.widths:
        with Image.open(folder / f"{photo.name}-{width}.webp") as stored:
            assert (stored.format, stored.width) == ("WEBP", width)
            assert not stored.getexif()  # nothing of the original's metadata survives

    guest.sign_in()
    service_page = guest.client.get(f"/services/{world.services['horse_riding']}").get_data(as_text=True)
    srcset = re.search(r'srcset="([^"]+)"', service_page).group(1)
    assert srcset.count("w,") == 2 and srcset.endswith("1024w")
    served = guest.client.get(f"/media/{photo.name}-640.webp")
    assert served.status_code == 200
    assert served.mimetype == "image/webp"
    assert "max-age=31536000" in served.headers["Cache-Control"]
    served.close()  # the test client streams the file; a browser would read it to the end


def test_a_small_png_is_not_blown_up(app, manager, world):
    response, _page = upload(manager, world, image_bytes("PNG", size=(200, 100)), "tiny.png")
    assert response.status_code == 302
    assert photos(app)[0].widths == [320]  # one file, kept at its own 200 px


@pytest.mark.parametrize(
    ("payload", "filename", "message"),
    [
        (b"GIF89a" + b"\x00" * 40, "cat.gif", "Please upload a JPEG, PNG or WebP photo."),
        (image_bytes("GIF", mode="P"), "cat.jpg", "Please upload a JPEG, PNG or WebP photo."),
        (
            b"<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>",
            "x.png",
            "JPEG, PNG or WebP",
        ),
        (b"just some text, not a picture", "notes.jpg", "Please upload a JPEG, PNG or WebP photo."),
        (image_bytes("JPEG")[:400], "cut.jpg", "Please upload a JPEG, PNG or WebP photo."),
        (image_bytes("PNG", size=(9000, 9000), mode="1"), "bomb.png", "That photo has too many pixels."),
    ],
)
def test_anything_else_is_refused_with_a_clear_message(app, manager, world, payload, filename, message):
    files_before = set(Path(app.config["UPLOAD_FOLDER"]).glob("*"))
    response, page = upload(manager, world, payload, filename)
    assert response.status_code == 302
    assert message in page
    assert photos(app) == []
    assert set(Path(app.config["UPLOAD_FOLDER"]).glob("*")) == files_before  # nothing written


def test_media_serves_only_names_we_made(app, guest, world):
    for name in ("../../config.py", "x.webp", "0" * 32 + "-320.png", "%2e%2e%2fconfig.py"):
        assert guest.client.get(f"/media/{name}").status_code == 404
    assert guest.client.get(f"/media/{'a' * 32}-320.webp").status_code == 404  # a good name, no file


def test_removing_a_photo_deletes_its_files(app, manager, world):
    upload(manager, world, image_bytes("JPEG"))
    (photo,) = photos(app)
    path = f"/manage/services/{world.services['horse_riding']}"
    assert manager.post(f"{path}/photos/{photo.id}/delete", {}, page=path).status_code == 302
    assert photos(app) == []
    assert not list(Path(app.config["UPLOAD_FOLDER"]).glob(f"{photo.name}-*.webp"))


def test_an_upload_over_the_limit_stays_on_the_editor_and_says_the_limit(app, manager, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024 * 1024)  # MAX_UPLOAD_MB=1
    path = f"/manage/services/{world.services['horse_riding']}"
    # Encoded in memory: the test client would spool a body this big to a temporary file that
    # nobody reads (the app refuses it unread) and so nobody closes.
    boundary, body = encode_multipart(
        {
            "csrf_token": manager.csrf(path),
            "photo": FileStorage(io.BytesIO(b"\xff" * (1024 * 1024 + 1)), "big.jpg"),
        }
    )
    response = manager.client.post(
        f"{path}/photos", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )
    assert response.status_code == 413
    page = response.get_data(as_text=True)
    assert "<h1>Horse riding</h1>" in page  # the service editor, not a bare error page
    assert 'aria-describedby="photo-error"' in page
    assert "That photo is too large: the limit is 1 MB. Please choose a smaller one." in page
    assert 'value="Horse riding"' in page  # its fields as stored
    assert photos(app) == []


def test_an_oversized_upload_to_someone_elses_editor_is_still_refused(app, client, world, monkeypatch):
    monkeypatch.setitem(app.config, "MAX_CONTENT_LENGTH", 1024)
    response = client.post(
        f"/manage/services/{world.services['horse_riding']}/photos",
        data={"photo": (io.BytesIO(b"x" * 4096), "big.jpg")},
        content_type="multipart/form-data",
    )
    assert response.status_code in (401, 403, 413)
    assert "Horse riding" not in response.get_data(as_text=True)
