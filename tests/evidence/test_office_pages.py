"""The office's side of the evidence flags (E1): a report's flags on its review page
(evidence/review.py), dismissing one with a reason, opening the falsification finding
from one, the report list's column and filter (evidence/admin.py), and a month's flags
(evidence/views.py). Only the office reaches any of it; every page costs the same number
of queries for a few flags as for many.

The flags are made here with the model, as evidence.checks makes them.
"""

import re
from datetime import datetime, timedelta
from html import unescape

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Role
from evidence import review as evidence_review
from evidence import views as evidence_views
from evidence.models import Flag, FlagKind
from reporting.models import ActivityPhoto, Finding, MonthlyReport
from reporting.periods import LOCAL
from tests.conftest import add_activity, make_user, raise_flag

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:reporting_monthlyreport_changelist")


# Reports and flags, made as the portal makes them.


def received(plan, community, staff, month, activities=1, photos=1):
    """A report submitted on time, its activities numbered 1, 2, … as the report page
    numbers them."""
    report = MonthlyReport.start(community.pk, plan, month, by=staff)
    for n in range(1, activities + 1):
        activity = add_activity(report, staff, photos=photos)
        activity.position = n
        activity.save()
    report.submit(staff, truth_confirmed=True, at=plan.late_from(month) - timedelta(days=1))
    return report


def photos_of(report):
    return list(ActivityPhoto.objects.filter(activity__report=report).order_by("pk"))


def photo_reused(report, earlier, n=0, distance=0, identical=True):
    return raise_flag(
        FlagKind.PHOTO_REUSED,
        photo=photos_of(report)[n],
        other_photo=photos_of(earlier)[0],
        distance=distance,
        identical=identical,
    )


def caption_reused(report, earlier):
    return raise_flag(
        FlagKind.CAPTION_REUSED,
        activity=report.activities.first(),
        other_activity=earlier.activities.first(),
        same_caption=True,
    )


def date_mismatch(report, n=0, days=-40):
    photo = photos_of(report)[n]
    taken = photo.activity.held_at + timedelta(days=days)
    ActivityPhoto.objects.filter(pk=photo.pk).update(taken_at=taken)
    photo.taken_at = taken
    return raise_flag(FlagKind.PHOTO_DATE_MISMATCH, photo=photo, days=days)


def no_metadata(report, n=0):
    return raise_flag(FlagKind.PHOTO_NO_METADATA, photo=photos_of(report)[n])


@pytest.fixture
def april(plan, places, people):
    return received(plan, places["a"], people["alice"], 4)


@pytest.fixture
def may(plan, places, people):
    """B's May report: two activities of two photos each."""
    return received(plan, places["b"], people["bob"], 5, activities=2, photos=2)


def review_url(report):
    return reverse("admin:reporting_monthlyreport_review", args=[report.pk])


def dismiss_url(report, flag):
    return reverse("admin:reporting_monthlyreport_dismiss_flag", args=[report.pk, flag.pk])


def month_url(year, month):
    return reverse("admin:reporting_monthlyreport_evidence", args=[year, month])


def section(text, element_id):
    """The HTML of the element with that id, up to the next element of the same level."""
    start = text.index(f'id="{element_id}"')
    tag = text.rfind("<", 0, start)
    name = re.match(r"<(\w+)", text[tag:])[1]
    depth, at = 0, tag
    for match in re.finditer(rf"<(/?){name}\b", text[tag:]):
        depth += -1 if match[1] else 1
        if depth == 0:
            at = tag + match.end()
            break
    return text[tag:at]


# The review page of one report.


def test_the_review_page_lists_the_flags_most_serious_first_the_weak_ones_apart(
    office, people, april, may
):
    weak = no_metadata(may, n=1)
    date = date_mismatch(may, n=2)
    caption = caption_reused(may, april)
    photo = photo_reused(may, april, n=0)
    text = office.get(review_url(may)).content.decode()
    flags = section(text, "report-flags")
    assert "<h2>疑点" in flags and "4 个未排除" in flags
    order = [flags.index(f'id="flag-{flag.pk}"') for flag in (photo, caption, date, weak)]
    assert order == sorted(order)
    weaker = section(flags, "flags-weak-title")
    assert "照片无拍摄时间（较弱的疑点）" in weaker
    apart = flags[flags.index('class="flag-weak-group"') :]
    assert f'id="flag-{weak.pk}"' in apart
    assert all(f'id="flag-{flag.pk}"' not in apart for flag in (photo, caption, date))
    assert 'class="flag flag-weak"' in section(flags, f"flag-{weak.pk}")
    # Before the activities: the first thing the office reads after the header.
    assert text.index('id="report-flags"') < text.index('id="report-activities"')


