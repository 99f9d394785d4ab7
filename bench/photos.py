"""Time and peak memory of checking one upload (reporting.photos.check_photo), case by case.

    .venv/bin/python bench/photos.py [--runs N] [--dir DIR] [CASE-NUMBER ...]

Makes photo-like images (smooth colour fields at two scales plus per-pixel
grain, so that they compress and decode like photos, not like a flat colour)
in a temporary folder, or in DIR, where files already made are reused. Each
case runs in a fresh subprocess: it imports everything, checks a tiny photo
once (so that lazy imports are paid), notes its resident size, then checks
the case's file N times (default 5), reading it from disk as Django hands
over a large upload. It prints a table: the case, its pixels and file size,
whether the portal accepts it, the median wall-clock and CPU seconds of one
run, and the child's peak resident size during the runs minus its resident
size before them: the memory the check itself needed, including what the
allocator keeps between runs, as a worker process would. The peak is Linux's
VmHWM of the child's own address space, reset after the warm-up; ru_maxrss
would not do, as Linux carries it over from the parent, which is large after
making a 200 MP image.

The goals (README): a 12 MP JPEG in ≤ 0.5 s and ≤ 150 MB; any accepted file in
≤ 2 s and ≤ 300 MB. The machine is shared: when wall-clock seconds are far
above CPU seconds, other work took the cores; run again.
"""

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pillow_heif
from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
MB = 1024 * 1024


