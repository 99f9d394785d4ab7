"""E1–E5: what the checks flag, on which report, and that the flags follow the reports
(docs/rules.md E). The photos' own matching is tests/evidence/test_photo_matching.py."""

from datetime import datetime, timedelta

import pytest
from simple_history.utils import bulk_create_with_history

from evidence import checks
from evidence.checks import PHOTOS_PER_QUERY, check_month, check_report
from evidence.models import Flag, FlagKind
from reporting.models import ActivityChange, ActivityPhoto, Revision
from reporting.periods import LOCAL, Quarter
from scoring.gather import PlanScores
from tests.evidence.conftest import checked, file_report, jpeg, picture, scene

pytestmark = pytest.mark.django_db

LONG_CAPTION = "组织辖区居民观看反诈骗宣传片并讲解典型案例"


def flags(kind=None, **where):
    found = Flag.objects.filter(**where)
    return list(found.filter(kind=kind) if kind else found)


def local(*parts):
    return datetime(*parts, tzinfo=LOCAL)


# E3: the photo's date, in Asia/Shanghai calendar days (EVIDENCE_PHOTO_DATE_DAYS = 3).

DATES = [
    # (case, the activity's time, EXIF capture time, its offset, days flagged or None)
    ("3 days after, at 23:59:59", local(2021, 4, 10, 9, 30), "2021:04:13 23:59:59", None, None),
    ("4 days after, at 00:00:00", local(2021, 4, 10, 9, 30), "2021:04:14 00:00:00", None, 4),
    ("3 days before, at 00:00:00", local(2021, 4, 10, 9, 30), "2021:04:07 00:00:00", None, None),
    ("4 days before, at 23:59:59", local(2021, 4, 10, 9, 30), "2021:04:06 23:59:59", None, -4),
    (
        "activity at 23:59:59, photo 3 days on at 00:00:00",
        local(2021, 4, 10, 23, 59, 59),
        "2021:04:13 00:00:00",
        None,
        None,
    ),
    (
        "activity at 00:00:00, photo 4 days on at 23:59:59",
        local(2021, 4, 10, 0, 0, 0),
        "2021:04:14 23:59:59",
        None,
        4,
    ),
    (
        "taken at 16:00 UTC: 00:00 the next day in Shanghai",
        local(2021, 4, 10, 9, 30),
        "2021:04:13 16:00:00",
        "+00:00",
        4,
    ),
    (
        "taken at 15:59:59 UTC: still 23:59:59 in Shanghai",
        local(2021, 4, 10, 9, 30),
        "2021:04:13 15:59:59",
        "+00:00",
        None,
    ),
]


def test_the_default_is_three_days(settings):
    assert settings.EVIDENCE_PHOTO_DATE_DAYS == 3


@pytest.mark.parametrize(
    ("case", "held_at", "taken", "offset", "days"), DATES, ids=[row[0] for row in DATES]
)
def test_e3_a_photo_taken_more_than_n_days_from_its_activity(
    case, held_at, taken, offset, days, plan, places, people
):
    photo = picture(1, taken=taken, offset=offset)
    report = file_report(
        plan, places["a"], 4, people["alice"], {"photos": [photo], "held_at": held_at}
    )
    check_report(report)
    found = [(f.days, f.after_submission) for f in flags(FlagKind.PHOTO_DATE_MISMATCH)]
    assert found == ([] if days is None else [(days, False)]), case


@pytest.mark.parametrize(
    ("taken", "flagged"),
    [("2021:04:11 12:00:00", False), ("2021:04:11 12:00:01", True)],
    ids=["at the second of submission", "a second after it"],
)
def test_e3_a_photo_taken_after_the_submission(taken, flagged, plan, places, people):
    report = file_report(
        plan,
        places["a"],
        4,
        people["alice"],
        {"photos": [picture(1, taken=taken)]},
        at=local(2021, 4, 11, 12, 0, 0),
    )
    check_report(report)
    found = [(f.days, f.after_submission) for f in flags(FlagKind.PHOTO_DATE_MISMATCH)]
    assert found == ([(1, True)] if flagged else [])


