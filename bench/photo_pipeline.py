"""The photo pipeline: checking one upload (reporting.photos.check_photo), beside its floor.

    python -m bench.photo_pipeline [--runs 5] [--dir DIR] [--quick] [CASE-NUMBER ...]

Goals (issue 11 and the README): a 12 MP phone JPEG in ≤ 200 ms, and in ≤ 1.2 ×
the floor measured in the same run; a 48 MP JPEG in ≤ 600 ms; a 12 MP JPEG in
≤ 150 MB; any accepted file in ≤ 2 s and ≤ 300 MB.

The floor is the least a Pillow program does with a phone photo, in the order
most such programs do it: open, ImageOps.exif_transpose, thumbnail to 2048 px,
save as JPEG (quality 85, as the portal's), thumbnail that to 400 px and save
it. No checks, no hashing, no metadata read.

The photos are made here: photo-like images (smooth colour fields at two
scales plus per-pixel grain, so that they compress and decode like photos, not
like a flat colour), kept in bench/out/photos/ or DIR and reused, each file
named by its recipe. Each case runs in a fresh subprocess: it imports
everything, checks a tiny photo once (so that lazy imports are paid), notes
its resident size, then checks the case's file N times, reading it from disk
as Django hands over a large upload. The table gives the case, its pixels and
file size, whether the portal accepts it, the median wall-clock and CPU
seconds of one run, and the child's peak resident size during the runs minus
its resident size before them: the memory the check itself needed, including
what the allocator keeps between runs, as a worker process would. The peak is
Linux's VmHWM of the child's own address space, reset after the warm-up;
ru_maxrss would not do, as Linux carries it over from the parent, which is
large after making a 200 MP image.

The machine is shared: when wall-clock seconds are far above CPU seconds,
other work took the cores; run again. --quick (the test suite) makes a photo
of each kind at 1/16 of its size and checks it once: it proves the script runs.
"""

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
from PIL import Image, ImageFile, ImageOps

from bench import common

MB = 1024 * 1024
QUICK_SHRINK = 16  # --quick: each side of each photo divided by this
JPEG_QUALITY = 85  # the floor saves as the portal does


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
    a file kept in the folder is remade when the recipe changes."""
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


# The cases of the goals (numbers in the table below).
TWELVE_MP, FORTY_EIGHT_MP = 1, 3
# --quick runs these: every kind of file the makers make, each child at about
# a second of start-up.
QUICK_CASES = (TWELVE_MP, FORTY_EIGHT_MP, 4, 10, 11, 12, 14, 16)


def cases(shrink=1):
    """(label, maker, how many files one run checks); the largest accepted sizes
    come from reporting.photos, so that the table follows its limits. `shrink`
    divides each side (--quick)."""
    from reporting import photos

    def size(width, height):
        return max(16, width // shrink), max(16, height // shrink)

    progressive = photos.JPEG_COEFFICIENT_BUDGET // 2  # samples; 4:2:0 has 1.5 a pixel
    png_size = size(*four_by_three(photos.FULL_DECODE_MAX_PIXELS["PNG"]))
    webp_size = size(*four_by_three(photos.FULL_DECODE_MAX_PIXELS["WEBP"]))
    heic_size = size(*four_by_three(photos.FULL_DECODE_MAX_PIXELS["HEIF"]))
    largest = "largest accepted"
    return [
        ("JPEG, 12 MP phone photo", jpeg(size(4000, 3000), 12), 1),
        ("JPEG, 12 MP, progressive", jpeg(size(4000, 3000), 12, progressive=True), 1),
        ("JPEG, 48 MP", jpeg(size(8000, 6000), 12), 1),
        ("JPEG, nine 48 MP photos, one activity", jpeg(size(8000, 6000), 12), 9),
        ("JPEG, 108 MP", jpeg(size(12000, 9000), 5), 1),
        ("JPEG, 200 MP, near 20 MB (largest accepted)", jpeg(size(16320, 12240), 3), 1),
        (
            f"JPEG, progressive 4:2:0, near 20 MB ({largest})",
            jpeg(size(*four_by_three(progressive / 1.5)), 20, progressive=True),
            1,
        ),
        (
            f"JPEG, progressive 4:4:4 ({largest})",
            jpeg(size(*four_by_three(progressive / 3)), 4, progressive=True, subsampling=0),
            1,
        ),
        (f"PNG, RGB, near 20 MB ({largest})", png(png_size, detail=200), 1),
        (f"PNG, RGBA ({largest})", png(png_size, "RGBA", detail=80), 1),
        (f"PNG, palette + transparency ({largest})", png(png_size, "P", detail=80), 1),
        (f"PNG, 16-bit greyscale ({largest})", png(png_size, "I;16", detail=80), 1),
        (f"WebP, quality 100 ({largest})", webp(webp_size, 30, quality=100), 1),
        (f"WebP, RGBA ({largest})", webp(webp_size, 8, "RGBA"), 1),
        (f"WebP, lossless ({largest})", webp(webp_size, 2, lossless=True), 1),
        ("HEIC, 12 MP phone photo", heic(size(4032, 3024), 3), 1),
        ("HEIC, 24 MP phone photo", heic(size(5712, 4284), 3), 1),
        (f"HEIC, near {photos.HEIC_MAX_BYTES // MB} MB ({largest})", heic(heic_size, 5, 68), 1),
        ("PNG, 9400 × 9400, 88 MP (refused)", png(size(9400, 9400), detail=8), 1),
        ("JPEG, 200 MP, progressive (refused)", jpeg(size(16320, 12240), 0, progressive=True), 1),
    ]


def floor(path):
    """The minimal Pillow pipeline (module docstring): the display copy and thumbnail as JPEG."""
    with Image.open(path) as image:
        upright = ImageOps.exif_transpose(image)
    upright.thumbnail((2048, 2048))
    display = io.BytesIO()
    upright.save(display, "JPEG", quality=JPEG_QUALITY)
    upright.thumbnail((400, 400))
    thumbnail = io.BytesIO()
    upright.save(thumbnail, "JPEG", quality=JPEG_QUALITY)
    return display.getvalue(), thumbnail.getvalue()


def resident_kib(field):
    """VmRSS (resident now) or VmHWM (peak resident) of this process, in KiB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} in /proc/self/status")