def test_a_reused_photo_is_shown_beside_the_earlier_one_it_matches(office, people, april, may):
    earlier = photos_of(april)[0]
    ActivityPhoto.objects.filter(pk=earlier.pk).update(
        taken_at=datetime(2021, 4, 10, 9, 12, tzinfo=LOCAL)
    )
    flag = photo_reused(may, april, distance=3, identical=False)
    card = section(office.get(review_url(may)).content.decode(), f"flag-{flag.pk}")
    pair = card[card.index('class="flag-pair"') :]
    this, other = flag.photo, earlier
    for photo in (this, other):  # thumbnails, each a link to its display copy
        link = (
            f'<a href="{reverse("photo", args=[photo.pk, "display"])}" target="_blank" '
            f'rel="noopener"><img src="{reverse("photo", args=[photo.pk, "thumbnail"])}"'
        )
        assert link in pair
    assert pair.index(f"/photos/{this.pk}/") < pair.index(f"/photos/{other.pk}/")
    figures = re.findall(r"<figure.*?</figure>", pair, re.S)
    assert len(figures) == 2
    assert "本报表" in figures[0] and "乙社区 · 2021-05" in figures[0]
    assert "活动日期 2021-05-10" in figures[0] and "拍摄时间 无" in figures[0]
    assert "之前的报表" in figures[1] and "甲社区 · 2021-04" in figures[1]
    assert "活动日期 2021-04-10" in figures[1] and "拍摄时间 2021-04-10 09:12" in figures[1]
    assert "画面差异度 3（满分 64" in card
    assert "甲社区 2021年04月" in card  # the detail names the earlier report
    assert "活动 1 的照片“p0.jpg”" in card


def test_an_identical_file_says_so(office, april, may):
    flag = photo_reused(may, april, identical=True)
    card = section(office.get(review_url(may)).content.decode(), f"flag-{flag.pk}")
    assert "两张照片是同一个文件" in card and "差异度" not in card


def test_a_reused_caption_shows_both_texts(office, people, april, may):
    activity = may.activities.first()
    activity.caption, activity.place = "五月反诈宣传进社区", "乙社区广场"
    activity.save()
    flag = caption_reused(may, april)
    card = section(office.get(review_url(may)).content.decode(), f"flag-{flag.pk}")
    texts = re.findall(r'<div class="flag-texts">.*?</div>', card, re.S)
    assert len(texts) == 2
    assert "本报表" in texts[0] and "五月反诈宣传进社区" in texts[0] and "乙社区广场" in texts[0]
    assert "之前的报表" in texts[1] and "甲社区 · 2021-04" in texts[1]
    assert "集中宣讲现场" in texts[1] and "社区文化广场" in texts[1]


def test_a_dismissed_flag_shows_who_when_and_why_and_offers_nothing(office, people, april, may):
    flag = photo_reused(may, april)
    flag.dismiss(
        people["office"], "同一活动的两张照片", at=datetime(2021, 5, 3, 10, 20, tzinfo=LOCAL)
    )
    card = section(office.get(review_url(may)).content.decode(), f"flag-{flag.pk}")
    assert "已排除" in card
    assert "已由 office 于 2021-05-03 10:20 排除，理由：同一活动的两张照片" in card
    assert "<form" not in card and "据此认定弄虚作假" not in card


def test_a_report_without_flags_says_so(office, april):
    flags = section(office.get(review_url(april)).content.decode(), "report-flags")
    assert "平台核查未发现该报表有疑点。" in flags


