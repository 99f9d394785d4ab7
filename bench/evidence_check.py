"""Checking a received report's evidence (evidence.checks.check_report) among 200,000 photos.

    python -m bench.evidence_check [--communities 10600] [--runs 7] [--quick]

Goal (issue 12): a report of 10 photos in 4 activities checked, as on its
receipt, in ≤ 200 ms among 200,000 photos of received and draft reports.

The city is the synthetic one (bench/synth.py) at a size of its own, 10,600
communities (about 200,000 activities with a photo each), so that no other
script's database is changed. Its photos all share one file and one hash; here,
once, each is given a random perceptual hash and SHA-256 and its hash bands
(evidence.models.PhotoHash), and each activity a caption drawn from 86,400
phrasings and its community's own place (evidence.models.TextKey), all
with bulk writes. Then a report for October is filed for a community that has
none: 10 photos, three of them near a photo of the city (4, 8 and 10 bits apart),
one the same file as another, and one caption and one place copied from other
communities, so that each kind of pair is found.

Timed: the first check, which writes the flags (each run rolled back, so each is
the first), and a check again, which finds nothing new to write. Beside them: how
many candidates the band lookups fetch, and the flags found.
"""

import random
import time
from collections import Counter

from bench import common

args = common.start(__doc__.splitlines()[0], communities=10_600, runs=7)

from datetime import datetime  # noqa: E402

from django.conf import settings  # noqa: E402
from django.contrib.auth.models import User  # noqa: E402
from django.db import transaction  # noqa: E402

from bench import synth  # noqa: E402
from communities.models import Community  # noqa: E402
from evidence import hashing, texts  # noqa: E402
from evidence.checks import band_filters, check_report  # noqa: E402
from evidence.models import Flag, PhotoHash, TextKey  # noqa: E402
from reporting.models import (  # noqa: E402
    Activity,
    ActivityForm,
    ActivityPhoto,
    MonthlyReport,
    Plan,
)
from reporting.periods import LOCAL  # noqa: E402

BATCH = 2000
MONTH = 10
# Captions as staff write them: 86,400 phrasings of the same few things, so that a
# caption is now and then another's too (two or three times in 200,000).
WHEN = ("上午", "下午", "晚上", "周末", "节假日", "月初", "月中", "月底")
WHO = ("社区网格员", "社区民警", "志愿者", "社区干部", "反诈宣传员", "物业人员")
WHAT = (
    "发放反诈宣传资料",
    "讲解典型诈骗案例",
    "推广国家反诈中心APP",
    "开展入户走访",
    "播放反诈宣传片",
)
FOR = ("向辖区居民", "向老年人", "向在校学生", "向企业员工", "向商户", "向外来务工人员")
AT = ("在小区门口", "在文化广场", "在菜市场", "在超市门口", "在学校门口", "在公交站")
SO = (
    "提高居民防骗意识",
    "现场解答群众疑问",
    "引导群众下载反诈APP",
    "提醒群众守好钱袋子",
    "营造全民反诈氛围",
    "增强群众辨别能力",
    "筑牢反诈防线",
    "取得良好效果",
    "群众反响热烈",
    "受到居民好评",
)
VENUES = ("党群服务中心", "文化广场", "活动室", "会议室", "老年活动中心", "小区门口")
DIGITS = "零一二三四五六七八九"


def caption(rng):
    parts = (WHEN, WHO, AT, FOR, WHAT, SO)
    return "".join(rng.choice(words) for words in parts[:-1]) + "，" + rng.choice(SO)


def place(community_position, rng):
    """The community's own place, its number in Chinese numerals (letters, kept by
    evidence.texts where digits are dropped): one community's places are its own."""
    name = "".join(DIGITS[int(d)] for d in str(community_position))
    return f"{name}号社区{rng.choice(VENUES)}"


def key_rows(activity_id, caption_text, place_text):
    for field, text in (("caption", caption_text), ("place", place_text)):
        normalised = texts.normalise(text)
        yield TextKey(activity_id=activity_id, field=field, digest=texts.digest(field, normalised))


def in_chunks(queryset, size=20_000):
    """The rows of `queryset` (values_list, the pk first) a chunk at a time, by pk."""
    last = 0
    while chunk := list(queryset.filter(pk__gt=last).order_by("pk")[:size]):
        yield chunk
        last = chunk[-1][0]


def prepare_city():
    """Random hashes for every photo, varied texts for every activity, and their keys."""
    rng = random.Random(12)  # noqa: S311 (synthetic data, no secret)
    with transaction.atomic():
        for chunk in in_chunks(ActivityPhoto.objects.values_list("pk")):
            photos = [
                ActivityPhoto(
                    pk=pk,
                    phash=f"{rng.getrandbits(64):016x}",
                    sha256=f"{rng.getrandbits(256):064x}",
                )
                for (pk,) in chunk
            ]
            ActivityPhoto.objects.bulk_update(photos, ["phash", "sha256"], batch_size=500)
            PhotoHash.objects.bulk_create((PhotoHash.of(p) for p in photos), batch_size=BATCH)
        rows = Activity.objects.values_list(
            "pk", "report__community__position", "report__first_submitted_at"
        )
        for chunk in in_chunks(rows):
            activities, keys = [], []
            for pk, position, received in chunk:
                activity = Activity(pk=pk, caption=caption(rng), place=place(position, rng))
                activities.append(activity)
                if received:
                    keys.extend(key_rows(pk, activity.caption, activity.place))
            Activity.objects.bulk_update(activities, ["caption", "place"], batch_size=500)
            TextKey.objects.bulk_create(keys, batch_size=BATCH)


