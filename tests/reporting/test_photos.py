"""Photos are judged by decoding their bytes; the original is kept, copies are clean."""

import hashlib
import io
from datetime import datetime

import pillow_heif
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

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