def many_flags(plan, places, people, april, may):
    """May's report with flags of every kind, matching reports of other communities,
    some dismissed by different people."""
    wang = make_user("wang", Role.OFFICE)
    others = [received(plan, places["c"], people["alice"], 4)]
    for n in range(3):
        community = Community.objects.create(name=f"社区{n}", work_point=places["point"])
        others.append(received(plan, community, people["office"], 4))
    flags = [
        photo_reused(may, april, n=0),
        photo_reused(may, others[0], n=1, distance=4, identical=False),
        photo_reused(may, others[1], n=2, distance=7, identical=False),
        caption_reused(may, others[2]),
        date_mismatch(may, n=3),
        no_metadata(may, n=0),
        no_metadata(may, n=1),
        no_metadata(may, n=2),
    ]
    flags[1].dismiss(people["office"], "同一活动")
    flags[3].dismiss(wang, "常用说明")
    flags[6].dismiss(wang, "微信压缩")
    return flags


def test_the_review_page_takes_as_many_queries_for_eight_flags_as_for_one(
    office, people, plan, places, april, may
):
    one = received(plan, places["c"], people["alice"], 5)
    photo_reused(one, april)
    many_flags(plan, places, people, april, may)
    office.get(review_url(one))  # the session and permissions, once
    counts = []
    for report in (one, may):
        with CaptureQueriesContext(connection) as queries:
            response = office.get(review_url(report))
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count('class="flag') >= 8
    assert counts[0] == counts[1], counts


# Dismissing a flag with a reason.


def test_the_office_dismisses_a_flag_with_a_reason_and_is_back_on_the_page(
    office, people, april, may
):
    flag = photo_reused(may, april)
    response = office.post(dismiss_url(may, flag), {"reason": " 同一活动的两张照片 ", "version": 3})
    assert response.status_code == 302
    assert response["Location"] == f"{review_url(may)}?version=3"
    flag.refresh_from_db()
    assert not flag.is_open
    assert flag.dismissed_by == people["office"]
    assert flag.dismissal_reason == "同一活动的两张照片"
    # The history keeps the dismissal (django-simple-history).
    last = flag.history.order_by("-history_id").first()
    assert (
        last.dismissal_reason == "同一活动的两张照片"
        and last.dismissed_by_id == flag.dismissed_by_id
    )
    assert last.history_user == people["office"]
    page = office.get(response["Location"]).content.decode()
    assert "已排除疑点：照片重复使用（活动 1）。" in page
    assert "已由 office 于" in section(page, f"flag-{flag.pk}")
    assert MonthlyReport.objects.get(pk=may.pk).state == "submitted"  # nothing else changed
    assert not Finding.objects.exists()


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_dismissal_without_a_reason_shows_the_page_again_saying_so_by_the_flag(
    office, april, may, reason
):
    flag = photo_reused(may, april)
    other = caption_reused(may, april)
    response = office.post(dismiss_url(may, flag), {"reason": reason, "version": may.version})
    assert response.status_code == 200
    text = response.content.decode()
    card = section(text, f"flag-{flag.pk}")
    assert "请填写排除该疑点的理由。" in card
    assert '<details class="flag-dismiss" open>' in card
    assert "请填写排除该疑点的理由。" not in section(text, f"flag-{other.pk}")
    assert 'id="report-activities"' in text  # the whole page
    flag.refresh_from_db()
    assert flag.is_open and flag.history.count() == 1


def test_a_reason_with_control_characters_is_refused_the_typed_words_kept(office, april, may):
    flag = photo_reused(may, april)
    response = office.post(dismiss_url(may, flag), {"reason": "同一\x0b活动"})
    card = section(response.content.decode(), f"flag-{flag.pk}")
    assert "请删除不可见的控制字符。" in card
    assert "同一\x0b活动</textarea>" in card
    flag.refresh_from_db()
    assert flag.is_open


def test_dismissing_twice_says_it_was_dismissed_and_changes_nothing(office, people, april, may):
    """A second press (a double tap, or a colleague first): a message, never a 500."""
    flag = photo_reused(may, april)
    office.post(dismiss_url(may, flag), {"reason": "同一活动", "version": may.version})
    flag.refresh_from_db()
    first = (flag.dismissed_at, flag.dismissal_reason, flag.history.count())
    response = office.post(
        dismiss_url(may, flag), {"reason": "再按一次", "version": may.version}, follow=True
    )
    assert response.status_code == 200
    text = response.content.decode()
    assert re.search(r"该疑点已于 [-0-9: ]+ 由 office 排除，理由：同一活动", text)
    flag.refresh_from_db()
    assert (flag.dismissed_at, flag.dismissal_reason, flag.history.count()) == first


