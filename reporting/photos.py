"""Checking an uploaded photo and deriving what the portal shows of it.

A photo is judged by decoding its bytes, never by its name or the browser's
content type. The original is kept untouched (it is evidence); the display
copy and the thumbnail are fresh JPEGs with no metadata at all, so no GPS
position leaves the portal through them.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

import imagehash
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from reporting.periods import LOCAL

# Pillow's format name → the content type the original is served with.
ACCEPTED_FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "MPO": ("image/jpeg", "jpg"),  # what many phones' JPEGs decode as
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "HEIF": ("image/heic", "heic"),
}
# What the file pickers offer; listing the types lets iOS convert HEIC itself.
ACCEPT_ATTRIBUTE = "image/jpeg,image/png,image/webp,image/heic,image/heif"

DISPLAY_LONG_EDGE = 2048
THUMBNAIL_LONG_EDGE = 400
EXIF_IFD = 0x8769
EXIF_DATETIME_ORIGINAL = 36867
EXIF_OFFSET_TIME_ORIGINAL = 36881
TIFF_DATETIME = 306


@dataclass(frozen=True)
class CheckedPhoto:
    original: bytes
    original_name: str
    content_type: str
    extension: str
    display: bytes
    thumbnail: bytes
    width: int
    height: int
    sha256: str
    phash: str
    taken_at: datetime | None


def check_photo(upload):
    """Decode `upload` fully and derive its copies, or raise ValidationError in Chinese."""
    name = getattr(upload, "name", "") or ""
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise ValidationError(
            _("“%(name)s” is larger than %(limit)d MB; please choose a smaller photo.")
            % {"name": name, "limit": settings.PHOTO_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    original = upload.read()
    try:
        with warnings.catch_warnings():
            # Treat "possible decompression bomb" as the refusal it should be.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(original))
            if image.format not in ACCEPTED_FORMATS:
                raise ValidationError(
                    _("“%(name)s” is not a photo we accept; please use JPEG, PNG, WebP or HEIC.")
                    % {"name": name},
                    code="format",
                )
            image.load()  # decodes every byte: a truncated file fails here
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise ValidationError(
            _("“%(name)s” has too many pixels to be a photo.") % {"name": name}, code="bomb"
        ) from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is not a photo or is damaged; please choose the photo again.")
            % {"name": name},
            code="invalid",
        ) from None

    content_type, extension = ACCEPTED_FORMATS[image.format]
    taken_at = _capture_time(image)
    upright = ImageOps.exif_transpose(image).convert("RGB")
    return CheckedPhoto(
        original=original,
        original_name=name[-200:],
        content_type=content_type,
        extension=extension,
        display=_jpeg(upright, DISPLAY_LONG_EDGE),
        thumbnail=_jpeg(upright, THUMBNAIL_LONG_EDGE),
        width=upright.width,
        height=upright.height,
        sha256=hashlib.sha256(original).hexdigest(),
        phash=str(imagehash.phash(upright)),
        taken_at=taken_at,
    )


def _jpeg(image, long_edge):
    copy = image.copy()
    copy.thumbnail((long_edge, long_edge), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    # A new RGB image carries no EXIF, GPS or ICC metadata unless asked to.
    copy.save(out, "JPEG", quality=85, optimize=True)
    return out.getvalue()


def _capture_time(image):
    """The EXIF capture time, read as local time unless the photo names its offset."""
    exif = image.getexif()
    sub = exif.get_ifd(EXIF_IFD)
    raw = sub.get(EXIF_DATETIME_ORIGINAL) or exif.get(TIFF_DATETIME)
    if not isinstance(raw, str):
        return None
    try:
        taken = datetime.strptime(raw.strip("\x00 ")[:19], "%Y:%m:%d %H:%M:%S")
    except ValueError:
        return None
    offset = sub.get(EXIF_OFFSET_TIME_ORIGINAL)
    if isinstance(offset, str):
        try:
            return datetime.fromisoformat(taken.isoformat() + offset.strip("\x00 "))
        except ValueError:
            pass
    return taken.replace(tzinfo=LOCAL)
