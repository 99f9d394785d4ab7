"""The office's review (reporting/review.py): one report from its page, or many from the list."""

import re
from datetime import datetime, timedelta

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Role
from reporting import review
from reporting.models import Finding, MonthlyReport, ReportState
from reporting.periods import LOCAL
from tests.conftest import add_activity, make_user

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


# What happened in another tab, on another phone, between opening the page and pressing:
# (what, the message's words). Each at 2021-05-03 10:20, Beijing time.
AT = datetime(2021, 5, 3, 10, 20, tzinfo=LOCAL)
CHANGES = {
    "the community resubmitted": (
        lambda report, people: (
            report.return_(people["wang"], "请补充照片", at=AT - timedelta(hours=1)),
            report.submit(people["alice"], truth_confirmed=True, at=AT),
        ),
        "由 alice 重新报送",
    ),
    "a colleague returned it": (
        lambda report, people: report.return_(people["wang"], "签到表缺失", at=AT),
        "由 王某 退回修改",
    ),
    "a colleague accepted it": (
        lambda report, people: report.accept(people["wang"], at=AT),
        "由 王某 审核通过",
    ),
    # A finding raises no version (M6 changes no state): the page's last event tells.
    "a colleague found it falsified": (
        lambda report, people: report.mark_falsified(people["wang"], "照片重复", at=AT),
        "由 王某 认定弄虚作假",
    ),
}
JUDGEMENTS = {"accept": "核实无误", "return": "请补充签到表", "falsify": "照片与上月相同"}


@pytest.fixture
def wang(people):
    """A second office account, acting in another tab."""
    user = make_user("wang", Role.OFFICE)
    user.first_name = "王某"
    user.save()
    people["wang"] = user
    return user


def _opened(office, report):
    """The review page as the office opens it from the desk: its hidden version and event."""
    text = office.get(_review_url(report), {"version": report.version}).content.decode()
    return _seen(text, report)


def _seen(text, report):
    return {
        name: re.search(rf'name="{name}" value="(\d+)"', text)[1]
        for name in (f"version-{report.pk}", f"event-{report.pk}")
    }


@pytest.mark.parametrize("action", JUDGEMENTS)
@pytest.mark.parametrize("change", CHANGES)
def test_a_judgement_on_a_page_older_than_the_report_shows_it_again_saying_what_changed(
    office, people, wang, submitted, change, action
):
    """Never a 500, nothing saved, the typed reason kept: the review page again, with the
    report as it is now and who did what to it and when, from its latest event."""
    seen = _opened(office, submitted)
    make_change, words = CHANGES[change]
    make_change(submitted, people)
    submitted.refresh_from_db()
    before = list(submitted.events.values_list("pk", flat=True))
    findings = list(Finding.objects.values_list("pk", "withdrawn_at"))
    posted = {"action": action, "reason": JUDGEMENTS[action], "confirm_falsify": "on", **seen}
    response = office.post(_review_url(submitted), posted)
    assert response.status_code == 200
    text = response.content.decode()
    refusal = text[text.index('id="review-refusal"') :].split("</p>", 1)[0]
    assert f"该报表已于 2021-05-03 10:20 {words}，请查看后再操作。" in refusal
    assert "社区已重新报送或修改" not in text
    assert f"{JUDGEMENTS[action]}</textarea>" in text
    assert re.search(r'<input[^>]*name="confirm_falsify"[^>]*>', text)[0].count("checked") == 0
    assert 'id="report-activities"' in text  # the whole report, as it is now
    assert _seen(text, submitted) == {
        f"version-{submitted.pk}": str(submitted.version),
        f"event-{submitted.pk}": str(max(before)),
    }
    state = submitted.state
    submitted.refresh_from_db()
    assert submitted.state == state
    assert list(submitted.events.values_list("pk", flat=True)) == before
    assert list(Finding.objects.values_list("pk", "withdrawn_at")) == findings


def test_a_page_shown_again_for_its_reason_still_carries_what_was_seen_first(
    office, people, wang, submitted
):
    """Opened, a colleague's finding meanwhile, 退回修改 pressed without a reason: the page
    asking for it still carries the first page's event, so the finding is not missed."""
    seen = _opened(office, submitted)
    submitted.mark_falsified(people["wang"], "照片重复", at=AT)
    asked = office.post(_review_url(submitted), {"action": "return", "reason": "", **seen})
    assert "请填写退回原因。" in asked.content.decode()
    assert _seen(asked.content.decode(), submitted) == seen
    posted = {"action": "return", "reason": "签到表缺失", **seen}
    text = office.post(_review_url(submitted), posted).content.decode()
    assert "由 王某 认定弄虚作假，请查看后再操作。" in text
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