def test_a_forged_flag_number_is_not_found(office, april, may):
    flag = photo_reused(may, april)
    url = reverse("admin:reporting_monthlyreport_dismiss_flag", args=[may.pk, flag.pk + 99])
    assert office.post(url, {"reason": "理由"}).status_code == 404
    flag.refresh_from_db()
    assert flag.is_open


def test_another_reports_flag_posted_here_is_refused(office, people, plan, places, april, may):
    """The flag exists, but on another report: not found through this report's URL."""
    flag = photo_reused(may, april)
    assert office.post(dismiss_url(april, flag), {"reason": "理由"}).status_code == 404
    flag.refresh_from_db()
    assert flag.is_open


def test_dismissing_asks_for_a_post(office, april, may):
    flag = photo_reused(may, april)
    assert office.get(dismiss_url(may, flag)).status_code == 405
    flag.refresh_from_db()
    assert flag.is_open


# From a flag to the falsification finding.


def test_a_flag_opens_the_finding_with_its_evidence_as_the_reason_and_records_nothing(
    office, people, april, may
):
    flag = photo_reused(may, april, n=1)
    page = office.get(review_url(may), {"version": may.version}).content.decode()
    link = unescape(
        re.search(
            r'<a class="button" href="([^"]*)">据此认定弄虚作假</a>',
            section(page, f"flag-{flag.pk}"),
        )[1]
    )
    # No fragment: the page lands on the confirmation box, which takes the focus (a
    # browser gives no element the focus on a page opened at a fragment).
    assert link == f"{review_url(may)}?version={may.version}&flag={flag.pk}"
    events = list(may.events.values_list("pk", flat=True))
    response = office.get(link)
    text = response.content.decode()
    form = section(text, "review-form")
    reason = unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)[1]).strip()
    assert reason == (
        "照片重复使用：本报表活动1的照片“p1.jpg”，"
        "与甲社区 2021年04月报表活动1的照片“p0.jpg”是同一文件。"
    )
    box = re.search(r'<input[^>]*name="confirm_falsify"[^>]*>', form)[0]
    assert "autofocus" in box and "checked" not in box
    assert "下面的原因取自疑点“照片重复使用”" in form
    assert f'name="version-{may.pk}" value="{may.version}"' in form
    # Nothing recorded on GET.
    assert not Finding.objects.exists()
    assert list(may.events.values_list("pk", flat=True)) == events
    # Ticked and pressed: the finding, with that reason.
    seen = dict(re.findall(r'name="((?:version|event)-\d+)" value="(\d+)"', form))
    posted = {"action": "falsify", "reason": reason, "confirm_falsify": "on", **seen}
    assert office.post(review_url(may), posted).status_code == 302
    finding = Finding.objects.active().get(report=may)
    assert finding.reason == reason and finding.recorded_by == people["office"]
    flag.refresh_from_db()
    assert flag.is_open  # a flag is evidence; the finding is the office's


def test_e1_a_finding_answers_the_reports_flags(office, people, april, may):
    flag = photo_reused(may, april)
    may.mark_falsified(people["office"], "照片重复使用")
    card = section(office.get(review_url(may)).content.decode(), f"flag-{flag.pk}")
    assert "据此认定弄虚作假" not in card
    # E1: the finding answered the flag: nothing more to dismiss, and it is no longer open.
    assert "排除此疑点" not in card and "已认定弄虚作假" in card
    assert "综治办已认定该报表弄虚作假，此疑点无需再处理。" in card
    assert not Flag.objects.open().exists()
    assert list(office.get(REPORTS, {"flags": "open"}).context["cl"].result_list) == []
    assert "0 个未排除" in office.get(month_url(2021, 5)).content.decode()
    # A dismissal posted from a page built before the finding changes nothing.
    response = office.post(dismiss_url(may, flag), {"reason": "同一活动"}, follow=True)
    assert "此疑点无需再处理" in response.content.decode()
    flag.refresh_from_db()
    assert flag.dismissed_at is None
    # Withdrawn, the finding no longer answers it: the flag is open again.
    may.findings.get().withdraw(people["office"], "认定有误")
    assert list(Flag.objects.open()) == [flag]