def child(pipeline, path, count, runs):
    """In the subprocess: run `pipeline` ("check" or "floor") on `path`, `count`
    times a run, and print one JSON line. Django is set up from the environment
    common.start() left to the parent; no database is touched."""
    import django

    django.setup()
    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

    from reporting.photos import check_photo

    def check(file_path):
        with open(file_path, "rb") as file:
            size = os.path.getsize(file_path)
            return check_photo(UploadedFile(file, Path(file_path).name, size=size))

    tiny = io.BytesIO()
    Image.new("RGB", (64, 48), "red").save(tiny, "JPEG", exif=camera_exif())
    check_photo(SimpleUploadedFile("warm.jpg", tiny.getvalue()))
    floor(io.BytesIO(tiny.getvalue()))
    work = floor if pipeline == "floor" else check
    Path("/proc/self/clear_refs").write_text("5")  # peak resident size := resident size now
    before = resident_kib("VmRSS")
    walls, cpus, outcome = [], [], "accepted"
    for _ in range(runs):
        wall, cpu = time.perf_counter(), time.process_time()
        done = []  # held as the form holds them until it saves
        for _ in range(count):
            try:
                done.append(work(path))
            except ValidationError as refusal:
                outcome = f"refused ({refusal.code})"
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
        del done
    peak = resident_kib("VmHWM")
    measured = {
        "outcome": outcome,
        "wall": statistics.median(walls),
        "cpu": statistics.median(cpus),
        "mb": (peak - before) / 1024,
    }
    print(json.dumps(measured))


