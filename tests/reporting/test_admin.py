"""The office's desk in the admin: who gets in, review, exports, the official form, audit."""

import io
import zipfile
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import AccessEvent, PropagandaTeam, Role, TeamMember
from communities.permissions import grant_office_permissions
from reporting.models import Finding, MonthlyReport, ReportState
from tests.conftest import PASSWORD, add_activity, make_user

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://x","y")'


@pytest.fixture
def submitted(plan, places, people):
    """A's April report, submitted on time with two activities and three photos."""
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"], photos=2)
    second = add_activity(report, people["alice"], photos=1)
    second.place, second.caption, second.position = "辖区企业", "企业宣讲", 2
    second.save()
    report.submit(people["alice"], truth_confirmed=True, at=plan.late_from(4) - timedelta(days=1))
    return report


def admin_urls(report):
    month = "?month=2021-04"
    return {
        "index": reverse("admin:index"),
        "list": reverse("admin:reporting_monthlyreport_changelist"),
        "change": reverse("admin:reporting_monthlyreport_change", args=[report.pk]),
        "export": reverse("admin:reporting_monthlyreport_export"),
        "month": reverse("admin:reporting_monthlyreport_month") + month,
        "zip": reverse("admin:reporting_monthlyreport_photos_zip") + month,
        "attachment2": reverse("admin:reporting_monthlyreport_attachment2", args=[report.pk]),
    }


@pytest.mark.parametrize(
    "page", ["index", "list", "change", "export", "month", "zip", "attachment2"]
)
@pytest.mark.parametrize("who", ["alice", "head", "leader", "anonymous"])
def test_only_the_office_reaches_the_admin(client, people, submitted, page, who):
    if who != "anonymous":
        user = people[who]
        user.is_staff = True  # even a wrongly flagged account stays out
        user.save()
        client.force_login(user)
    response = client.get(admin_urls(submitted)[page])
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize(
    "page", ["index", "list", "change", "export", "month", "zip", "attachment2"]
)
def test_the_office_reaches_every_page(office, submitted, page):
    assert office.get(admin_urls(submitted)[page]).status_code == 200


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


def test_changelist_filters_by_timeliness_without_a_query_per_row(
    office, people, plan, places, submitted
):
    changelist = reverse("admin:reporting_monthlyreport_changelist")
    late = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(late, people["bob"])
    late.submit(people["bob"], truth_confirmed=True, at=plan.late_from(4) + timedelta(hours=1))

    def shown(**filters):
        result = office.get(changelist, filters).context["cl"].result_list
        return sorted(r.community.name for r in result)

    assert shown(timeliness="late") == ["乙社区"]
    assert shown(timeliness="on_time") == ["甲社区"]
    assert shown(timeliness="missing") == []
    assert shown(community__work_point__id__exact=places["point"].pk) == ["甲社区"]
    with CaptureQueriesContext(connection) as few:
        office.get(changelist)
    for month in (5, 6, 7, 8, 9, 10):
        MonthlyReport.start(places["c"].pk, plan, month, by=people["office"])
    with CaptureQueriesContext(connection) as many:
        office.get(changelist)
    assert len(many) == len(few)


def test_who_has_not_reported_with_contacts(office, people, plan, places, submitted):
    team = PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林联络", role="网格员", phone="13900000000", is_group_contact=True
    )
    page = office.get(admin_urls(submitted)["month"]).content.decode()
    assert "乙社区" in page and "林联络 13900000000" in page and "丙社区" in page
    assert "<td>甲社区</td>" not in page
    response = office.get(reverse("admin:reporting_monthlyreport_missing_xlsx") + "?month=2021-04")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0] == ("工作点", "社区", "情况", "工作群联系人", "联系电话")
    assert ("苏内点", "乙社区", "未报送", "林联络", "13900000000") in rows
    index = office.get(reverse("admin:index")).content.decode()
    assert "who-has-not-reported" in index