def test_e3_after_the_latest_submission_counts(plan, places, people):
    """A photo taken between the first submission and the resubmission is no sign."""
    report = file_report(
        plan,
        places["a"],
        4,
        people["alice"],
        {"photos": [picture(1, taken="2021:04:11 15:00:00")]},
        at=local(2021, 4, 11, 12, 0),
    )
    report.return_(people["office"], "请补充说明", at=local(2021, 4, 11, 13, 0))
    report.submit(people["alice"], truth_confirmed=True, at=local(2021, 4, 11, 16, 0))
    check_report(report)
    assert flags(FlagKind.PHOTO_DATE_MISMATCH) == []


def test_e3_a_photo_without_a_capture_time_is_flagged_apart(plan, places, people):
    report = file_report(
        plan,
        places["a"],
        4,
        people["alice"],
        {"photos": [picture(1, taken=None), picture(2)]},
    )
    check_report(report)
    (flag,) = flags()
    without = ActivityPhoto.objects.get(taken_at__isnull=True)
    assert (flag.kind, flag.photo, flag.report) == (FlagKind.PHOTO_NO_METADATA, without, report)
    assert flag.key == f"photo_no_metadata:{without.pk}"


# E4: captions and places repeated.

TEXTS = [
    # (case, first report (community, month, caption, place), second, (same caption,
    # same place) flagged on the second, or None)
    (
        "a short caption repeated is no evidence",
        ("a", 4, "集中宣讲现场", "甲社区党群服务中心"),
        ("b", 5, "集中宣讲现场", "乙社区文体活动室"),
        None,
    ),
    (
        "a community's own hall, every month, is honest",
        ("a", 4, "四月开展反诈骗知识讲座", "甲社区党群服务中心"),
        ("a", 5, "五月组织观看反诈宣传影片", "甲社区党群服务中心"),
        None,
    ),
    (
        "another community's hall",
        ("a", 4, "四月开展反诈骗知识讲座", "甲社区党群服务中心"),
        ("b", 5, "五月组织观看反诈宣传影片", "甲社区党群服务中心"),
        (False, True),
    ),
    (
        "a place too short to count (4 letters of 5)",
        ("a", 4, "四月开展反诈骗知识讲座", "文化广场"),
        ("b", 5, "五月组织观看反诈宣传影片", "文化广场"),
        None,
    ),
    (
        "the caption again next month, its date changed",
        ("a", 4, "2021年4月10日在社区广场开展反诈骗宣传活动", "甲社区广场"),
        ("a", 5, "2021年5月12日，在社区广场开展反诈骗宣传活动。", "甲社区广场"),
        (True, False),
    ),
    (
        "the caption of another community in the same month",
        ("a", 4, LONG_CAPTION, "甲社区党群服务中心"),
        ("b", 4, LONG_CAPTION, "乙社区文体活动室"),
        (True, False),
    ),
    (
        "caption and place both",
        ("a", 4, LONG_CAPTION, "甲社区党群服务中心"),
        ("c", 6, LONG_CAPTION, "甲社区党群服务中心"),
        (True, True),
    ),
    (
        "spaces, full-width letters and case",
        ("a", 4, "反诈 宣传进社区 ABC 活动", "甲社区党群服务中心"),
        ("b", 5, "反诈宣传进社区ａｂｃ活动！", "乙社区文体活动室"),
        (True, False),
    ),
    (
        "exactly 10 letters counts",
        ("a", 4, "反诈骗宣传进社区活动", "甲社区党群服务中心"),
        ("b", 5, "反诈骗宣传进社区活动", "乙社区文体活动室"),
        (True, False),
    ),
    (
        "9 letters does not",
        ("a", 4, "反诈骗宣传进社区活", "甲社区党群服务中心"),
        ("b", 5, "反诈骗宣传进社区活", "乙社区文体活动室"),
        None,
    ),
]