@pytest.mark.parametrize(
    ("make", "words"),
    [
        (
            lambda april, may: caption_reused(may, april),
            "图片说明或地点重复：本报表活动1的图片说明与甲社区 2021年04月报表的活动1相同。",
        ),
        (
            lambda april, may: date_mismatch(may, days=-40),
            "照片拍摄日期不符：本报表活动1的照片“p0.jpg”，拍摄于2021-03-31 09:30，"
            "与活动日期2021-05-10相差40天。",
        ),
    ],
)
def test_each_kind_of_flag_gives_the_finding_its_evidence(office, april, may, make, words):
    flag = make(april, may)
    text = office.get(review_url(may), {"flag": flag.pk}).content.decode()
    form = section(text, "review-form")
    assert unescape(re.search(r"<textarea[^>]*>(.*?)</textarea>", form, re.S)[1]).strip() == words


def test_another_reports_flag_prefills_nothing(office, people, plan, places, april, may):
    other = received(plan, places["c"], people["alice"], 5)
    flag = photo_reused(other, april)
    form = section(office.get(review_url(may), {"flag": flag.pk}).content.decode(), "review-form")
    assert re.search(r"<textarea[^>]*>\s*</textarea>", form)
    assert "下面的原因取自疑点" not in form


# The report list: a column and a filter.


def test_the_report_list_counts_each_reports_open_flags(office, people, plan, places, april, may):
    dismissed = photo_reused(may, april)
    photo_reused(may, april, n=1)
    caption_reused(may, april)
    dismissed.dismiss(people["office"], "同一活动")
    page = office.get(REPORTS).content.decode()
    rows = {
        name: row
        for row in re.findall(r"<tr[^>]*>.*?</tr>", page, re.S)
        for name in ("甲社区", "乙社区")
        if f">{name}<" in row
    }
    flags = re.compile(r'<td class="field-flags">(.*?)</td>', re.S)
    assert flags.search(rows["甲社区"])[1] == "—"
    cell = flags.search(rows["乙社区"])[1]
    assert f'href="{review_url(may)}?version={may.version}#report-flags"' in cell
    assert ">2</a>" in cell and 'aria-label="2 个未排除的疑点"' in cell
    assert (
        "<th" in page
        and ">疑点<" in re.search(r'<th scope="col" class="column-flags">.*?</th>', page, re.S)[0]
    )


@pytest.mark.parametrize(
    ("value", "listed"), [("open", ["乙社区"]), ("none", ["丙社区", "甲社区"])]
)
def test_the_flag_filter_lists_reports_with_or_without_open_flags(
    office, people, plan, places, april, may, value, listed
):
    photo_reused(may, april)
    quiet = received(plan, places["c"], people["alice"], 5)
    photo_reused(quiet, april).dismiss(people["office"], "同一活动")  # dismissed: none open
    result = office.get(REPORTS, {"flags": value}).context["cl"].result_list
    assert sorted(report.community.name for report in result) == listed
    box = re.search(
        r'<details data-filter-title="疑点".*?</details>',
        office.get(REPORTS).content.decode(),
        re.S,
    )[0]
    assert re.findall(r'<a href="[^"]*">([^<]*)</a>', box) == ["全部", "有未排除的疑点", "无"]


def grow(people, plan, places, first, size):
    """Communities `first`..`size - 1`, each with a May report carrying two open flags and
    a dismissed one, against the same April report."""
    april = MonthlyReport.objects.get(community=places["a"], month=4)
    for n in range(first, size):
        community = Community.objects.create(name=f"社区{n:02d}", work_point=places["point"])
        report = received(plan, community, people["office"], 5, photos=3)
        photo_reused(report, april, n=0)
        date_mismatch(report, n=1)
        photo_reused(report, april, n=2).dismiss(people["office"], "同一活动")


