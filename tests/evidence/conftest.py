"""Pictures made from a seed, and reports filed with them, for the evidence checks.

A picture is a gradient, a few shapes, some text and sensor-like noise, all drawn
from its seed, so that two seeds give two different pictures and one seed always
the same. Each goes through reporting.photos.check_photo, exactly as an upload does.
"""

import io
import random
from datetime import datetime, timedelta

import numpy as np
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw, ImageFont

from evidence.checks import check_report
from reporting.models import Activity, ActivityForm, ActivityPhoto, MonthlyReport
from reporting.periods import LOCAL
from reporting.photos import (
    EXIF_DATETIME_ORIGINAL,
    EXIF_IFD,
    EXIF_OFFSET_TIME_ORIGINAL,
    check_photo,
)

SIZE = WIDTH, HEIGHT = 640, 480
LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ0123456789 "


def scene(seed):
    """A 640 × 480 picture of its own for each seed."""
    rng = random.Random(seed)

    def colour():
        return tuple(rng.randrange(256) for _ in range(3))

    angle = rng.uniform(0, 2 * np.pi)
    across = np.linspace(0, np.cos(angle), WIDTH, dtype=np.float32)
    down = np.linspace(0, np.sin(angle), HEIGHT, dtype=np.float32)
    ramp = across[None, :] + down[:, None]
    ramp = (ramp - ramp.min()) / (ramp.max() - ramp.min())
    start, end = np.array(colour(), np.float32), np.array(colour(), np.float32)
    image = Image.fromarray((start + (end - start) * ramp[..., None]).astype(np.uint8))
    draw = ImageDraw.Draw(image)
    for _ in range(rng.randrange(3, 12)):
        x, y = rng.randrange(WIDTH), rng.randrange(HEIGHT)
        box = (x, y, x + rng.randrange(20, WIDTH // 2), y + rng.randrange(20, HEIGHT // 2))
        shape = rng.choice(("rectangle", "ellipse", "polygon"))
        if shape == "polygon":
            corners = [
                (rng.randrange(WIDTH), rng.randrange(HEIGHT)) for _ in range(rng.randrange(3, 7))
            ]
            draw.polygon(corners, fill=colour())
        else:
            getattr(draw, shape)(box, fill=colour())
    font = ImageFont.load_default(size=rng.randrange(20, 60))
    for _ in range(rng.randrange(4)):
        text = "".join(rng.choice(LETTERS) for _ in range(rng.randrange(5, 16)))
        where = (rng.randrange(WIDTH - 100), rng.randrange(HEIGHT - 40))
        draw.text(where, text, fill=colour(), font=font)
    noise = np.random.default_rng(seed).integers(-24, 25, (HEIGHT, WIDTH, 3), dtype=np.int16)
    noisy = np.asarray(image, np.int16) + (noise * rng.uniform(0.1, 1)).astype(np.int16)
    return Image.fromarray(noisy.clip(0, 255).astype(np.uint8))


def jpeg(image, quality=90, taken=None, offset=None):
    """`image` as a camera's JPEG; `taken` ("2021:04:10 09:30:00") its EXIF capture time,
    `offset` ("+00:00") the time zone that time was written in."""
    exif = Image.Exif()
    if taken:
        details = exif.get_ifd(EXIF_IFD)
        details[EXIF_DATETIME_ORIGINAL] = taken
        if offset:
            details[EXIF_OFFSET_TIME_ORIGINAL] = offset
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality, exif=exif)
    return out.getvalue()


def checked(data, name="photo.jpg"):
    """`data` as the upload pipeline checks it."""
    return check_photo(SimpleUploadedFile(name, data, "image/jpeg"))


def picture(seed, taken="2021:04:10 09:31:00", **kwargs):
    """The checked photo of scene `seed`, taken at `taken` (None: no capture time)."""
    return checked(jpeg(scene(seed), taken=taken, **kwargs), f"scene-{seed}.jpg")


def file_report(plan, community, month, by, *activities, at=None, submit=True):
    """A report with `activities` (dicts: photos, caption, place, held_at), submitted
    (at `at`, or two days before the deadline) and checked as on receipt (the signal
    does it once the submission is committed), unless `submit` is False."""
    report = MonthlyReport.start(community.pk, plan, month, by=by)
    for n, spec in enumerate(activities, start=1):
        activity = Activity.objects.create(
            report=report,
            position=n,
            held_at=spec.get("held_at", datetime(plan.year, month, 10, 9, 30, tzinfo=LOCAL)),
            place=spec.get("place", "社区文化广场"),
            form=ActivityForm.TALK,
            participants=30,
            caption=spec.get("caption", "集中宣讲现场"),
        )
        for photo in spec.get("photos", ()):
            ActivityPhoto.create_from(activity, photo, by)
    if submit:
        report.submit(by, truth_confirmed=True, at=at or plan.late_from(month) - timedelta(days=2))
        check_report(report)
    return report
