"""The office's review (reporting/review.py): one report from its page, or many from the list."""

from datetime import datetime, timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting import review
from reporting.models import Finding, MonthlyReport, ReportState
from reporting.periods import LOCAL
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db


def _state(report, people, state):
    if state in ("accepted", "returned"):
        report.accept(people["office"]) if state == "accepted" else report.return_(
            people["office"], "照片不清"
        )
    elif state == "draft":
        MonthlyReport.objects.filter(pk=report.pk).update(state=ReportState.DRAFT)


@pytest.mark.parametrize(
    ("start", "action", "reason", "end", "event"),
    [
        ("submitted", "accept", "", "accepted", "accepted"),
        ("submitted", "return", "请补充照片", "returned", "returned"),
        ("submitted", "falsify", "照片重复使用", "submitted", "falsified"),
        ("submitted", "return", "", "submitted", None),  # no reason: refused
        ("submitted", "falsify", "", "submitted", None),
        ("accepted", "return", "请补充", "accepted", None),
        ("accepted", "accept", "", "accepted", None),
        ("returned", "accept", "", "returned", None),
        ("draft", "accept", "", "draft", None),
        ("draft", "return", "理由", "draft", None),
    ],
)
def test_review_from_the_report_page(office, people, submitted, start, action, reason, end, event):
    _state(submitted, people, start)
    before = submitted.events.count()
    url = reverse("admin:reporting_monthlyreport_review", args=[submitted.pk])
    seen = {f"version-{submitted.pk}": submitted.version}
    posted = {"action": action, "reason": reason, "confirm_falsify": "on", **seen}
    response = office.post(url, posted, follow=True)
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.state == end
    if event:
        assert submitted.events.last().action == event
        assert submitted.events.last().actor == people["office"]
    else:
        assert submitted.events.count() == before
        assert (
            "不能进行此操作" in response.content.decode() or "请填写" in response.content.decode()
        )


def test_bulk_actions_run_the_transitions_and_name_the_refusals(
    office, people, plan, places, submitted
):
    other = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])  # a draft
    changelist = reverse("admin:reporting_monthlyreport_changelist")
    ids = [submitted.pk, other.pk]
    page = office.post(changelist, {"action": "return_reports", "_selected_action": ids})
    assert "原因" in page.content.decode()  # asks for the reason first
    assert MonthlyReport.objects.get(pk=submitted.pk).state == "submitted"
    seen = {f"version-{r.pk}": r.version for r in (submitted, other)}
    response = office.post(
        changelist,
        {
            "action": "return_reports",
            "_selected_action": ids,
            "apply": "1",
            "reason": "人数不符",
            **seen,
        },
        follow=True,
    )
    text = response.content.decode()
    assert "退回修改：1 份报表" in text
    assert "乙社区" in text and "不能进行此操作" in text
    assert MonthlyReport.objects.get(pk=submitted.pk).return_reason == "人数不符"
    assert MonthlyReport.objects.get(pk=other.pk).state == "draft"
    submitted.refresh_from_db()
    office.post(
        changelist,
        {
            "action": "falsify_reports",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "照片重复",
            f"version-{submitted.pk}": submitted.version,
        },
    )
    assert not Finding.objects.exists()  # the doubling not confirmed: asked again
    office.post(
        changelist,
        {
            "action": "falsify_reports",
            "_selected_action": [submitted.pk],
            "apply": "1",
            "reason": "照片重复",
            "confirm_falsify": "on",
            f"version-{submitted.pk}": submitted.version,
        },
    )
    assert Finding.objects.active().filter(report=submitted).exists()


