"""Checking an uploaded photo and deriving what the portal shows of it.

A photo is judged by decoding its bytes, never by its name or the browser's
content type. The original is kept untouched (it is evidence); the display
copy and the thumbnail are fresh JPEGs with no metadata at all, so no GPS
position leaves the portal through them.

Phones take photos of 12 to 200 million pixels; the portal shows at most
2048 pixels of them. A JPEG is therefore decoded at 1/2, 1/4 or 1/8 of its
size (libjpeg scales while it decodes, Image.draft), and everything is made
from that one reduced image: the display copy (resized only when the scale
libjpeg offers is still larger than 2048 px), then the thumbnail from the
display copy, and the perceptual hash from the thumbnail. PNG, WebP and HEIC
have no such shortcut: they are decoded whole, so the guard against
decompression bombs is a budget of pixels for each decoder, measured by
bench/photo_pipeline.py so that any photo we take costs under 2 s and 300 MB
on the portal's two-core server.
"""

import hashlib
import io
import warnings
from dataclasses import dataclass
from datetime import datetime

import imagehash
import pillow_heif
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from core.uploads import short_name
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

# The budget: limits chosen from bench/photo_pipeline.py, so that every photo
# we take is checked in under 2 s and 300 MB, and a 12 MP phone JPEG in under
# 0.2 s and 150 MB, on the portal's two-core server (figures in the README).
#
# A JPEG sent in one scan, as cameras write them, is decoded reduced: its cost
# follows its bytes (at most 20 MB), hardly its pixels. 200 MP is the largest
# phone camera (16320 × 12240); such a photo costs about 0.6 s and 100 MB.
JPEG_MAX_PIXELS = 200_000_000
# A progressive JPEG, or one whose first scan holds only some of its colour
# components, makes libjpeg keep every DCT coefficient of the whole image
# (2 bytes a sample) at any scale. This store is capped: it admits a 50 MP
# progressive photo in the usual 4:2:0 colour (1.5 samples a pixel), 27 MP in
# full 4:4:4 colour.
JPEG_COEFFICIENT_BUDGET = 160 * 1024 * 1024
# PNG, WebP and HEIC are decoded whole. Their peak, measured, per pixel:
# PNG about 10 bytes (RGBA: the decoded image and Pillow's premultiplied
# copy for resizing), WebP about 19 (libwebp's two canvases, its output and
# Pillow's copy), HEIC about 9 (libheif's planes and RGB, Pillow's copy). A
# 24 MP phone HEIC (5712 × 4284) must pass; a 12 MP photo made WebP too.
FULL_DECODE_MAX_PIXELS = {"PNG": 20_000_000, "WEBP": 12_500_000, "HEIF": 25_000_000}
# libheif's time grows with the bytes as much as with the pixels, by about
# 0.12 s a MB: a 25 MP HEIC of 8 MB takes 1.6 s. (Phones' 24 MP HEICs: 3-6 MB.)
HEIC_MAX_BYTES = 8 * 1024 * 1024

# Pillow's own guard, Image.MAX_IMAGE_PIXELS, is global to the process and
# checked by Image.open for every image any code here opens: past it Pillow
# warns, past twice it refuses. Its default (89.5 MP, refusal at 179 MP)
# would refuse a 200 MP photo before the budget above could look at it, and
# it cannot be changed per call without racing other threads. So it is set
# once, here, to half our largest limit: Pillow itself still refuses anything
# past 200 MP, everywhere, and check_photo ignores its warning because the
# budget above is the finer judge.
Image.MAX_IMAGE_PIXELS = JPEG_MAX_PIXELS // 2
# libheif decodes a phone's HEIC tiles on several threads, each of which
# leaves its freed memory in a malloc arena of its own: checking 25 MP HEICs
# one after another, a process grew by about 36 MB with each (measured, eight
# in a row). One thread costs about 0.4 s more on such a photo and keeps the
# size flat.
pillow_heif.options.DECODE_THREADS = 1

