"""Photos are judged by decoding their bytes; the original is kept, copies are clean."""

import hashlib
import io
import os
from datetime import datetime

import imagehash
import numpy as np
import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image, ImageOps, ImageStat

from core.uploads import (
    MAX_EXTENSION_BYTES,
    MAX_NAME_BYTES,
    ShortNameTemporaryFileUploadHandler,
    short_name,
)
from reporting import photos
from reporting.periods import LOCAL
from reporting.photos import check_photo
from tests.conftest import jpeg_bytes


def upload(data, name="photo.jpg", content_type="image/jpeg"):
    return SimpleUploadedFile(name, data, content_type)


def png_bytes(size, mode="RGB"):
    out = io.BytesIO()
    Image.new(mode, size).save(out, "PNG")
    return out.getvalue()


def image_bytes(fmt, size=(320, 240)):
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


SVG = (
    b'<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'
    b"<script>alert(1)</script></svg>"
)
BAD_UPLOADS = [
    (
        "text renamed .jpg",
        lambda: upload(b"just some notes, not a photo\n" * 20),
        "不是照片或文件已损坏",
    ),
    ("truncated JPEG", lambda: upload(jpeg_bytes()[:2000]), "不是照片或文件已损坏"),
    ("SVG", lambda: upload(SVG, "logo.svg", "image/svg+xml"), "不是照片或文件已损坏"),
    ("0-byte file", lambda: upload(b""), "是空文件"),
    ("decompression bomb", lambda: upload(png_bytes((10000, 10000), "1"), "bomb.png"), "像素过多"),
    ("over 20 MB", lambda: upload(jpeg_bytes() + b"\0" * (20 * 1024 * 1024)), "超过20MB"),
    (
        "GIF is not a photo format we take",
        lambda: upload(image_bytes("GIF"), "a.gif"),
        "不是可接受的照片格式",
    ),
]