def test_the_default_is_ten_letters(settings):
    assert settings.EVIDENCE_TEXT_MIN_CHARS == 10


@pytest.mark.parametrize(
    ("case", "first", "second", "expected"), TEXTS, ids=[row[0] for row in TEXTS]
)
def test_e4_a_caption_or_place_repeated(case, first, second, expected, plan, places, people):
    filed = []
    for n, (community, month, caption, place) in enumerate((first, second)):
        filed.append(
            file_report(
                plan,
                places[community],
                month,
                people["alice"],
                {"photos": [picture(n)], "caption": caption, "place": place},
                at=plan.late_from(month) - timedelta(days=2, hours=-n),
            )
        )
    for report in reversed(filed):
        check_report(report)
    found = [
        (
            f.report_id,
            f.activity.report_id,
            f.other_activity.report_id,
            f.same_caption,
            f.same_place,
        )
        for f in flags(FlagKind.CAPTION_REUSED)
    ]
    later, earlier = filed[1].pk, filed[0].pk
    assert found == ([] if expected is None else [(later, later, earlier, *expected)]), case


COMMON = [
    # (case, the limit of communities, how many communities file the text, flags expected)
    ("two communities, limit 2: evidence", 2, 2, 1),
    ("three communities, limit 2: common wording", 2, 3, 0),
    ("three communities, limit 3: evidence", 3, 3, 3),
]


@pytest.mark.parametrize(
    ("case", "limit", "users", "expected"), COMMON, ids=[row[0] for row in COMMON]
)
def test_e4_wording_many_communities_use_is_no_evidence(
    case, limit, users, expected, settings, plan, places, people
):
    """A caption or place more than EVIDENCE_TEXT_COMMON_COMMUNITIES communities have
    filed is wording handed round (a slogan, "社区文化广场"), not one copying another."""
    settings.EVIDENCE_TEXT_COMMON_COMMUNITIES = limit
    filed = [
        file_report(
            plan,
            places[name],
            4,
            people["alice"],
            {"photos": [picture(n)], "caption": LONG_CAPTION, "place": f"{name}社区自己的活动室"},
            at=plan.late_from(4) - timedelta(days=2, hours=-n),
        )
        for n, name in enumerate("abc"[:users])
    ]
    for report in filed:
        check_report(report)
    assert len(flags(FlagKind.CAPTION_REUSED)) == expected, case


# Which report a pair's flag sits on.


def test_a_pair_flag_sits_on_the_later_month_whichever_is_checked(plan, places, people):
    """May is received first, April late: April's check flags May, naming April's photo."""
    same = checked(jpeg(scene(5)))
    may = file_report(plan, places["b"], 5, people["bob"], {"photos": [same]})
    check_report(may)
    assert flags(FlagKind.PHOTO_REUSED) == []
    april = file_report(
        plan, places["a"], 4, people["alice"], {"photos": [same]}, at=local(2021, 6, 3)
    )
    check_report(april)
    (flag,) = flags(FlagKind.PHOTO_REUSED)
    assert (flag.report, flag.other_photo.activity.report) == (may, april)


def test_in_one_month_the_flag_sits_on_the_later_upload(plan, places, people):
    """A uploads first and submits last; B uploads later and submits first: B is flagged."""
    same = checked(jpeg(scene(5)))
    a = file_report(plan, places["a"], 4, people["alice"], {"photos": [same]}, submit=False)
    b = file_report(plan, places["b"], 4, people["bob"], {"photos": [same]}, at=local(2021, 4, 20))
    a.submit(people["alice"], truth_confirmed=True, at=local(2021, 4, 25))
    check_report(a)
    (flag,) = flags(FlagKind.PHOTO_REUSED)
    assert (flag.report, flag.other_photo.activity.report) == (b, a)