DISPLAY_LONG_EDGE = 2048
# libjpeg decodes at 1/2, 1/4 or 1/8 of the size for a fraction of the cost of
# decoding whole. Where such a scale lands between 1920 and 2048 px it is the
# display copy as it comes, unresized: 12 MP (4000 → 2000 px), 48 and 50 MP
# (8000 → 2000, 8160 → 2040), 200 MP (16320 → 2040). A 12 MP photo then takes
# a quarter of the time of decoding it whole and resizing it to 2048. Scaled
# decoding averages as a box filter does (measured against Lanczos at the same
# size, the two score alike): text, faces and banners look the same; only
# patterns finer than the display's pixels (a far fence) may show a little moiré.
DISPLAY_LONG_EDGE_MIN = 1920
THUMBNAIL_LONG_EDGE = 400
JPEG_QUALITY = 85
EXIF_IFD = 0x8769
EXIF_ORIENTATION = 0x0112
EXIF_DATETIME_ORIGINAL = 36867
EXIF_OFFSET_TIME_ORIGINAL = 36881
TIFF_DATETIME = 306
# EXIF orientation → the turn that makes the photo upright (as ImageOps.exif_transpose).
UPRIGHT = {
    2: Image.Transpose.FLIP_LEFT_RIGHT,
    3: Image.Transpose.ROTATE_180,
    4: Image.Transpose.FLIP_TOP_BOTTOM,
    5: Image.Transpose.TRANSPOSE,
    6: Image.Transpose.ROTATE_270,
    7: Image.Transpose.TRANSVERSE,
    8: Image.Transpose.ROTATE_90,
}


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
    """Decode `upload` (reduced, when a JPEG) and derive its copies, or raise
    ValidationError in Chinese. Every byte of the photo is decoded, so a
    truncated file is refused."""
    name = getattr(upload, "name", "") or ""
    if upload.size == 0:
        raise ValidationError(_("“%(name)s” is empty.") % {"name": name}, code="empty")
    if upload.size > settings.PHOTO_MAX_BYTES:
        raise _too_large(name, settings.PHOTO_MAX_BYTES)
    upload.seek(0)
    original = upload.read()
    too_many_pixels = ValidationError(
        _("“%(name)s” has too many pixels to be a photo.") % {"name": name}, code="bomb"
    )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(original))
        if image.format not in ACCEPTED_FORMATS:
            raise ValidationError(
                _("“%(name)s” is not a photo we accept; please use JPEG, PNG, WebP or HEIC.")
                % {"name": name},
                code="format",
            )
        if image.format == "HEIF" and len(original) > HEIC_MAX_BYTES:
            raise _too_large(name, HEIC_MAX_BYTES)
        if _over_budget(image, original):
            raise too_many_pixels
        width, height = image.size
        if image.format in ("JPEG", "MPO"):
            # the smallest scale whose long edge is still at least DISPLAY_LONG_EDGE_MIN
            image.draft(None, _fit(image.size, DISPLAY_LONG_EDGE_MIN))
        image.load()  # decodes every byte: a truncated file fails here
    except Image.DecompressionBombError:
        raise too_many_pixels from None
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError):
        raise ValidationError(
            _("“%(name)s” is not a photo or is damaged; please choose the photo again.")
            % {"name": name},
            code="invalid",
        ) from None

    content_type, extension = ACCEPTED_FORMATS[image.format]
    taken_at = _capture_time(image)
    orientation = image.getexif().get(EXIF_ORIENTATION)
    display = _display_copy(image, _fit(image.size, DISPLAY_LONG_EDGE))  # image: maybe reduced
    if orientation in UPRIGHT:
        display = display.transpose(UPRIGHT[orientation])  # turned at 2048 px, not in full
    if orientation in (5, 6, 7, 8):  # a quarter turn: the upright original is the other way
        width, height = height, width
    thumbnail = _resized(display, _fit(display.size, THUMBNAIL_LONG_EDGE))
    return CheckedPhoto(
        original=original,
        original_name=short_name(name),
        content_type=content_type,
        extension=extension,
        # optimize (Huffman tables fitted to the picture) makes a thumbnail 4%
        # smaller for 1 ms; a display copy 2-4% smaller for 10 ms, an eighth of
        # checking a 12 MP photo: not worth it there.
        display=_jpeg(display),
        thumbnail=_jpeg(thumbnail, optimize=True),
        width=width,
        height=height,
        sha256=hashlib.sha256(original).hexdigest(),
        phash=str(imagehash.phash(thumbnail)),  # phash looks at 32 × 32 pixels: 400 is plenty
        taken_at=taken_at,
    )