@pytest.mark.parametrize(("case", "make", "message"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_bad_uploads_are_refused_in_chinese(case, make, message):
    with pytest.raises(ValidationError) as refusal:
        check_photo(make())
    assert message in refusal.value.messages[0], case


def test_a_bomb_past_twice_the_limit_is_refused(monkeypatch):
    """Past twice Pillow's limit, opening the file itself refuses it."""
    monkeypatch.setattr(Image, "MAX_IMAGE_PIXELS", 10_000)
    with pytest.raises(ValidationError, match="像素过多"):
        check_photo(upload(png_bytes((300, 300)), "big.png"))


@pytest.mark.parametrize(
    ("fmt", "content_type"),
    [("JPEG", "image/jpeg"), ("PNG", "image/png"), ("WEBP", "image/webp"), ("HEIF", "image/heic")],
)
def test_accepted_formats(fmt, content_type):
    pillow_heif.register_heif_opener()
    checked = check_photo(upload(image_bytes(fmt), "photo.bin", "application/octet-stream"))
    assert checked.content_type == content_type
    assert Image.open(io.BytesIO(checked.display)).format == "JPEG"


def test_jpeg_with_html_after_its_end_is_accepted_as_the_photo_it_is():
    data = jpeg_bytes() + b"<html><script>alert(1)</script></html>"
    checked = check_photo(upload(data))
    assert checked.original == data
    assert checked.content_type == "image/jpeg"


def test_original_kept_untouched_and_hashed():
    data = jpeg_bytes(exif_time="2021:04:10 09:31:00")
    checked = check_photo(upload(data))
    assert checked.original == data
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert len(checked.phash) == 16
    assert checked.taken_at == datetime(2021, 4, 10, 9, 31, tzinfo=LOCAL)


def test_display_copy_is_upright_small_and_without_metadata():
    exif = Image.Exif()
    exif[0x0112] = 6  # rotated: the camera held upright
    exif[306] = "2021:04:10 09:31:00"
    gps = exif.get_ifd(0x8825)
    gps[1] = "N"
    gps[2] = (24.0, 48.0, 0.0)
    out = io.BytesIO()
    Image.new("RGB", (3000, 2000), (10, 120, 60)).save(out, "JPEG", exif=exif)
    checked = check_photo(upload(out.getvalue()))
    display = Image.open(io.BytesIO(checked.display))
    assert display.size == (1365, 2048)  # turned upright, long edge 2048
    assert not display.getexif()
    assert "exif" not in display.info
    thumbnail = Image.open(io.BytesIO(checked.thumbnail))
    assert max(thumbnail.size) == 400
    assert not thumbnail.getexif()


def test_capture_time_honours_the_offset_the_photo_names():
    exif = Image.Exif()
    exif.get_ifd(0x8769)[36867] = "2021:04:10 01:31:00"
    exif.get_ifd(0x8769)[36881] = "+00:00"
    out = io.BytesIO()
    Image.new("RGB", (64, 64)).save(out, "JPEG", exif=exif)
    assert check_photo(upload(out.getvalue())).taken_at == datetime(
        2021, 4, 10, 9, 31, tzinfo=LOCAL
    )


# Photos as phones take them (issue 7): large, in every mode, with odd names.


@pytest.fixture(scope="session")
def photo_108mp(tmp_path_factory):
    """A 108 MP JPEG (12000 × 9000) held upright by the camera: mostly flat, so made fast."""
    image = Image.new("RGB", (12000, 9000), (40, 90, 160))
    image.paste((230, 200, 20), (0, 0, 6000, 9000))  # a yellow left half, to see it survive
    exif = Image.Exif()
    exif[0x0112] = 6
    path = tmp_path_factory.mktemp("photos") / "108mp.jpg"
    image.save(path, "JPEG", quality=90, exif=exif)
    return path.read_bytes()


def test_a_108_mp_phone_photo_is_accepted_and_shown_at_2048_pixels(photo_108mp):
    checked = check_photo(upload(photo_108mp))
    display = Image.open(io.BytesIO(checked.display))
    assert display.size == (1536, 2048)  # turned upright, long edge 2048
    assert (checked.width, checked.height) == (9000, 12000)  # the upright original's size
    assert max(Image.open(io.BytesIO(checked.thumbnail)).size) == 400
    top = display.getpixel((768, 10))  # the left (yellow) half is on top once upright
    assert top[0] > 200 and top[2] < 60
    assert checked.original == photo_108mp


def test_a_truncated_large_jpeg_is_still_refused(photo_108mp):
    """Decoding at 1/4 scale still reads every byte: a cut-off file fails."""
    with pytest.raises(ValidationError, match="不是照片或文件已损坏"):
        check_photo(upload(photo_108mp[: len(photo_108mp) * 2 // 3]))


def test_a_png_over_the_pixel_budget_is_refused_in_chinese():
    over = photos.FULL_DECODE_MAX_PIXELS["PNG"] + 5200
    with pytest.raises(ValidationError, match="像素过多"):
        check_photo(upload(png_bytes((5200, over // 5200), "L"), "big.png"))


def encoded(image, fmt, **options):
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


BUDGETS = [
    ("PNG", ("FULL_DECODE_MAX_PIXELS", "PNG"), lambda: png_bytes((64, 64))),
    ("WebP", ("FULL_DECODE_MAX_PIXELS", "WEBP"), lambda: image_bytes("WEBP", (64, 64))),
    ("HEIC", ("FULL_DECODE_MAX_PIXELS", "HEIF"), lambda: image_bytes("HEIF", (64, 64))),
    ("JPEG", ("JPEG_MAX_PIXELS", None), lambda: jpeg_bytes((64, 64))),
    (
        "progressive JPEG: every coefficient held at once",
        ("JPEG_COEFFICIENT_BUDGET", None),
        lambda: encoded(Image.new("RGB", (64, 64)), "JPEG", progressive=True),
    ),
]


@pytest.mark.parametrize(("case", "limit", "data"), BUDGETS, ids=[b[0] for b in BUDGETS])
def test_each_decoder_refuses_past_its_own_budget(monkeypatch, case, limit, data):
    pillow_heif.register_heif_opener()
    name, key = limit
    check_photo(upload(data(), "photo.bin"))  # accepted within the budget
    if key is None:
        monkeypatch.setattr(photos, name, 64 * 64 - 1)
    else:
        monkeypatch.setitem(getattr(photos, name), key, 64 * 64 - 1)
    with pytest.raises(ValidationError, match="像素过多"):
        check_photo(upload(data(), "photo.bin"))


def test_a_heic_is_also_limited_in_bytes_which_its_decoding_time_follows(monkeypatch):
    pillow_heif.register_heif_opener()
    data = image_bytes("HEIF", (64, 64))
    monkeypatch.setattr(photos, "HEIC_MAX_BYTES", len(data) - 1)
    with pytest.raises(ValidationError, match="超过"):
        check_photo(upload(data, "photo.heic"))
    check_photo(upload(image_bytes("PNG", (64, 64)), "photo.png"))  # other formats: 20 MB


def test_a_progressive_jpeg_is_budgeted_by_what_it_holds_not_only_its_pixels(monkeypatch):
    """4:2:0 colour holds 1.5 samples a pixel; 4:4:4 holds 3, twice the memory."""
    monkeypatch.setattr(photos, "JPEG_COEFFICIENT_BUDGET", 2 * 64 * 64 * 2)
    image = Image.new("RGB", (64, 64))
    check_photo(upload(encoded(image, "JPEG", progressive=True, subsampling="4:2:0")))
    with pytest.raises(ValidationError, match="像素过多"):
        check_photo(upload(encoded(image, "JPEG", progressive=True, subsampling="4:4:4")))
    check_photo(upload(encoded(image, "JPEG", subsampling="4:4:4")))  # one scan: reduced


def half_dark(mode, dark, light, size=(400, 200)):
    """An image of `mode`, its left half `dark`, its right half `light`."""
    image = Image.new(mode, size, light)
    image.paste(dark, (0, 0, size[0] // 2, size[1]))
    return image


def sixteen_bit_ramp():
    """A 16-bit greyscale PNG rising evenly from black to white, left to right."""
    ramp = np.tile(np.linspace(0, 65535, 400).astype(np.uint16), (200, 1))
    return encoded(Image.fromarray(ramp), "PNG")


def palette_with_transparency(transparency):
    image = half_dark("P", 1, 0)
    image.putpalette([255, 0, 0, 0, 0, 0])  # index 0 red (and transparent), 1 black
    return encoded(image, "PNG", transparency=transparency)


# The display copy of each, seen in grey, is half black, half white: mean 127.5.
MODES = [
    ("8-bit greyscale PNG", lambda: encoded(half_dark("L", 0, 255), "PNG")),
    ("16-bit greyscale PNG", lambda: encoded(half_dark("I;16", 0, 65535), "PNG")),
    ("1-bit PNG", lambda: encoded(half_dark("1", 0, 1), "PNG")),
    (
        "palette PNG",
        lambda: encoded(half_dark("RGB", (0, 0, 0), (255, 255, 255)).quantize(), "PNG"),
    ),
    ("palette PNG, one colour transparent", lambda: palette_with_transparency(0)),
    ("palette PNG, an alpha per colour", lambda: palette_with_transparency(b"\x00\xff")),
    (
        "RGB PNG, one colour transparent",
        lambda: encoded(half_dark("RGB", (0, 0, 0), (255, 0, 0)), "PNG", transparency=(255, 0, 0)),
    ),
    ("greyscale + alpha PNG, on white", lambda: encoded(half_dark("LA", (0, 255), (0, 0)), "PNG")),
    (
        "RGBA PNG, transparency on white",
        lambda: encoded(half_dark("RGBA", (0, 0, 0, 255), (255, 0, 0, 0)), "PNG"),
    ),
    (
        "RGBA WebP, transparency on white",
        lambda: encoded(half_dark("RGBA", (0, 0, 0, 255), (255, 0, 0, 0)), "WEBP", lossless=True),
    ),
    ("CMYK JPEG", lambda: encoded(half_dark("CMYK", (0, 0, 0, 255), (0, 0, 0, 0)), "JPEG")),
    ("greyscale JPEG", lambda: encoded(half_dark("L", 0, 255), "JPEG")),
]


@pytest.mark.parametrize(("case", "make"), MODES, ids=[m[0] for m in MODES])
def test_every_mode_keeps_its_brightness_in_the_display_copy(case, make):
    display = Image.open(io.BytesIO(check_photo(upload(make(), "photo.bin")).display))
    assert display.mode == "RGB"
    grey = display.convert("L")
    assert ImageStat.Stat(grey).mean[0] == pytest.approx(127.5, abs=6), case
    assert grey.getpixel((350, 100)) > 245, case  # the light (or transparent) half is white


def test_a_16_bit_greyscale_png_is_not_shown_all_white():
    """Pillow's own conversion clips every value past 255: nearly all of it white."""
    source = np.asarray(Image.open(io.BytesIO(sixteen_bit_ramp())))
    display = Image.open(io.BytesIO(check_photo(upload(sixteen_bit_ramp(), "scan.png")).display))
    shown = np.asarray(display.convert("L"), dtype=float)
    assert shown.mean() == pytest.approx(source.mean() / 257, abs=2)  # 127.5 in 8-bit steps
    assert shown[:, 200].mean() == pytest.approx(source[:, 200].mean() / 257, abs=2)


# One reduced image (issue 11): a JPEG is decoded at the scale libjpeg offers
# (1/2, 1/4, 1/8) that lands nearest the display size, and the display copy,
# the thumbnail and the perceptual hash are all made from it.

DISPLAY_SIZES = [
    ("12 MP JPEG: decoded at 1/2, shown as decoded", "JPEG", (4000, 3000), (2000, 1500)),
    ("12 MP JPEG, 4032 wide: decoded at 1/2", "JPEG", (4032, 3024), (2016, 1512)),
    ("48 MP JPEG: decoded at 1/4", "JPEG", (8000, 6000), (2000, 1500)),
    ("8 MP JPEG: 1/2 would be under 1920, decoded whole", "JPEG", (3264, 2448), (2048, 1536)),
    ("16 MP JPEG: 1/2 is over 2048, then resized", "JPEG", (4608, 3456), (2048, 1536)),
    ("a panorama: 1/4, then resized", "JPEG", (12000, 3000), (2048, 512)),
    ("a JPEG under 2048 px: kept at its size", "JPEG", (1600, 1200), (1600, 1200)),
    ("a PNG: decoded whole, resized to 2048", "PNG", (4000, 3000), (2048, 1536)),
]


@pytest.mark.parametrize(
    ("case", "fmt", "size", "shown"), DISPLAY_SIZES, ids=[d[0] for d in DISPLAY_SIZES]
)
def test_the_display_copy_is_at_most_2048_px_and_at_least_1920_when_larger(case, fmt, size, shown):
    checked = check_photo(upload(encoded(Image.new("L", size, 90), fmt), "photo.bin"))
    display = Image.open(io.BytesIO(checked.display))
    thumbnail = Image.open(io.BytesIO(checked.thumbnail))
    assert display.size == shown, case
    assert (checked.width, checked.height) == size, case
    assert max(thumbnail.size) == 400, case
    assert thumbnail.width * shown[1] == pytest.approx(thumbnail.height * shown[0], rel=0.01)


def quadrants(size):
    """An RGB image of `size`: red, green, blue and yellow quarters, clockwise from top left."""
    image = Image.new("RGB", size, (230, 30, 30))
    width, height = size
    image.paste((30, 200, 30), (width // 2, 0, width, height // 2))
    image.paste((240, 220, 20), (width // 2, height // 2, width, height))
    image.paste((30, 30, 220), (0, height // 2, width // 2, height))
    return image


@pytest.mark.parametrize("orientation", range(1, 9))
def test_a_jpeg_decoded_reduced_is_turned_upright_as_its_exif_says(orientation):
    """Each EXIF orientation turns the display copy as Pillow's exif_transpose turns the photo."""
    exif = Image.Exif()
    exif[0x0112] = orientation
    data = encoded(quadrants((4000, 3000)), "JPEG", exif=exif)
    checked = check_photo(upload(data))
    display = Image.open(io.BytesIO(checked.display))
    upright = ImageOps.exif_transpose(Image.open(io.BytesIO(data)))
    assert display.size == (upright.width // 2, upright.height // 2)  # decoded at 1/2
    assert (checked.width, checked.height) == upright.size
    for x, y in [(0.25, 0.25), (0.75, 0.25), (0.25, 0.75), (0.75, 0.75)]:
        shown = display.getpixel((int(x * display.width), int(y * display.height)))
        expected = upright.getpixel((int(x * upright.width), int(y * upright.height)))
        assert max(abs(a - b) for a, b in zip(shown, expected, strict=True)) < 12, (x, y)


def with_metadata(size):
    """A JPEG of `size` carrying everything a phone may write: EXIF with GPS,
    an ICC profile, XMP and a comment."""
    exif = Image.Exif()
    exif[0x0112] = 6
    exif[0x010F] = "PhoneMaker"
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (24.0, 48.0, 0.0)
    return encoded(
        quadrants(size),
        "JPEG",
        exif=exif,
        icc_profile=b"\0" * 128,
        xmp=b"<x:xmpmeta>24.8N 118.5E</x:xmpmeta>",
        comment=b"GPS 24.8N 118.5E",
    )


@pytest.mark.parametrize(
    "size", [(4000, 3000), (3000, 2000)], ids=["decoded at 1/2", "decoded whole"]
)
def test_no_metadata_of_the_original_reaches_the_display_copy_or_thumbnail(size):
    data = with_metadata(size)
    checked = check_photo(upload(data))
    assert checked.original == data  # the evidence keeps all of it
    for copy in (checked.display, checked.thumbnail):
        image = Image.open(io.BytesIO(copy))
        assert not image.getexif()
        assert set(image.info) <= {"jfif", "jfif_version", "jfif_unit", "jfif_density"}
        assert b"24.8N" not in copy and b"PhoneMaker" not in copy


def photo_like(size, seed=1):
    """Smooth random colour fields, as a photo's large shapes (what phash looks at)."""
    cells = np.random.default_rng(seed).integers(0, 256, (12, 16, 3), np.uint8)
    return Image.fromarray(cells).resize(size, Image.Resampling.BICUBIC)


def bits_apart(first, second):
    return imagehash.hex_to_hash(first) - imagehash.hex_to_hash(second)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_perceptual_hash_is_the_pictures_at_any_size_it_is_sent(seed):
    """Made from the thumbnail of a reduced decoding, the hash is within a few
    of 64 bits of the hash of the whole upright photo, and of the same photo sent smaller."""
    exif = Image.Exif()
    exif[0x0112] = 6
    data = encoded(photo_like((4000, 3000), seed), "JPEG", exif=exif)
    checked = check_photo(upload(data))
    whole = imagehash.phash(ImageOps.exif_transpose(Image.open(io.BytesIO(data))))
    assert bits_apart(checked.phash, str(whole)) <= 4
    smaller = encoded(photo_like((4000, 3000), seed).resize((1200, 900)), "JPEG", exif=exif)
    assert bits_apart(checked.phash, check_photo(upload(smaller)).phash) <= 4
    other = check_photo(upload(encoded(photo_like((4000, 3000), seed + 10), "JPEG"))).phash
    assert bits_apart(checked.phash, other) > 10  # another picture is far away


LONG_EXTENSION = "photo." + "j" * 240
LONG_NAME = "反诈骗宣传活动现场照片" * 20 + ".jpg"


@pytest.mark.parametrize(
    ("name", "kept"),
    [
        ("IMG_20210410_093100.jpg", "IMG_20210410_093100.jpg"),
        ("宣讲现场.heic", "宣讲现场.heic"),
        (LONG_EXTENSION, "photo." + "j" * (MAX_EXTENSION_BYTES - 1)),
        (LONG_NAME, LONG_NAME[: (MAX_NAME_BYTES - 4) // 3] + ".jpg"),  # whole characters only
    ],
)
def test_short_name_keeps_a_name_a_person_can_read(name, kept):
    assert short_name(name) == kept
    assert len(short_name(name).encode()) <= MAX_NAME_BYTES


@pytest.mark.parametrize("name", [LONG_EXTENSION, LONG_NAME])
def test_the_upload_handler_names_its_temporary_file_within_the_file_system_limit(name):
    handler = ShortNameTemporaryFileUploadHandler()
    handler.new_file("photos_album", name, "image/jpeg", 6 * 1024 * 1024)
    try:
        assert handler.file.name == short_name(name)
        assert len(os.path.basename(handler.file.temporary_file_path()).encode()) <= 255
    finally:
        handler.file.close()


def test_check_photo_keeps_a_reasonable_original_name():
    checked = check_photo(upload(jpeg_bytes(), LONG_NAME))
    assert checked.original_name == short_name(LONG_NAME)


def large_file(name):
    """Over FILE_UPLOAD_MAX_MEMORY_SIZE (5 MB): Django streams it to a temporary file."""
    return SimpleUploadedFile(name, jpeg_bytes() + b"\0" * (5 * 1024 * 1024), "image/jpeg")


@pytest.mark.parametrize("name", [LONG_EXTENSION, LONG_NAME])
def test_a_large_upload_with_a_long_name_is_no_server_error(client, name):
    response = client.post("/text-size/", {"large": "1", "photo": large_file(name)})
    assert response.status_code == 302


def test_more_than_100_files_in_one_post_answer_a_chinese_400(client):
    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(101)]
    response = client.post("/text-size/", {"large": "1", "photos": files})
    assert response.status_code == 400
    page = response.content.decode()
    assert "您提交的内容未能接收" in page
    assert "Bad Request" not in page


def test_a_csrf_failure_answers_a_chinese_page():
    response = Client(enforce_csrf_checks=True).post("/text-size/", {"large": "1"})
    assert response.status_code == 403
    page = response.content.decode()
    assert "请刷新页面后重新提交" in page
    assert "Cookie" in page
    assert "CSRF verification failed" not in page
