"""The portal's own checks of a received report (docs/rules.md E2–E5), as flags.

`check_report(report)` works out every flag the report takes part in, on either
side of a pair, and brings the stored flags to that: new ones are written, open
ones whose evidence is gone are deleted, and one the office dismissed stays as it
is, whatever the checks now say (E1). Running it twice changes nothing. Signals
run it when a report is received (evidence.signals); `check_month` runs it for a
month, from `manage.py evidence_flags YYYY-MM --recheck`.

Only received reports (submitted at least once) are compared: a draft is
unfinished work, nobody's evidence yet. A pair's flag sits on its later side:
the later month; in one month, the later upload (for photos) or the report
received later (for activities). Photos and activities of one report are never
paired with each other (one activity photographed twice is no evidence).

The work is a fixed number of queries, whatever the number of photos (up to
PHOTOS_PER_QUERY of them): the report, its activities, its photos; the photos
near them; the texts that repeat theirs; the flags they take part in; the writes.
"""

import functools
import itertools
from collections import defaultdict
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, models, transaction
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from evidence import hashing, texts
from evidence.models import Flag, FlagKind, PhotoHash, TextKey
from reporting import periods
from reporting.models import Activity, ActivityPhoto, MonthlyReport

# Values bound in one query. SQLite allows 32,766; a third of that keeps every
# query fast to plan and far from the limit.
MAX_PARAMS = 10_000
# Two checks running at once (two reports received in the same second, on
# PostgreSQL) may both find the same pair; the second to write it then fails on
# the flag's unique key, and simply runs again, finding the first's row.
ATTEMPTS = 3
# What makes two flags with the same key differ: an open flag is brought to this.
COMPARED = (
    "kind",
    "report_id",
    "activity_id",
    "photo_id",
    "other_photo_id",
    "other_activity_id",
    "distance",
    "identical",
    "days",
    "after_submission",
    "same_caption",
    "same_place",
)


def check_report(report):
    """Recompute the flags `report` takes part in; return the flags on it."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            with transaction.atomic():
                _check(report.pk)
            break
        except IntegrityError:
            if attempt == ATTEMPTS:
                raise
    return Flag.objects.filter(report_id=report.pk)


def check_month(year, month):
    """`check_report` for each received report of the month; return the month's flags."""
    reports = MonthlyReport.objects.received().filter(plan__year=year, month=month)
    for report in reports.only("pk").order_by("pk"):
        check_report(report)
    return Flag.objects.of_month(year, month)


@dataclass(frozen=True)
class Side:
    """One photo or activity of a pair: which it is, where it belongs, and its
    place in time (`order`), which decides the later side."""

    pk: int
    activity_id: int
    report_id: int
    order: tuple


def _check(report_pk):
    report = MonthlyReport.objects.select_related("plan").get(pk=report_pk)
    activities = list(
        Activity.objects.filter(report=report).values("pk", "held_at", "caption", "place")
    )
    photos = list(
        ActivityPhoto.objects.filter(activity__report=report).values(
            "pk", "activity_id", "sha256", "phash", "taken_at", "uploaded_at"
        )
    )
    wanted = {}
    if report.first_submitted_at is not None:  # a draft has no flags
        counted = _key_texts(activities)
        for flag in itertools.chain(
            _reused_photos(report, photos),
            _photo_dates(report, activities, photos),
            _reused_texts(report, counted),
        ):
            wanted[flag.key] = flag
    _store(report, photos, activities, wanted)


# E2: photos reused ------------------------------------------------------------------


@functools.cache
def flips(radius):
    """Every 16-bit mask of at most `radius` bits: XOR-ed with a band, the values
    within `radius` bits of it (1 + 16 + 120 = 137 of them for radius 2)."""
    return tuple(
        sum(1 << bit for bit in bits)
        for n in range(radius + 1)
        for bits in itertools.combinations(range(hashing.BAND_BITS), n)
    )


def band_lookups(numbers, max_distance):
    """The (band, value) pairs to look up so as to find every hash within
    `max_distance` bits of any of `numbers`.

    Multi-index hashing (evidence.hashing): if two hashes differ in at most d bits
    over BANDS bands, one band differs in at most d // BANDS bits (were every band
    d // BANDS + 1 bits apart or more, they would be BANDS × (d // BANDS + 1) > d
    apart). So each band's values within that radius find every match; the
    candidates are then measured in full."""
    radius = max_distance // hashing.BANDS
    values = [set() for _ in range(hashing.BANDS)]
    for number in numbers:
        for n, band in enumerate(hashing.bands(number)):
            values[n].update(band ^ flip for flip in flips(radius))
    return [(n, value) for n in range(hashing.BANDS) for value in sorted(values[n])]


