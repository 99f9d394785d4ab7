"""The office's review (reporting/review.py): one report from its page, or many from the list."""

import pytest
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse

from reporting import review
from reporting.models import Finding, MonthlyReport, ReportState
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
    response = office.post(url, {"action": action, "reason": reason, **seen}, follow=True)
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
        {"action": action, "reason": reason, f"version-{submitted.pk}": seen},
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