def test_bulk_accept_asks_first_and_refuses_what_changed_since(office, people, plan, places):
    """Accepting from the list shows the reports first; one resubmitted meanwhile is refused."""
    reports = []
    for community, staff in (("a", "alice"), ("b", "bob")):
        report = MonthlyReport.start(places[community].pk, plan, 4, by=people[staff])
        add_activity(report, people[staff])
        report.submit(people[staff], truth_confirmed=True)
        reports.append(report)
    changelist = reverse("admin:reporting_monthlyreport_changelist")
    ids = [r.pk for r in reports]
    page = office.post(changelist, {"action": "accept_reports", "_selected_action": ids})
    assert "甲社区" in page.content.decode() and "乙社区" in page.content.decode()
    assert {r.state for r in MonthlyReport.objects.all()} == {"submitted"}
    seen = {f"version-{r.pk}": r.version for r in reports}
    reports[1].return_(people["office"], "请补充照片")  # meanwhile: returned and resubmitted
    reports[1].submit(people["bob"], truth_confirmed=True)
    response = office.post(
        changelist,
        {"action": "accept_reports", "_selected_action": ids, "apply": "1", **seen},
        follow=True,
    )
    text = response.content.decode()
    assert "审核通过：1 份报表" in text
    assert "乙社区" in text and "在您打开后已有变动" in text
    states = dict(MonthlyReport.objects.values_list("community__name", "state"))
    assert states == {"甲社区": "accepted", "乙社区": "submitted"}


@pytest.mark.parametrize(
    ("action", "reason"),
    [("accept", ""), ("return", "请补充照片"), ("falsify", "照片重复使用")],
)
def test_review_of_a_page_opened_before_a_resubmission_is_refused(
    office, people, submitted, action, reason
):
    """The office opens a report, the community resubmits, the office acts from the old page."""
    opened = office.get(
        reverse("admin:reporting_monthlyreport_review", args=[submitted.pk]),
        {"version": submitted.version},
    )
    assert f'name="version-{submitted.pk}" value="{submitted.version}"' in opened.content.decode()
    seen = submitted.version
    submitted.return_(people["office"], "请补充照片")
    submitted.submit(people["alice"], truth_confirmed=True)
    before = list(submitted.events.values_list("action", flat=True))
    response = office.post(
        reverse("admin:reporting_monthlyreport_review", args=[submitted.pk]),
        {
            "action": action,
            "reason": reason,
            "confirm_falsify": "on",
            f"version-{submitted.pk}": seen,
        },
        follow=True,
    )
    assert "在您打开后已有变动" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert list(submitted.events.values_list("action", flat=True)) == before
    assert not Finding.objects.exists()


@pytest.mark.parametrize("who", ["alice", "head", "leader", "nobody"])
def test_review_refuses_whoever_lacks_the_review_permission_by_itself(people, submitted, who):
    """Called without the admin around them, the review page and the bulk review still ask."""
    request = RequestFactory().post("/", {"action": "accept", "apply": "1"})
    request.user = people[who]
    with pytest.raises(PermissionDenied):
        review.review_one(request, submitted.pk, site=admin.site)
    with pytest.raises(PermissionDenied):
        review.review_many(request, admin.site, [submitted], "accept")
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def _review_url(report):
    return reverse("admin:reporting_monthlyreport_review", args=[report.pk])


def test_the_review_page_shows_the_report_as_filed(office, people, submitted):
    """Header (Beijing time, on time), each activity's fields, its photos at display size
    with the original a link away, the history and the findings."""
    photos = [p for a in submitted.activities.all() for p in a.photos.all()]
    submitted.return_(people["office"], "照片不清")
    # Resubmitted at 07:30 Beijing on 3 May: still 2 May, 23:30, in UTC.
    submitted.submit(
        people["alice"], truth_confirmed=True, at=datetime(2021, 5, 3, 7, 30, tzinfo=LOCAL)
    )
    submitted.mark_falsified(people["office"], "照片重复使用")
    text = office.get(_review_url(submitted)).content.decode()
    header = text[text.index('id="report-header"') : text.index('id="report-activities"')]
    assert "甲社区" in header and "缺塘点" in header and "2021-04" in header
    assert "已报送" in header and "按时" in header
    assert "2021-05-01 00:00" in header  # first submitted, Beijing time
    assert "2021-05-03 07:30" in header and "2021-05-02 23:30" not in text
    activities = text[text.index('id="report-activities"') : text.index('id="report-history"')]
    for label in ("序号", "时间", "地点", "开展形式", "参加人数", "图片说明"):
        assert label in activities
    assert "2021-04-10 09:30" in activities and "社区文化广场" in activities
    assert "辖区企业" in activities and "集中宣讲" in activities and "40" in activities
    for photo in photos:
        assert f'src="{reverse("photo", args=[photo.pk, "display"])}"' in activities
        assert f'href="{reverse("photo", args=[photo.pk, "original"])}"' in activities
    assert 'alt="活动1的照片2：集中宣讲现场"' in activities
    assert "照片2：查看原图</a>" in activities
    history = text[text.index('id="report-history"') : text.index('id="report-findings"')]
    assert "退回修改" in history and "照片不清" in history and "重新报送" in history
    findings = text[text.index('id="report-findings"') : text.index('id="review-form"')]
    assert "照片重复使用" in findings