def measure(pipeline, path, count, runs):
    done = subprocess.run(  # noqa: S603 (our own interpreter and module)
        [sys.executable, "-m", "bench.photo_pipeline", "--child", pipeline, str(path)]
        + [str(count), str(runs)],
        cwd=common.ROOT,
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.exit(f"the {pipeline} of {path.name} failed:\n{done.stderr}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def row(number, label, path, pixels, measured):
    print(
        f"| {number} | {label} | {pixels / 1e6:.1f} MP | {path.stat().st_size / MB:.1f} | "
        f"{measured['outcome']} | {measured['wall']:.3f} | {measured['cpu']:.3f} | "
        f"{measured['mb']:.0f} |",
        flush=True,
    )


def options(parser):
    parser.add_argument("cases", nargs="*", type=int, help="case numbers (default: all)")
    parser.add_argument("--dir", help="where the photos are made and kept (bench/out/photos)")


def main():
    args = common.start(__doc__.splitlines()[0], communities=1, runs=5, extra=options)
    pillow_heif.register_heif_opener()
    table = cases(QUICK_SHRINK if common.quick else 1)
    Image.MAX_IMAGE_PIXELS = None  # after reporting.photos set it: the images made here are ours
    # Pillow writes a progressive JPEG in one block of a byte a pixel; --quick's
    # small photos are all grain and need more.
    ImageFile.MAXBLOCK = 16 * MB
    if common.quick:
        folder = Path(tempfile.mkdtemp(prefix="luoshan-bench-photos-"))
    else:
        folder = Path(args.dir) if args.dir else common.OUT / "photos"
        folder.mkdir(parents=True, exist_ok=True)
    chosen = args.cases or (QUICK_CASES if common.quick else range(1, len(table) + 1))
    print(f"check_photo, median of {args.runs} runs, each case in a fresh process;")
    print("peak MB = the child's peak resident size (VmHWM) minus its resident size")
    print("after imports and a warm-up; s = seconds of one run (all its files).\n")
    print("| # | case | pixels | file MB | outcome | s (wall) | s (CPU) | peak MB |")
    print("|---|---|---|---|---|---|---|---|")
    results, floors = {}, {}
    try:
        for number in chosen:
            label, make, count = table[number - 1]
            path = folder / make.file_name
            if not path.exists():
                make(path)
            with Image.open(path) as image:
                pixels = image.width * image.height
            if number in (TWELVE_MP, FORTY_EIGHT_MP):
                floors[number] = measure("floor", path, count, args.runs)
                row(number, f"floor: {label}", path, pixels, floors[number])
            results[number] = measure("check", path, count, args.runs) | {"count": count}
            row(number, label, path, pixels, results[number])
    finally:
        if common.quick:
            shutil.rmtree(folder)
    print()
    verdicts(results, floors)
    common.finish()


def verdicts(results, floors):
    """The GOAL or MISSED lines of the cases that ran."""
    if TWELVE_MP in results:
        ours, base = results[TWELVE_MP], floors[TWELVE_MP]
        common.verdict(
            "photo_pipeline 12MP",
            ours["wall"],
            0.2,
            detail=f"CPU {ours['cpu'] * 1000:.0f} ms; floor {base['wall'] * 1000:.0f} ms",
        )
        common.verdict(
            "photo_pipeline 12MP vs floor",
            round(ours["wall"] / base["wall"], 2),
            1.2,
            unit="×",
            detail=f"CPU {ours['cpu'] / base['cpu']:.2f} ×",
        )
        common.verdict("photo_pipeline 12MP memory", round(ours["mb"]), 150, unit="MB")
    if FORTY_EIGHT_MP in results:
        ours, base = results[FORTY_EIGHT_MP], floors[FORTY_EIGHT_MP]
        common.verdict(
            "photo_pipeline 48MP",
            ours["wall"],
            0.6,
            detail=f"CPU {ours['cpu'] * 1000:.0f} ms; floor {base['wall'] * 1000:.0f} ms",
        )
    accepted = {n: r for n, r in results.items() if r["outcome"] == "accepted"}
    if accepted:
        slowest = max(accepted, key=lambda n: accepted[n]["wall"] / accepted[n]["count"])
        largest = max(accepted, key=lambda n: accepted[n]["mb"])
        one = accepted[slowest]["wall"] / accepted[slowest]["count"]
        common.verdict("photo_pipeline slowest accepted", one, 2.0, detail=f"case {slowest}")
        peak = round(accepted[largest]["mb"])
        common.verdict("photo_pipeline peak memory", peak, 300, unit="MB", detail=f"case {largest}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        pipeline, path, count, runs = sys.argv[2:]
        child(pipeline, path, int(count), int(runs))
    else:
        main()