def test_a_drafts_photos_are_never_matched(plan, places, people):
    same = checked(jpeg(scene(5)))
    april = file_report(plan, places["a"], 4, people["alice"], {"photos": [same]})
    draft = file_report(plan, places["b"], 5, people["bob"], {"photos": [same]}, submit=False)
    check_report(april)
    check_report(draft)
    assert flags(FlagKind.PHOTO_REUSED) == []
    assert flags(report=draft) == [], "a draft has no flags"


def test_an_imported_report_without_photos_is_compared_by_its_texts(plan, places, people):
    """A report e-mailed before the portal has no photos; its captions still count."""
    april = file_report(
        plan, places["a"], 4, people["alice"], {"photos": [picture(1)], "caption": LONG_CAPTION}
    )
    imported = file_report(
        plan, places["b"], 5, people["bob"], {"caption": LONG_CAPTION}, submit=False
    )
    imported.record_imported(people["office"], local(2021, 5, 30, 18), "五月报表.xlsx")
    check_report(imported)
    (flag,) = flags(report=imported)
    assert (flag.kind, flag.other_activity.report) == (FlagKind.CAPTION_REUSED, april)


# Keeping the flags current.


def two_months_of_the_same(plan, places, people):
    """A's April and B's May share a photo, a caption and a place."""
    same = checked(jpeg(scene(5)))
    activity = {"photos": [same], "caption": LONG_CAPTION, "place": "罗山街道新时代文明实践站"}
    april = file_report(plan, places["a"], 4, people["alice"], activity)
    may = file_report(
        plan, places["b"], 5, people["bob"], {**activity, "photos": [same, picture(6)]}
    )
    return april, may


def snapshot():
    return [
        (f.pk, f.key, f.report_id, f.distance, f.same_caption, f.dismissed_at)
        for f in Flag.objects.order_by("key")
    ]


def test_checking_again_changes_nothing(plan, places, people):
    april, may = two_months_of_the_same(plan, places, people)
    check_report(may)
    check_report(april)
    first = snapshot()
    history = Flag.history.count()
    check_report(may)
    check_report(april)
    check_month(2021, 4)
    check_month(2021, 5)
    assert snapshot() == first
    assert Flag.history.count() == history
    assert sorted((f.kind, f.report == may) for f in Flag.objects.all()) == [
        ("caption_reused", True),
        ("photo_date_mismatch", True),  # picture(6) was taken in April
        ("photo_no_metadata", False),
        ("photo_no_metadata", True),
        ("photo_reused", True),
    ]


def test_a_dismissed_flag_stays_dismissed_and_is_not_made_again(plan, places, people):
    april, may = two_months_of_the_same(plan, places, people)
    check_report(may)
    flag = Flag.objects.get(kind=FlagKind.CAPTION_REUSED)
    flag.dismiss(people["office"], "两社区联合举办，说明相同属实")
    check_report(may)
    check_report(april)
    flag.refresh_from_db()
    assert not flag.is_open
    assert flag.dismissal_reason == "两社区联合举办，说明相同属实"
    assert Flag.objects.filter(kind=FlagKind.CAPTION_REUSED).count() == 1

    # The caption changes on a resubmission: the open flags would go, the dismissed one stays.
    may.return_(people["office"], "请修改图片说明")
    activity = may.activities.get()
    may.revise(
        people["bob"],
        version=may.version,
        revision=Revision(
            activities=(
                ActivityChange(
                    values={"caption": "五月组织观看反诈宣传影片", "place": "乙社区文体活动室"},
                    activity_id=activity.pk,
                ),
            )
        ),
        submit=True,
        truth_confirmed=True,
    )
    check_report(may)
    assert Flag.objects.get(kind=FlagKind.CAPTION_REUSED) == flag
    assert not Flag.objects.get(pk=flag.pk).is_open