def _too_large(name, limit):
    return ValidationError(
        _("“%(name)s” is larger than %(limit)d MB; please choose a smaller photo.")
        % {"name": name, "limit": limit // (1024 * 1024)},
        code="too_large",
    )


def _over_budget(image, data):
    """Whether decoding `image` (opened, not yet loaded) would cost more than we allow."""
    pixels = image.width * image.height
    if image.format in ("JPEG", "MPO"):
        if pixels > JPEG_MAX_PIXELS:
            return True
        if image.info.get("progressive") or _first_scan_components(data) < image.layers:
            coefficients = pixels * _samples_per_pixel(image)
            return 2 * coefficients > JPEG_COEFFICIENT_BUDGET
        return False
    return pixels > FULL_DECODE_MAX_PIXELS[image.format]


def _samples_per_pixel(image):
    """Samples a JPEG stores per pixel: 3 for full colour, 1.5 for the usual 4:2:0."""
    layers = image.layer  # (id, horizontal sampling, vertical sampling, table) per component
    widest = max(h for _, h, _, _ in layers)
    tallest = max(v for _, _, v, _ in layers)
    return sum(h * v for _, h, v, _ in layers) / (widest * tallest)


def _first_scan_components(data):
    """How many colour components the first scan of a JPEG holds (0 if none is found)."""
    at = 2  # past the start-of-image marker
    while at + 4 < len(data):
        if data[at] != 0xFF:
            return 0
        marker = data[at + 1]
        if marker == 0xFF:  # fill byte
            at += 1
        elif marker in (0x01, 0xD8) or 0xD0 <= marker <= 0xD7:  # markers without a length
            at += 2
        elif marker == 0xDA:  # start of scan: length (2 bytes), then the component count
            return data[at + 4]
        else:
            at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return 0


def _fit(size, long_edge):
    """`size` scaled down, keeping its shape, so that its longer side is at most `long_edge`."""
    width, height = size
    scale = long_edge / max(width, height)
    if scale >= 1:
        return size
    return max(1, round(width * scale)), max(1, round(height * scale))


def _display_copy(image, size):
    """The decoded `image` as an RGB image of `size`, transparency laid on white.

    Each step that makes a new full-size image closes the one before (closing
    frees the pixels however many names refer to them), so that at most two
    full-size images exist at once: the decoded photo and one conversion."""
    if image.mode.startswith("I"):
        # 16-bit greyscale: convert("L") would clip every value past 255 to
        # white, so shrink first (resize keeps 16 bits), then scale to 8 bits.
        image = _replacing(image, _resized(image, size, reducing_gap=None))  # no reduce() for I;16
        return image.convert("I").point(lambda value: value / 256).convert("L").convert("RGB")
    if image.mode == "P":
        image = _replacing(image, _palette_on_white(image))
    elif image.mode == "1":
        image = _replacing(image, image.convert("L"))
    elif image.has_transparency_data and image.mode not in ("LA", "RGBA"):
        image = _replacing(image, image.convert("RGBA"))  # one colour marked transparent
    elif image.mode not in ("L", "LA", "RGB", "RGBA"):
        image = _replacing(image, image.convert("RGB"))  # CMYK, YCbCr
    image = _replacing(image, _resized(image, size))
    if image.mode in ("LA", "RGBA"):
        white = Image.new("RGB", image.size, "white")
        white.paste(image, mask=image)  # resize weighed colours by their alpha: no dark fringe
        return white
    return image.convert("RGB") if image.mode == "L" else image


def _replacing(old, new):
    if new is not old:
        old.close()
    return new


def _palette_on_white(image):
    """A palette image as RGB, its transparent colours laid on white in the
    palette (256 entries) rather than in every pixel."""
    transparency = image.info.pop("transparency", None)
    if transparency is not None:
        palette = image.getpalette("RGB")
        alphas = [255] * (len(palette) // 3)
        if isinstance(transparency, int):  # one entry fully transparent
            if transparency < len(alphas):
                alphas[transparency] = 0
        else:  # an alpha for each of the first entries
            alphas[: len(transparency)] = transparency[: len(alphas)]
        image.putpalette(
            [
                round(255 - (255 - colour) * alpha / 255)
                for n, alpha in enumerate(alphas)
                for colour in palette[3 * n : 3 * n + 3]
            ]
        )
    return image.convert("RGB")


def _resized(image, size, reducing_gap=2.0):
    """`image` at `size`: bicubic, after a cheap integer reduction when it is far larger.

    Bicubic, as Pillow's thumbnail(): a third cheaper than Lanczos, and no
    different to the eye when shrinking (the two agree to 40-50 dB PSNR)."""
    if image.size == size:
        return image
    return image.resize(size, Image.Resampling.BICUBIC, reducing_gap=reducing_gap)


def _jpeg(image, optimize=False):
    out = io.BytesIO()
    # Pillow writes EXIF (and so GPS), XMP and ICC only when asked to, but it
    # carries the original's JPEG comment over unless given one: an empty one
    # writes none.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=optimize, comment=b"")
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