def test_unknown_month_is_explained(office, submitted):
    page = office.get(reverse("admin:reporting_monthlyreport_month") + "?month=2021-13")
    assert "该月份没有报表任务" in page.content.decode()


def workbook_from(response):
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_month_workbook_from_the_command_line(tmp_path, submitted, people, plan, places):
    other = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(other, people["bob"])
    other.submit(people["bob"], truth_confirmed=True)
    out = tmp_path / "april.xlsx"
    call_command("export_month", "2021-04", "-o", str(out), stdout=io.StringIO())
    book = load_workbook(out)
    assert book.sheetnames == ["甲社区", "乙社区"]
    sheet = book["甲社区"]
    assert sheet["A1"].value == "反诈骗活动开展情况报表"
    assert sheet["A2"].value == "社区（盖章）：甲社区"
    assert sheet["E2"].value.startswith("报送时间：2021年05月01日")
    assert [c.value for c in sheet[3]][:6] == [
        "序号",
        "时间",
        "地点",
        "开展形式",
        "参加人数",
        "图片说明",
    ]
    assert [c.value for c in sheet[4]][:6] == [
        1,
        "2021-04-10 09:30",
        "社区文化广场",
        "集中宣讲",
        40,
        "集中宣讲现场",
    ]
    assert [c.value for c in sheet[5]][:3] == [2, "2021-04-10 09:30", "辖区企业"]
    assert sheet["A6"].value.startswith("备注")
    anchors = sorted((i.anchor._from.row + 1, i.anchor._from.col + 1) for i in sheet._images)
    assert anchors == [(4, 7), (4, 8), (5, 7)]  # one image per photo, in its activity's row


def test_attachment2_for_one_report_from_its_admin_page(office, submitted):
    book = workbook_from(office.get(admin_urls(submitted)["attachment2"]))
    assert book.sheetnames == ["甲社区"]
    assert len(book["甲社区"]._images) == 3


def test_month_zip_names_and_streams(office, submitted):
    response = office.get(admin_urls(submitted)["zip"])
    assert response.streaming
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert names == [
        "缺塘点/甲社区/2021-04/1-集中宣讲现场.jpg",
        "缺塘点/甲社区/2021-04/1-集中宣讲现场-2.jpg",
        "缺塘点/甲社区/2021-04/2-企业宣讲.jpg",
    ]


@pytest.mark.parametrize(
    "export",
    [
        "admin:reporting_monthlyreport_export",
        "admin:reporting_activity_export",
        "admin:communities_community_export",
        "admin:reporting_monthlyreport_missing_xlsx",
        "attachment2",
        "quarter",
    ],
)
def test_typed_text_is_never_a_formula_and_numbers_stay_numbers(
    office, people, places, submitted, export
):
    activity = submitted.activities.first()
    activity.place = FORMULA
    activity.caption = "+1-2@3"
    activity.save()
    MonthlyReport.objects.filter(pk=submitted.pk).update(return_reason=FORMULA)
    places["b"].name = "=1+1"
    places["b"].save()
    if export == "attachment2":
        url = admin_urls(submitted)["attachment2"]
    elif export == "quarter":
        url = reverse("scoring:quarter_xlsx", args=["2021Q2"])
    else:
        url = reverse(export) + ("?month=2021-04" if "missing" in export else "")
    response = office.get(url)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    cells = [
        c for sheet in load_workbook(io.BytesIO(content)) for row in sheet.iter_rows() for c in row
    ]
    assert not [c.value for c in cells if c.data_type == "f"]
    texts = {c.value for c in cells if c.data_type == "s"}
    assert FORMULA in texts or "=1+1" in texts
    if export == "admin:reporting_activity_export":
        participants = [c.value for c in cells if c.column == 8 and c.row > 1]
        assert participants == [40, 40] and all(isinstance(v, int) for v in participants)


def test_history_records_who_changed_what(people, submitted):
    submitted.accept(people["office"])
    history = list(submitted.history.order_by("history_date").values_list("state", flat=True))
    assert history[-2:] == ["submitted", "accepted"]