def band_filters(numbers, max_distance):
    """The band lookups of `numbers` as query filters, each binding at most
    MAX_PARAMS values: one for PHOTOS_PER_QUERY photos at the default distance."""
    for chunk in _batches(band_lookups(numbers, max_distance), MAX_PARAMS):
        where = models.Q(pk__in=[])
        for n, pairs in itertools.groupby(chunk, key=lambda pair: pair[0]):
            where |= models.Q(**{f"band{n}__in": [value for _, value in pairs]})
        yield where


def near_photo_ids(numbers, max_distance):
    """The ids of the photos whose hash is within `max_distance` bits of one of `numbers`."""
    found = set()
    for where in band_filters(numbers, max_distance):
        for photo_id, value in PhotoHash.objects.filter(where).values_list("photo_id", "value"):
            candidate = hashing.as_unsigned(value)
            if any(hashing.distance(candidate, number) <= max_distance for number in numbers):
                found.add(photo_id)
    return found


# With the default distance (10: radius 2, 4 × 137 values a photo), 18 photos.
PHOTOS_PER_QUERY = MAX_PARAMS // (hashing.BANDS * len(flips(2)))


def _reused_photos(report, photos):
    if not photos:
        return
    max_distance = settings.EVIDENCE_PHOTO_MAX_DISTANCE
    numbers = {p["pk"]: hashing.as_number(p["phash"]) for p in photos}
    near = near_photo_ids(set(numbers.values()), max_distance) - numbers.keys()
    shas = sorted({p["sha256"] for p in photos})
    others = []
    for chunk in _batches(sorted(near), MAX_PARAMS - len(shas)):
        others += (
            ActivityPhoto.objects.filter(
                models.Q(pk__in=chunk) | models.Q(sha256__in=shas),
                activity__report__first_submitted_at__isnull=False,
            )
            .exclude(activity__report=report)
            .values(
                "pk",
                "activity_id",
                "sha256",
                "phash",
                "uploaded_at",
                report_id=models.F("activity__report_id"),
                year=models.F("activity__report__plan__year"),
                month=models.F("activity__report__month"),
            )
        )
    others = {other["pk"]: other for other in others}.values()  # one row each, across chunks
    for photo in photos:
        mine = Side(
            photo["pk"],
            photo["activity_id"],
            report.pk,
            (report.plan.year, report.month, photo["uploaded_at"], photo["pk"]),
        )
        for other in others:
            distance = hashing.distance(numbers[photo["pk"]], hashing.as_number(other["phash"]))
            identical = other["sha256"] == photo["sha256"]
            if not identical and distance > max_distance:
                continue
            theirs = Side(
                other["pk"],
                other["activity_id"],
                other["report_id"],
                (other["year"], other["month"], other["uploaded_at"], other["pk"]),
            )
            later, earlier = sorted((mine, theirs), key=lambda side: side.order, reverse=True)
            yield Flag(
                key=f"{FlagKind.PHOTO_REUSED}:{later.pk}:{earlier.pk}",
                kind=FlagKind.PHOTO_REUSED,
                report_id=later.report_id,
                activity_id=later.activity_id,
                photo_id=later.pk,
                other_photo_id=earlier.pk,
                distance=distance,
                identical=identical,
            )


def _batches(items, size):
    """`items` in lists of at most `size`; one empty list when there are none, so
    that a query that also looks for something else still runs once."""
    return [items[at : at + size] for at in range(0, len(items), size)] or [[]]


# E3: the photos' dates ---------------------------------------------------------------


def days_apart(taken_at, held_at):
    """Calendar days from the activity's date to the photo's, both in Asia/Shanghai."""
    return (periods.local(taken_at).date() - periods.local(held_at).date()).days


def _photo_dates(report, activities, photos):
    held = {activity["pk"]: activity["held_at"] for activity in activities}
    for photo in photos:
        taken_at = photo["taken_at"]
        common = {"report_id": report.pk, "activity_id": photo["activity_id"]}
        if taken_at is None:
            yield Flag(
                key=f"{FlagKind.PHOTO_NO_METADATA}:{photo['pk']}",
                kind=FlagKind.PHOTO_NO_METADATA,
                photo_id=photo["pk"],
                **common,
            )
            continue
        days = days_apart(taken_at, held[photo["activity_id"]])
        after = report.submitted_at is not None and taken_at > report.submitted_at
        if abs(days) > settings.EVIDENCE_PHOTO_DATE_DAYS or after:
            yield Flag(
                key=f"{FlagKind.PHOTO_DATE_MISMATCH}:{photo['pk']}",
                kind=FlagKind.PHOTO_DATE_MISMATCH,
                photo_id=photo["pk"],
                days=days,
                after_submission=after,
                **common,
            )