def test_a_withdrawn_finding_in_between_is_named_too(office, people, wang, submitted):
    finding = submitted.mark_falsified(people["wang"], "照片重复", at=AT - timedelta(hours=1))
    seen = _opened(office, submitted)
    finding.withdraw(people["wang"], "核实为本月照片", at=AT)
    posted = {"action": "accept", **seen}
    text = office.post(_review_url(submitted), posted).content.decode()
    assert "该报表已于 2021-05-03 10:20 由 王某 撤销弄虚作假认定，请查看后再操作。" in text
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


@pytest.mark.parametrize(
    ("change", "then", "outcome"),
    [
        ("the community resubmitted", "accept", "accepted"),
        ("a colleague returned it", "accept", "不能进行此操作"),
        ("a colleague found it falsified", "falsify", "已认定为弄虚作假"),
    ],
)
def test_the_next_press_on_the_page_shown_again_is_judged_on_the_report_as_it_is_now(
    office, people, wang, submitted, change, then, outcome
):
    """The page shown again carries the report's new version and last event: pressing on
    it is no longer stale, it is judged on what the office now sees."""
    seen = _opened(office, submitted)
    CHANGES[change][0](submitted, people)
    posted = {"action": "accept", **seen}
    again = _seen(office.post(_review_url(submitted), posted).content.decode(), submitted)
    posted = {"action": then, "reason": "照片重复", "confirm_falsify": "on", **again}
    response = office.post(_review_url(submitted), posted)
    submitted.refresh_from_db()
    if outcome == "accepted":
        assert response.status_code == 302
        assert submitted.state == "accepted"
        return
    text = response.content.decode()
    refusal = text[text.index('id="review-refusal"') :].split("</p>", 1)[0]
    assert outcome in refusal and "请查看后再操作" not in refusal
    assert "照片重复</textarea>" in text


def _waiting(plan, community, by, days_before_deadline, month=4):
    report = MonthlyReport.start(community.pk, plan, month, by=by)
    add_activity(report, by)
    report.submit(
        by, truth_confirmed=True, at=plan.late_from(4) - timedelta(days=days_before_deadline)
    )
    return report


@pytest.mark.parametrize("action", JUDGEMENTS)
def test_after_a_judgement_the_report_waiting_longest_opens_then_the_desk(
    office, people, plan, places, action
):
    """待审核 as the desk lists it, oldest first: a report already found falsified is not
    waiting. After the last one, the desk's front page."""
    falsified = _waiting(plan, places["c"], people["office"], 9)
    falsified.mark_falsified(people["office"], "照片重复")
    oldest = _waiting(plan, places["a"], people["alice"], 5)
    newer = _waiting(plan, places["b"], people["bob"], 1)
    posted = {
        "action": action,
        "reason": JUDGEMENTS[action],
        "confirm_falsify": "on",
        **_opened(office, newer),
    }
    response = office.post(_review_url(newer), posted)
    assert response.status_code == 302
    # "#": at the top, whatever fragment the judged page was opened at.
    assert response["Location"] == f"{_review_url(oldest)}?version={oldest.version}#"
    text = office.get(response["Location"]).content.decode()
    label = {"accept": "审核通过", "return": "退回修改", "falsify": "认定弄虚作假"}[action]
    assert f"{label}：乙社区 2021年04月。" in text
    assert "<title>审核 甲社区 2021年04月" in text
    posted = {**posted, **_seen(text, oldest)}
    response = office.post(_review_url(oldest), posted, follow=True)
    assert response.redirect_chain == [(reverse("admin:index") + "#", 302)]
    text = response.content.decode()
    assert f"{label}：甲社区 2021年04月。" in text and "没有待审核的报表。" in text


def test_a_refusal_on_a_current_page_shows_it_again_with_the_reason(office, people, submitted):
    """Not a change in between: the report is in no state for it. Said on the page, the
    reason kept, nothing changed."""
    submitted.accept(people["office"])
    seen = _opened(office, submitted)
    before = list(submitted.events.values_list("pk", flat=True))
    posted = {"action": "return", "reason": "照片不清", **seen}
    response = office.post(_review_url(submitted), posted)
    assert response.status_code == 200
    text = response.content.decode()
    refusal = text[text.index('id="review-refusal"') :].split("</p>", 1)[0]
    assert "不能进行此操作" in refusal and "请查看后再操作" not in refusal
    assert "照片不清</textarea>" in text
    assert list(submitted.events.values_list("pk", flat=True)) == before


def test_a_page_without_its_version_is_refused_not_applied(office, submitted):
    """A form without the hidden fields (an old page, a hand-made request): nothing saved."""
    response = office.post(_review_url(submitted), {"action": "accept"})
    assert response.status_code == 200
    assert 'id="review-refusal"' in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.state == "submitted"


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