def test_a_flag_goes_when_its_evidence_does_unless_dismissed(plan, places, people):
    """An open flag whose text was corrected goes on the resubmission's check."""
    april, may = two_months_of_the_same(plan, places, people)
    check_report(may)
    may.return_(people["office"], "请修改图片说明")
    activity = may.activities.get()
    may.revise(
        people["bob"],
        version=may.version,
        revision=Revision(
            activities=(
                ActivityChange(
                    values={"caption": "五月组织观看反诈宣传影片", "place": "乙社区文体活动室"},
                    activity_id=activity.pk,
                ),
            )
        ),
        submit=True,
        truth_confirmed=True,
    )
    check_report(may)
    assert flags(FlagKind.CAPTION_REUSED) == []
    assert len(flags(FlagKind.PHOTO_REUSED)) == 1


def test_an_open_flag_follows_a_corrected_date(plan, places, people):
    """The activity's date corrected on resubmission: the same flag, its days updated."""
    report = file_report(
        plan,
        places["a"],
        4,
        people["alice"],
        {"photos": [picture(1, taken="2021:04:20 10:00:00")], "held_at": local(2021, 4, 10, 9)},
    )
    (flag,) = flags(FlagKind.PHOTO_DATE_MISMATCH)
    assert flag.days == 10
    report.return_(people["office"], "活动日期有误")
    report.revise(
        people["alice"],
        version=report.version,
        revision=Revision(
            activities=(
                ActivityChange(
                    values={"held_at": local(2021, 4, 15, 9)},
                    activity_id=report.activities.get().pk,
                ),
            )
        ),
        submit=True,
        truth_confirmed=True,
    )
    check_report(report)
    assert [(f.pk, f.days) for f in flags(FlagKind.PHOTO_DATE_MISMATCH)] == [(flag.pk, 5)]
    assert [h.days for h in flag.history.order_by("history_id")] == [10, 5]


def test_a_photo_removed_from_a_returned_report_takes_its_flag_on_resubmission(
    plan, places, people, django_capture_on_commit_callbacks
):
    april, may = two_months_of_the_same(plan, places, people)
    check_report(may)
    (flag,) = flags(FlagKind.PHOTO_REUSED)
    may.return_(people["office"], "照片与上月重复，请更换")
    activity = may.activities.get()
    with django_capture_on_commit_callbacks(execute=True):
        refusal = may.revise(
            people["bob"],
            version=may.version,
            revision=Revision(
                activities=(
                    ActivityChange(
                        values={}, activity_id=activity.pk, removed_photo_ids={flag.photo_id}
                    ),
                )
            ),
            submit=True,
            truth_confirmed=True,
        )
    assert refusal is None
    may.refresh_from_db()
    assert may.state == "submitted"
    assert flags(FlagKind.PHOTO_REUSED) == []
    assert not Flag.objects.filter(photo_id=flag.photo_id).exists()
    assert flags(FlagKind.CAPTION_REUSED, report=may), "the rest of the evidence stays"


def test_submitting_computes_the_flags(plan, places, people, django_capture_on_commit_callbacks):
    """Through the real submit path: the check runs once the submission is committed."""
    same = checked(jpeg(scene(5)))
    april = file_report(plan, places["a"], 4, people["alice"], {"photos": [same]}, submit=False)
    may = file_report(plan, places["b"], 5, people["bob"], {"photos": [same]}, submit=False)
    with django_capture_on_commit_callbacks(execute=True):
        april.submit(people["alice"], truth_confirmed=True)
    assert flags(FlagKind.PHOTO_REUSED) == []
    assert flags(FlagKind.PHOTO_NO_METADATA, report=april)
    with django_capture_on_commit_callbacks(execute=True):
        may.submit(people["bob"], truth_confirmed=True)
    (flag,) = flags(FlagKind.PHOTO_REUSED)
    assert (flag.report, flag.identical, flag.distance) == (may, True, 0)