def test_history_is_readable_but_not_revertible(office, submitted, people):
    submitted.accept(people["office"])
    url = reverse("admin:reporting_monthlyreport_history", args=[submitted.pk])
    response = office.get(url)
    assert response.status_code == 200
    assert "office" in response.content.decode()  # who made the last change
    record = submitted.history.earliest()
    revert = reverse("admin:reporting_monthlyreport_simple_history", args=[submitted.pk, record.pk])
    assert office.post(revert, {}).status_code == 403
    submitted.refresh_from_db()
    assert submitted.state == "accepted"


def test_logins_logouts_and_failures_are_recorded(client, people):
    client.post(
        reverse("login"), {"username": "alice", "password": "wrong"}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    client.post(reverse("logout"))
    kinds = list(
        AccessEvent.objects.order_by("at", "pk").values_list("kind", "username", "address")
    )
    assert kinds == [
        ("failed", "alice", "10.1.2.3"),
        ("login", "alice", "10.1.2.3"),
        ("logout", "alice", "127.0.0.1"),
    ]


def test_login_records_cannot_be_edited_or_deleted_from_the_admin(office, people):
    event = AccessEvent.objects.create(kind="failed", username="x", address="10.0.0.9")
    change = reverse("admin:communities_accessevent_change", args=[event.pk])
    office.post(change, {"username": "someone else"})
    delete = reverse("admin:communities_accessevent_delete", args=[event.pk])
    assert office.post(delete, {"post": "yes"}).status_code == 403
    event.refresh_from_db()
    assert event.username == "x"


@pytest.mark.parametrize(("days", "allowed"), [(30, False), (182, False), (183, True), (365, True)])
def test_audit_records_are_kept_six_months(days, allowed, people):
    from django.core.management.base import CommandError

    AccessEvent.objects.create(kind="login", username="alice")
    if allowed:
        call_command("prune_audit", "--days", str(days), stdout=io.StringIO())
        assert AccessEvent.objects.count() == 1  # too young to go
    else:
        with pytest.raises(CommandError):
            call_command("prune_audit", "--days", str(days), stdout=io.StringIO())


def test_office_group_cannot_delete_evidence_or_audit(people):
    grant_office_permissions()
    codes = set(Group.objects.get(name=Role.OFFICE).permissions.values_list("codename", flat=True))
    assert "review_monthlyreport" in codes
    for forbidden in (
        "delete_monthlyreport",
        "delete_activityphoto",
        "delete_accessevent",
        "change_accessevent",
        "change_historicalmonthlyreport",
        "delete_finding",
    ):
        assert forbidden not in codes


def test_a_second_office_account_works_like_the_first(client, places, submitted):
    grant_office_permissions()
    user = make_user("office2", Role.OFFICE)
    user.is_staff = True
    user.save()
    client.force_login(user)
    assert client.get(reverse("admin:reporting_monthlyreport_changelist")).status_code == 200


@pytest.mark.parametrize(
    "url",
    [
        lambda r: reverse("admin:reporting_activityphoto_changelist"),
        lambda r: reverse(
            "admin:reporting_activityphoto_change", args=[r.activities.first().photos.first().pk]
        ),
        lambda r: reverse("admin:reporting_activity_change", args=[r.activities.first().pk]),
        lambda r: reverse("admin:reporting_activity_changelist"),
        lambda r: reverse("admin:reporting_finding_changelist"),
        lambda r: reverse("admin:communities_accessevent_changelist"),
        lambda r: reverse("admin:communities_propagandateam_changelist"),
        lambda r: reverse("admin:scoring_inspection_add"),
        lambda r: reverse("admin:reporting_monthlyreport_import"),
    ],
    ids=[
        "photos",
        "photo",
        "activity",
        "activities",
        "findings",
        "logins",
        "teams",
        "inspection",
        "import",
    ],
)
def test_every_desk_page_opens(office, submitted, url):
    assert office.get(url(submitted)).status_code == 200