def spread(bits, rng):
    """A 64-bit mask of `bits` bits spread evenly over the bands (the lookup's worst case)."""
    per_band = [bits // hashing.BANDS + (n < bits % hashing.BANDS) for n in range(hashing.BANDS)]
    mask = 0
    for n, count in enumerate(per_band):
        for bit in rng.sample(range(hashing.BAND_BITS), count):
            mask |= 1 << (hashing.BAND_BITS * n + bit)
    return mask


def file_report():
    """October's report of the last community the city left without one (filed once,
    kept for the next run): 10 photos, some planted matches."""
    plan = Plan.objects.get(year=2021)
    staff = User.objects.get(username="staff")
    position = max(n for n in range(args.communities) if synth.pattern(n, MONTH) == "missing")
    community = Community.objects.get(position=position)
    report = MonthlyReport.start(community.pk, plan, MONTH, by=staff)
    if report.first_submitted_at:
        return report
    rng = random.Random(10)  # noqa: S311 (synthetic data, no secret)
    received = ActivityPhoto.objects.filter(activity__report__first_submitted_at__isnull=False)
    count = received.count()
    earlier = [received.order_by("pk")[count * k // 5] for k in range(1, 5)]
    phashes = [
        hashing.as_number(earlier[0].phash) ^ spread(4, rng),
        hashing.as_number(earlier[1].phash) ^ spread(8, rng),
        hashing.as_number(earlier[2].phash) ^ spread(settings.EVIDENCE_PHOTO_MAX_DISTANCE, rng),
        hashing.as_number(earlier[3].phash),
        *(rng.getrandbits(64) for _ in range(6)),
    ]
    shas = [f"{rng.getrandbits(256):064x}" for _ in phashes]
    shas[3] = earlier[3].sha256  # the same file
    others = Activity.objects.filter(report__first_submitted_at__isnull=False).order_by("pk")
    copied = [others[count // 3], others[2 * count // 3]]
    base = synth.shared_photo(staff)
    n = 0
    for number, photos in enumerate((3, 3, 2, 2), start=1):
        held_at = datetime(2021, MONTH, 2 + 5 * number, 9, 30, tzinfo=LOCAL)
        activity = Activity.objects.create(
            report=report,
            position=number,
            held_at=held_at,
            place=copied[1].place if number == 2 else place(position, rng),
            form=ActivityForm.TALK,
            participants=40,
            caption=copied[0].caption if number == 1 else caption(rng),
        )
        for _ in range(photos):
            photo = ActivityPhoto(activity=activity, **base)
            photo.phash, photo.sha256 = f"{phashes[n]:016x}", shas[n]
            photo.taken_at = held_at
            photo.save()  # and its hash bands, as an upload's
            n += 1
    report.submit(staff, truth_confirmed=True, at=datetime(2021, 10, 31, 20, tzinfo=LOCAL))
    return report


if not TextKey.objects.exists():
    prepare_city()
report = file_report()
# As on receipt: none of its flags yet (the submission's own check made some).
Flag.objects.filter(report=report).delete()
numbers = {
    hashing.as_number(phash)
    for phash in ActivityPhoto.objects.filter(activity__report=report).values_list(
        "phash", flat=True
    )
}
candidates = sum(
    PhotoHash.objects.filter(where).count()
    for where in band_filters(numbers, settings.EVIDENCE_PHOTO_MAX_DISTANCE)
)
photo_count = ActivityPhoto.objects.count()


def first_check():
    """The check on receipt, rolled back, so that every run is the first."""
    with transaction.atomic():
        kinds = Counter(check_report(report).values_list("kind", flat=True))
        transaction.set_rollback(True)
    return kinds


def cpu_and_wall(work):
    """CPU and wall seconds of one run: far apart, other work took the cores."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return f"one run {common.amount(cpu, 's')} CPU of {common.amount(wall, 's')}"


seconds, queries, kinds = common.timed(first_check, args.runs)
common.verdict(
    "evidence_check",
    seconds,
    0.2,
    detail=f"10 photos among {photo_count:,}: {candidates:,} candidates from the bands; "
    f"flags written {dict(sorted(kinds.items()))}; {queries} queries "
    f"(one of them listing the flags); {cpu_and_wall(first_check)}",
)
check_report(report)


def check_again():
    return check_report(report).count()


seconds, queries, flags = common.timed(check_again, args.runs)
common.verdict(
    "evidence_check again",
    seconds,
    0.2,
    detail=f"nothing new to write ({flags} flags kept); {queries} queries (one counting them); "
    + cpu_and_wall(check_again),
)
common.finish()