def test_the_review_page_shows_the_three_judgements_apart(office, submitted):
    """审核通过 the primary button, 认定弄虚作假 the danger one with its confirmation box."""
    text = office.get(_review_url(submitted)).content.decode()
    assert 'value="accept" class="button default desk-choice">审核通过' in text
    assert 'value="return" class="button desk-choice">退回修改' in text
    assert 'value="falsify" class="button desk-choice desk-danger">认定弄虚作假' in text
    assert "我确认认定为弄虚作假（该月扣分翻倍）" in text
    assert 'name="confirm_falsify"' in text


@pytest.mark.parametrize(
    ("action", "reason", "confirm", "error"),
    [
        ("return", "", "", "请填写退回原因。"),
        ("return", "   ", "on", "请填写退回原因。"),
        ("falsify", "", "on", "请填写认定弄虚作假的原因。"),
        ("falsify", "照片与上月相同", "", "请勾选确认：认定弄虚作假将使该月扣分翻倍。"),
    ],
)
def test_a_judgement_missing_its_reason_or_confirmation_shows_the_page_again(
    office, submitted, action, reason, confirm, error
):
    """Nothing changes; the page comes back with the Chinese refusal and the typed reason."""
    before = list(submitted.events.values_list("pk", flat=True))
    posted = {"action": action, "reason": reason, f"version-{submitted.pk}": submitted.version}
    if confirm:
        posted["confirm_falsify"] = confirm
    response = office.post(_review_url(submitted), posted)
    assert response.status_code == 200
    text = response.content.decode()
    assert error in text
    if reason.strip():
        assert f"{reason}</textarea>" in text
    assert 'id="report-activities"' in text  # the whole page again
    submitted.refresh_from_db()
    assert submitted.state == "submitted"
    assert list(submitted.events.values_list("pk", flat=True)) == before
    assert not Finding.objects.exists()


def test_a_confirmed_falsification_is_recorded_and_the_report_stays_submitted(
    office, people, submitted
):
    posted = {
        "action": "falsify",
        "reason": "照片与上月相同",
        "confirm_falsify": "on",
        f"version-{submitted.pk}": submitted.version,
    }
    response = office.post(_review_url(submitted), posted)
    assert response.status_code == 302
    finding = Finding.objects.active().get(report=submitted)
    assert finding.reason == "照片与上月相同" and finding.recorded_by == people["office"]


def _report_with(plan, community, by, activities):
    report = MonthlyReport.start(community.pk, plan, 4, by=by)
    for _n in range(activities):
        add_activity(report, by, photos=2)
    report.submit(by, truth_confirmed=True, at=plan.late_from(4) - timedelta(days=1))
    return report


def test_the_review_page_takes_as_many_queries_for_five_activities_as_for_one(
    office, people, plan, places
):
    small = _report_with(plan, places["a"], people["alice"], 1)
    large = _report_with(plan, places["b"], people["bob"], 5)
    office.get(_review_url(small))  # the session and permissions, once
    counts = []
    for report in (small, large):
        with CaptureQueriesContext(connection) as queries:
            response = office.get(_review_url(report))
        assert response.status_code == 200
        counts.append(len(queries))
    assert response.content.decode().count('class="desk-photo"') == 10
    assert counts[0] == counts[1], counts


def test_the_report_page_shows_each_event_once_in_beijing_time(office, people, submitted):
    """The history inline: one time per event, Beijing's; not __str__'s copy above the row."""
    at = datetime(2021, 5, 3, 7, 5, tzinfo=LOCAL)  # 2 May 23:05 in UTC
    submitted.accept(people["office"], at=at)
    text = office.get(
        reverse("admin:reporting_monthlyreport_change", args=[submitted.pk])
    ).content.decode()
    history = text[text.index('id="events-group"') :]
    assert history.count("2021年5月3日 07:05") == 1
    assert "23:05" not in history and "2021-05-03 07:05" not in history
    assert "已审核" in history