# E4: captions and places repeated ----------------------------------------------------


def minimum_chars():
    """How many letters a caption, and a place, must have for a repeat to count.

    A place needs only half as many as a caption: a venue's name is short
    ("东湖公园南门", 6) where a caption is a sentence, and because a place counts
    only across communities, a short one shared is already odd: another
    community's hall is not yours."""
    least = settings.EVIDENCE_TEXT_MIN_CHARS
    return {TextKey.Field.CAPTION: least, TextKey.Field.PLACE: (least + 1) // 2}


def _key_texts(activities):
    """Store the texts of a received report's `activities` as it is now (a
    resubmission may have changed them), and return those long enough to count:
    digest → [(field, activity id)]."""
    least = minimum_chars()
    rows, counted = [], defaultdict(list)
    for activity in activities:
        for field in TextKey.Field.values:
            text = texts.normalise(activity[field])
            if not text:
                continue
            digest = texts.digest(field, text)
            rows.append(TextKey(activity_id=activity["pk"], field=field, digest=digest))
            if len(text) >= least[field]:
                counted[digest].append((field, activity["pk"]))
    TextKey.objects.filter(activity__in=[a["pk"] for a in activities]).delete()
    TextKey.objects.bulk_create(rows)
    return counted


def common_wording(digests):
    """The digests among `digests` whose text more than EVIDENCE_TEXT_COMMON_COMMUNITIES
    communities have used: wording handed round (a slogan, "社区文化广场"), not one
    community copying another's report. Counting first also keeps the check small
    when hundreds of reports share a text."""
    received = TextKey.objects.filter(
        digest__in=digests, activity__report__first_submitted_at__isnull=False
    )
    return set(
        received.order_by()
        .values("digest")
        .annotate(communities=models.Count("activity__report__community", distinct=True))
        .filter(communities__gt=settings.EVIDENCE_TEXT_COMMON_COMMUNITIES)
        .values_list("digest", flat=True)
    )


def _reused_texts(report, counted):
    if not counted:
        return
    digests = sorted(counted.keys() - common_wording(sorted(counted)))
    if not digests:
        return
    matches = (
        TextKey.objects.filter(
            digest__in=digests, activity__report__first_submitted_at__isnull=False
        )
        .exclude(activity__report=report)
        .values_list(
            "digest",
            "activity_id",
            "activity__report_id",
            "activity__report__community_id",
            "activity__report__plan__year",
            "activity__report__month",
            "activity__report__first_submitted_at",
        )
    )
    pairs = defaultdict(set)  # (mine, theirs) → the fields repeated
    for digest, other, report_id, community_id, year, month, received in matches:
        theirs = Side(other, other, report_id, (year, month, received, other))
        for field, activity_id in counted[digest]:
            if field == TextKey.Field.PLACE and community_id == report.community_id:
                continue  # a community's own venue, month after month, is honest
            mine = Side(
                activity_id,
                activity_id,
                report.pk,
                (report.plan.year, report.month, report.first_submitted_at, activity_id),
            )
            pairs[mine, theirs].add(field)
    for (mine, theirs), fields in pairs.items():
        later, earlier = sorted((mine, theirs), key=lambda side: side.order, reverse=True)
        yield Flag(
            key=f"{FlagKind.CAPTION_REUSED}:{later.pk}:{earlier.pk}",
            kind=FlagKind.CAPTION_REUSED,
            report_id=later.report_id,
            activity_id=later.pk,
            other_activity_id=earlier.pk,
            same_caption=TextKey.Field.CAPTION in fields,
            same_place=TextKey.Field.PLACE in fields,
        )


# Storing -----------------------------------------------------------------------------


def _store(report, photos, activities, wanted):
    """Bring the stored flags `report` takes part in to `wanted` (key → unsaved Flag)."""
    stored = {
        flag.key: flag
        for flag in Flag.objects.involving(
            report, [p["pk"] for p in photos], [a["pk"] for a in activities]
        )
    }
    gone = [flag.pk for key, flag in stored.items() if key not in wanted and flag.is_open]
    new = [flag for key, flag in wanted.items() if key not in stored]
    changed = []
    for key, flag in wanted.items():
        old = stored.get(key)
        if old is None or not old.is_open:  # a dismissed flag stays as the office left it
            continue
        if any(getattr(old, name) != getattr(flag, name) for name in COMPARED):
            for name in COMPARED:
                setattr(old, name, getattr(flag, name))
            changed.append(old)
    if gone:
        Flag.objects.filter(pk__in=gone).delete()  # with a history row each
    if new:
        bulk_create_with_history(new, Flag)
    if changed:
        bulk_update_with_history(changed, Flag, [name.removesuffix("_id") for name in COMPARED])
