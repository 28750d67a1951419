"""Service photos: checked by their content, re-encoded and resized for phones, stored under new names.

Nothing the uploader sent is kept as is: not the name, not the bytes. Pillow decides the
format from the content (JPEG, PNG or WebP only), refuses images with more pixels than
``MAX_PIXELS`` (decompression bombs), and each accepted photo is re-encoded as WebP at a
few widths for ``srcset``.
"""

from __future__ import annotations

import secrets
import warnings
from pathlib import Path
from typing import BinaryIO

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from PIL import Image, ImageOps, UnidentifiedImageError

from app.extensions import db
from app.models import Service, ServicePhoto
from app.services.catalog_admin import reordered
from app.services.errors import LobbyError, NotFound
from app.services.transactions import operation

ALLOWED_FORMATS = {"JPEG", "PNG", "WEBP"}
WIDTHS = (320, 640, 1024)
MAX_PIXELS = 40_000_000  # 40 megapixels: any real camera, far below a bomb
MAX_PHOTOS = 8
# Pillow warns past this many pixels and raises past twice as many; both are refusals here.
Image.MAX_IMAGE_PIXELS = MAX_PIXELS


def folder() -> Path:
    path = Path(current_app.config["UPLOAD_FOLDER"])
    path.mkdir(parents=True, exist_ok=True)
    return path


@operation
def add_photo(service: Service, upload: BinaryIO) -> ServicePhoto:
    if len(service.photos) >= MAX_PHOTOS:
        raise LobbyError(
            ngettext(
                "A service can have at most %(num)d photo.",
                "A service can have at most %(num)d photos.",
                MAX_PHOTOS,
            )
        )
    image = open_image(upload)
    name = secrets.token_hex(16)
    widths = []
    for width in WIDTHS:
        if width > image.width and widths:
            break
        copy = image.copy()
        copy.thumbnail((width, width * 4))
        copy.save(folder() / f"{name}-{width}.webp", "WEBP", quality=82, method=4)
        widths.append(width)
    photo = ServicePhoto(
        hotel_id=service.hotel_id,
        service_id=service.id,
        name=name,
        widths=widths,
        # Last, also after a removal left a gap.
        position=max((photo.position for photo in service.photos), default=-1) + 1,
    )
    db.session.add(photo)
    return photo


def open_image(upload: BinaryIO) -> Image.Image:
    """The upload as an image, if its content is one we take (also for a hotel's logo)."""
    refused = LobbyError(_("Please upload a JPEG, PNG or WebP photo."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(upload)
            if image.format not in ALLOWED_FORMATS:
                raise refused
            if image.width * image.height > MAX_PIXELS:
                raise LobbyError(_("That photo has too many pixels. Please upload a smaller one."))
            image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning) as error:
        raise LobbyError(_("That photo has too many pixels. Please upload a smaller one.")) from error
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise refused from error
    # Turn the photo the way the camera meant it, then drop every bit of metadata (GPS too).
    image = ImageOps.exif_transpose(image)
    return image.convert("RGB") if image.mode not in ("RGB", "RGBA") else image


def _service_photo(service: Service, photo_id: int) -> ServicePhoto:
    photo = db.session.get(ServicePhoto, photo_id)
    if photo is None or photo.service_id != service.id:
        raise NotFound(_("We could not find that page."))
    return photo


@operation
def move_photo(service: Service, photo_id: int, step: int) -> None:
    """One place earlier (step -1) or later (+1); the service page shows the first few in this order."""
    photo = _service_photo(service, photo_id)
    for index, each in enumerate(reordered(service.photos, photo, step)):
        each.position = index


@operation
def remove_photo(service: Service, photo_id: int) -> None:
    """The photo and every file of it under the upload folder."""
    photo = _service_photo(service, photo_id)
    for width in photo.widths:
        (folder() / f"{photo.name}-{width}.webp").unlink(missing_ok=True)
    db.session.delete(photo)


def file_name_ok(name: str) -> bool:
    """Only names we generated: 32 hex digits, a dash, a width, .webp."""
    stem, _dot, extension = name.rpartition(".")
    token, _dash, width = stem.rpartition("-")
    return (
        extension == "webp"
        and len(token) == 32
        and all(c in "0123456789abcdef" for c in token)
        and width.isdigit()
    )