def photo_like(width, height, grain, detail=250, seed=1):
    """An RGB image like a photo: smooth colour fields (16 and `detail` across)
    plus grain of ±`grain` per pixel, the sensor noise a JPEG spends its bytes on."""
    rng = np.random.default_rng(seed)

    def field(across):
        step = max(1, width // across)
        cells = rng.integers(0, 256, (max(2, height // step), max(2, width // step), 3), np.uint8)
        return Image.fromarray(cells).resize((width, height), Image.Resampling.BICUBIC)

    image = Image.blend(field(16), field(detail), 0.35)
    rows = max(1, 8_000_000 // width)  # add the grain a strip at a time: bounded memory
    for top in range(0, height if grain else 0, rows):
        box = (0, top, width, min(height, top + rows))
        strip = np.asarray(image.crop(box), dtype=np.int16)
        strip += rng.integers(-grain, grain + 1, strip.shape, dtype=np.int16)
        image.paste(Image.fromarray(np.clip(strip, 0, 255).astype(np.uint8)), box)
    return image


def camera_exif():
    exif = Image.Exif()
    exif[0x0112] = 6  # held upright: the display copy must be turned
    exif[306] = "2021:04:10 09:31:00"
    return exif


def named(make, extension, size, *details):
    """`make`, with the name of the file it makes: its size and recipe, so that
    a file kept in --dir is remade when the recipe changes."""
    make.file_name = "-".join([f"{size[0]}x{size[1]}", *map(str, details)]) + extension
    return make


def jpeg(size, grain, quality=90, **options):
    def make(path):
        photo_like(*size, grain).save(path, "JPEG", quality=quality, exif=camera_exif(), **options)

    return named(
        make, ".jpg", size, grain, quality, *(f"{k}={v}" for k, v in sorted(options.items()))
    )


def png(size, mode="RGB", detail=250):
    def make(path):
        image = photo_like(*size, 0, detail)
        if mode == "RGBA":  # a transparent band, fading in, across the middle
            alpha = np.tile(np.abs(np.linspace(-255, 255, size[0])).astype(np.uint8), (size[1], 1))
            image.putalpha(Image.fromarray(alpha))
        elif mode == "P":
            image = image.quantize(256)
        elif mode == "I;16":
            grey = np.asarray(image.convert("L"), dtype=np.uint16)
            image = Image.fromarray(grey * 257)
        image.save(path, "PNG", **({"transparency": 0} if mode == "P" else {}))

    return named(make, ".png", size, mode, detail)


def webp(size, grain, mode="RGB", quality=85, lossless=False):
    def make(path):
        image = photo_like(*size, grain)
        if mode == "RGBA":
            image.putalpha(200)
        image.save(path, "WEBP", quality=quality, lossless=lossless)

    return named(make, ".webp", size, grain, mode, quality, lossless)


def heic(size, grain, quality=70):
    def make(path):
        # Tiled as phones write them; a fast x265 preset to keep the bench short
        # (decoding costs the same as after the default preset, measured).
        photo_like(*size, grain).save(
            path,
            "HEIF",
            quality=quality,
            tile_size=512,
            exif=camera_exif(),
            enc_params={"preset": "veryfast"},
        )

    return named(make, ".heic", size, grain, quality)


def four_by_three(pixels):
    """The largest 4:3 size (width a multiple of 8) of at most `pixels`."""
    width = int((pixels * 4 / 3) ** 0.5) // 8 * 8
    return width, min(width * 3 // 4, pixels // width)


def cases():
    """(label, maker, how many files one run checks); the largest accepted sizes
    come from reporting.photos, so that the table follows its limits."""
    from reporting import photos

    progressive = photos.JPEG_COEFFICIENT_BUDGET // 2  # samples; 4:2:0 has 1.5 a pixel
    png_size = four_by_three(photos.FULL_DECODE_MAX_PIXELS["PNG"])
    webp_size = four_by_three(photos.FULL_DECODE_MAX_PIXELS["WEBP"])
    heic_size = four_by_three(photos.FULL_DECODE_MAX_PIXELS["HEIF"])
    largest = "largest accepted"
    return [
        ("JPEG, 12 MP phone photo", jpeg((4000, 3000), 12), 1),
        ("JPEG, 12 MP, progressive", jpeg((4000, 3000), 12, progressive=True), 1),
        ("JPEG, 48 MP", jpeg((8000, 6000), 12), 1),
        ("JPEG, nine 48 MP photos, one activity", jpeg((8000, 6000), 12), 9),
        ("JPEG, 108 MP", jpeg((12000, 9000), 5), 1),
        ("JPEG, 200 MP, near 20 MB (largest accepted)", jpeg((16320, 12240), 3), 1),
        (
            f"JPEG, progressive 4:2:0, near 20 MB ({largest})",
            jpeg(four_by_three(progressive / 1.5), 20, progressive=True),
            1,
        ),
        (
            f"JPEG, progressive 4:4:4 ({largest})",
            jpeg(four_by_three(progressive / 3), 4, progressive=True, subsampling=0),
            1,
        ),
        (f"PNG, RGB, near 20 MB ({largest})", png(png_size, detail=200), 1),
        (f"PNG, RGBA ({largest})", png(png_size, "RGBA", detail=80), 1),
        (f"PNG, palette + transparency ({largest})", png(png_size, "P", detail=80), 1),
        (f"PNG, 16-bit greyscale ({largest})", png(png_size, "I;16", detail=80), 1),
        (f"WebP, quality 100 ({largest})", webp(webp_size, 30, quality=100), 1),
        (f"WebP, RGBA ({largest})", webp(webp_size, 8, "RGBA"), 1),
        (f"WebP, lossless ({largest})", webp(webp_size, 2, lossless=True), 1),
        ("HEIC, 12 MP phone photo", heic((4032, 3024), 3), 1),
        ("HEIC, 24 MP phone photo", heic((5712, 4284), 3), 1),
        (f"HEIC, near {photos.HEIC_MAX_BYTES // MB} MB ({largest})", heic(heic_size, 5, 68), 1),
        ("PNG, 9400 × 9400, 88 MP (refused)", png((9400, 9400), detail=8), 1),
        ("JPEG, 200 MP, progressive (refused)", jpeg((16320, 12240), 0, progressive=True), 1),
    ]


def setup_django():
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshan.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")
    import django

    django.setup()


def resident_kib(field):
    """VmRSS (resident now) or VmHWM (peak resident) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(path, count, runs):
    """Run in the subprocess: check `path` `count` times a run, print one JSON line."""
    setup_django()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

    from reporting.photos import check_photo

    tiny = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(tiny, "JPEG")
    check_photo(SimpleUploadedFile("warm.jpg", tiny.getvalue()))
    Path("/proc/self/clear_refs").write_text("5")  # peak resident size := resident size now
    before = resident_kib("VmRSS")
    walls, cpus, outcome = [], [], "accepted"
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        checked = []  # held as the form holds them until it saves
        for _ in range(count):
            with open(path, "rb") as file:
                upload = UploadedFile(file, Path(path).name, size=os.path.getsize(path))
                try:
                    checked.append(check_photo(upload))
                except ValidationError as refusal:
                    outcome = f"refused ({refusal.code})"
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        del checked
    peak = resident_kib("VmHWM")
    print(
        json.dumps(
            {
                "outcome": outcome,
                "wall": statistics.median(walls),
                "cpu": statistics.median(cpus),
                "mb": (peak - before) / 1024,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("cases", nargs="*", type=int, help="case numbers (default: all)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--dir", help="keep the generated images here and reuse them")
    parser.add_argument("--child", nargs=3, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        path, count, runs = args.child
        child(path, int(count), int(runs))
        return

    pillow_heif.register_heif_opener()
    folder = Path(args.dir or tempfile.mkdtemp(prefix="luoshan-photos-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    setup_django()
    table = cases()
    Image.MAX_IMAGE_PIXELS = None  # after reporting.photos set it: the images made here are ours
    chosen = args.cases or range(1, len(table) + 1)
    print(f"check_photo, median of {args.runs} runs, each case in a fresh process;")
    print("peak MB = the child's peak resident size (VmHWM) minus its resident size")
    print("after imports and a warm-up; s = seconds of one run (all its files).\n")
    print("| # | case | pixels | file MB | outcome | s (wall) | s (CPU) | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    try:
        for number in chosen:
            label, make, count = table[number - 1]
            path = folder / make.file_name
            if not path.exists():
                make(path)
            with Image.open(path) as image:
                pixels = image.width * image.height
            result = subprocess.run(  # noqa: S603 (our own interpreter and script)
                [sys.executable, __file__, "--child", str(path), str(count), str(args.runs)],
                capture_output=True,
                text=True,
                check=True,
            )
            measured = json.loads(result.stdout.strip().splitlines()[-1])
            print(
                f"| {number} | {label} | {pixels / 1e6:.1f} MP | "
                f"{path.stat().st_size / MB:.1f} | {measured['outcome']} | "
                f"{measured['wall']:.2f} | {measured['cpu']:.2f} | {measured['mb']:.0f} |",
                flush=True,
            )
    finally:
        if not args.dir:
            shutil.rmtree(folder)


if __name__ == "__main__":
    main()