@pytest.mark.parametrize("query", [{}, {"flags": "open"}, {"flags": "none"}, {"month": 5}])
def test_the_report_list_takes_as_many_queries_for_20_flagged_reports_as_for_2(
    office, people, plan, places, april, query
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = office.get(REPORTS, query)
        assert response.status_code == 200
        return len(captured), len(response.context["cl"].result_list)

    grow(people, plan, places, 0, 2)
    office.get(REPORTS, query)
    few, few_rows = queries()
    grow(people, plan, places, 2, 20)
    many, many_rows = queries()
    assert many_rows >= few_rows
    assert many == few, (few, many)


def test_the_list_and_the_desk_link_to_the_months_flags(office, april):
    latest = reverse("admin:reporting_monthlyreport_evidence_latest")
    for url in (REPORTS, reverse("admin:index")):
        assert f'href="{latest}">疑点（按月）</a>' in office.get(url).content.decode()


# A month's flags.


def test_a_months_page_groups_its_flags_by_kind_most_serious_first(
    office, people, plan, places, april, may
):
    flags = many_flags(plan, places, people, april, may)
    other_may = received(plan, places["a"], people["alice"], 5, photos=2)
    no_metadata(other_may, n=0)
    response = office.get(month_url(2021, 5))
    assert response.status_code == 200
    text = response.content.decode()
    assert "<title>2021年05月疑点" in text
    counts = section(text, "flag-counts")
    assert "共 9 个疑点，6 个未排除" in counts
    assert "照片重复使用</a>：3 个（2 个未排除）" in counts
    assert "图片说明或地点重复</a>：1 个（0 个未排除）" in counts
    assert "照片拍摄日期不符</a>：1 个（1 个未排除）" in counts
    assert "照片无拍摄时间</a>：4 个（3 个未排除）" in counts
    kinds = [f'id="kind-{kind}"' for kind in FlagKind.values]
    assert [text.index(kind) for kind in kinds] == sorted(text.index(kind) for kind in kinds)
    reused = section(text, "kind-photo_reused")
    order = [reused.index(f'id="flag-{flag.pk}"') for flag in flags[:3]]  # distance 0, 4, 7
    assert order == sorted(order)
    for flag in flags[:5]:  # each links to its report's review page, at the flag
        link = f'href="{review_url(may)}?version={may.version}#flag-{flag.pk}"'
        assert link in section(text, f"flag-{flag.pk}")
    # The reused photo beside the earlier one, as on the review page.
    card = section(reused, f"flag-{flags[0].pk}")
    for photo in (flags[0].photo, flags[0].other_photo):
        assert reverse("photo", args=[photo.pk, "thumbnail"]) in card
    # No capture time: one line per report, the one with most still open first, at the end.
    weak = section(text, "kind-photo_no_metadata")
    assert text.index('id="kind-photo_no_metadata"') > text.index('id="kind-photo_date_mismatch"')
    lines = re.findall(r"<li>.*?</li>", weak, re.S)
    assert "乙社区" in lines[0] and "3 张照片无拍摄时间（2 个未排除）" in lines[0]
    assert "甲社区" in lines[1] and "1 张照片无拍摄时间（1 个未排除）" in lines[1]
    assert f'href="{review_url(may)}?version={may.version}#report-flags"' in lines[0]


def test_a_months_page_shows_its_photos_reused_in_later_months(
    office, people, plan, places, april, may
):
    """Opening April shows April's photo reused in May; May's own list has it too."""
    reused = photo_reused(may, april)
    echoed = caption_reused(may, april)
    april_page = office.get(month_url(2021, 4)).content.decode()
    later = section(april_page, "reused-later")
    assert "本月照片在之后的报表中再次出现" in later
    assert f'id="flag-{reused.pk}"' in later and f'id="flag-{echoed.pk}"' in later
    assert "乙社区 2021年05月" in later
    assert "共 0 个疑点" in section(april_page, "flag-counts")
    may_page = office.get(month_url(2021, 5)).content.decode()
    assert f'id="flag-{reused.pk}"' in section(may_page, "kind-photo_reused")
    assert f'id="flag-{reused.pk}"' not in section(may_page, "reused-later")


def test_a_months_page_offers_the_plans_months_and_refuses_others(office, april, may):
    photo_reused(may, april)
    text = office.get(month_url(2021, 4)).content.decode()
    picker = re.search(r'<select name="month".*?</select>', text, re.S)[0]
    assert re.findall(r"<option[^>]*>([^<]*)</option>", picker) == [
        f"2021年{month:02d}月" for month in range(4, 11)
    ]
    assert re.search(r'<option value="2021-04" selected>', picker)
    latest = reverse("admin:reporting_monthlyreport_evidence_latest")
    assert office.get(latest, {"month": "2021-06"})["Location"] == month_url(2021, 6)
    assert month_url(2021, 6).endswith("/evidence/2021-06/")
    assert office.get("/admin/reporting/monthlyreport/evidence/2021-6/").status_code == 200
    assert office.get(month_url(2021, 3)).status_code == 404  # no report due in March
    assert office.get(month_url(2022, 4)).status_code == 404  # no plan for 2022
    # No month picked (or one not offered): the latest month with a flag still open.
    assert office.get(latest)["Location"] == month_url(2021, 5)
    assert office.get(latest, {"month": "2021-13"})["Location"] == month_url(2021, 5)


def test_without_open_flags_the_link_opens_the_month_due_last(office, plan, april):
    """No flag open anywhere: the month whose deadline passed last (as the desk's index)."""
    response = office.get(reverse("admin:reporting_monthlyreport_evidence_latest"))
    assert response.status_code == 302
    assert re.search(r"/evidence/\d{4}-\d{2}/$", response["Location"])


def test_a_months_page_takes_as_many_queries_for_200_flags_as_for_2(
    office, people, plan, places, april
):
    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = office.get(month_url(2021, 5))
        assert response.status_code == 200
        return len(captured), response.content.decode().count('<section class="flag')

    june = received(plan, places["b"], people["bob"], 6)
    photo_reused(june, april)
    grow(people, plan, places, 0, 1)  # 3 flags in May
    office.get(month_url(2021, 5))
    few, few_cards = queries()
    grow(people, plan, places, 1, 67)  # 201 flags
    many, many_cards = queries()
    assert Flag.objects.filter(report__month=5).count() > 200
    assert many_cards > 150 > few_cards
    assert many == few, (few, many)


# Only the office.

NEW_PAGES = {
    "review with flags": lambda report, flag: review_url(report),
    "finding from a flag": lambda report, flag: f"{review_url(report)}?flag={flag.pk}",
    "month's flags": lambda report, flag: month_url(2021, 5),
    "latest month's flags": lambda report, flag: reverse(
        "admin:reporting_monthlyreport_evidence_latest"
    ),
}


@pytest.mark.parametrize("page", NEW_PAGES)
@pytest.mark.parametrize("who", ["alice", "bob", "head", "leader", "nobody", "anonymous"])
def test_no_one_but_the_office_reaches_the_flags(client, people, april, may, page, who):
    """Sent to the admin's login, even with a staff flag set by mistake."""
    flag = photo_reused(may, april)
    if who != "anonymous":
        people[who].is_staff = True
        people[who].save()
        client.force_login(people[who])
    response = client.get(NEW_PAGES[page](may, flag))
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("who", ["alice", "bob", "head", "leader", "nobody", "anonymous"])
def test_no_one_but_the_office_dismisses_a_flag(client, people, april, may, who):
    flag = photo_reused(may, april)
    if who != "anonymous":
        people[who].is_staff = True
        people[who].save()
        client.force_login(people[who])
    response = client.post(dismiss_url(may, flag), {"reason": "理由"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
    flag.refresh_from_db()
    assert flag.is_open


@pytest.mark.parametrize("who", ["alice", "head", "leader", "nobody"])
def test_each_view_asks_for_the_review_permission_by_itself(people, april, may, who):
    """Called without the admin around them, the views still refuse (403)."""
    flag = photo_reused(may, april)
    factory = RequestFactory()
    post = factory.post("/", {"reason": "理由"})
    get = factory.get("/")
    for request in (post, get):
        request.user = people[who]
    calls = [
        lambda: evidence_review.dismiss_flag(post, may.pk, flag.pk, site=admin.site),
        lambda: evidence_views.month_page(get, admin.site, 2021, 5),
        lambda: evidence_views.latest_month_page(get, admin.site),
    ]
    for call in calls:
        with pytest.raises(PermissionDenied):
            call()
    flag.refresh_from_db()
    assert flag.is_open