def test_a_check_that_collides_on_a_flags_key_runs_again(plan, places, people, monkeypatch):
    """Two checks at once (PostgreSQL) may write the same pair: the loser runs again."""
    same = checked(jpeg(scene(5)))
    file_report(plan, places["a"], 4, people["alice"], {"photos": [same]})
    may = file_report(plan, places["b"], 5, people["bob"], {"photos": [same]}, submit=False)
    may.submit(people["bob"], truth_confirmed=True)
    writes = []

    def collides_once(flags, model):
        writes.append(len(flags))
        if len(writes) == 1:  # another check wrote the first of them a moment ago
            Flag.objects.create(
                **{
                    f.attname: getattr(flags[0], f.attname)
                    for f in Flag._meta.concrete_fields
                    if f.attname != "id"
                }
            )
        return bulk_create_with_history(flags, model)

    monkeypatch.setattr(checks, "bulk_create_with_history", collides_once)
    check_report(may)
    assert len(writes) == 2
    assert sorted(f.kind for f in flags(report=may)) == [
        "caption_reused",
        "photo_no_metadata",
        "photo_reused",
    ]


# E1: a flag is a reason to look, never a deduction.

Q2 = Quarter(2021, 2)
AFTER_Q2 = local(2021, 7, 10)


def test_e1_no_flag_changes_a_score_until_a_finding_is_recorded(plan, places, people):
    """A's April and May and B's late June share a photo: the quarter's scores are the
    same before the checks ran and after they flagged it; a finding changes them."""
    same = checked(jpeg(scene(5)))
    filed = []
    for community, staff, month, late in (
        ("a", "alice", 4, 0),
        ("a", "alice", 5, 0),
        ("b", "bob", 6, 1),
    ):
        report = file_report(
            plan, places[community], month, people[staff], {"photos": [same]}, submit=False
        )
        at = plan.late_from(month) + timedelta(days=late or -1)
        report.submit(people[staff], truth_confirmed=True, at=at)  # not checked yet
        filed.append(report)

    def totals():
        return {s.community.name: s.total for s in PlanScores(plan, AFTER_Q2).quarter_scores(Q2)}

    before = totals()
    assert not Flag.objects.exists()
    for month in (4, 5, 6):
        check_month(2021, month)
    assert Flag.objects.filter(kind=FlagKind.PHOTO_REUSED).count() == 2 + 1
    assert totals() == before
    filed[1].mark_falsified(people["office"], "照片与四月重复", at=local(2021, 6, 3))
    assert totals()["甲社区"] > before["甲社区"]


# A fixed number of queries, whatever the number of photos.


@pytest.mark.parametrize("photos", [1, PHOTOS_PER_QUERY], ids=["1 photo", "18 photos"])
def test_a_check_costs_the_same_queries_for_one_photo_as_for_eighteen(
    photos, plan, places, people, django_assert_num_queries
):
    pictures = [checked(jpeg(scene(seed))) for seed in range(photos)]
    activities = [
        {"photos": pictures[at : at + 9], "caption": f"{LONG_CAPTION}{'甲乙'[at // 9]}"}
        for at in range(0, photos, 9)
    ]
    file_report(
        plan, places["b"], 4, people["bob"], *({**a, "place": "乙社区活动室"} for a in activities)
    )
    may = file_report(plan, places["a"], 5, people["alice"], *activities, submit=False)
    may.submit(people["alice"], truth_confirmed=True)
    # The report, its activities, its photos; the photos near them; its texts (replaced,
    # then looked up); the flags it takes part in; the new flags and their history; and
    # the savepoint around it all; and how many communities use its texts (E4).
    with django_assert_num_queries(14):
        check_report(may)
    assert len(flags(FlagKind.PHOTO_REUSED)) == photos
    assert len(flags(FlagKind.CAPTION_REUSED)) == len(activities)
    with django_assert_num_queries(12):  # nothing new to write
        check_report(may)
