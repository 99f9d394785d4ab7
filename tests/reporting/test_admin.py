"""The office's desk in the admin: who gets in, lists, exports, evidence, audit.

The month page and its files are in test_desk.py, review in test_review.py.
"""

import io
import re
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import AccessEvent, Role
from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport
from tests.conftest import PASSWORD, add_activity, make_user, verified_login

pytestmark = pytest.mark.django_db
FORMULA = '=HYPERLINK("http://x","y")'


DESK_FILES = ("missing", "month_attachment2", "zip", "attachment2")


def admin_urls(report):
    month = "?month=2021-04"
    return {
        "index": reverse("admin:index"),
        "list": reverse("admin:reporting_monthlyreport_changelist"),
        "change": reverse("admin:reporting_monthlyreport_change", args=[report.pk]),
        "export": reverse("admin:reporting_monthlyreport_export"),
        "month": reverse("admin:reporting_monthlyreport_month") + month,
        "missing": reverse("admin:reporting_monthlyreport_missing_xlsx") + month,
        "month_attachment2": reverse("admin:reporting_monthlyreport_month_attachment2") + month,
        "zip": reverse("admin:reporting_monthlyreport_photos_zip") + month,
        "attachment2": reverse("admin:reporting_monthlyreport_attachment2", args=[report.pk]),
    }


@pytest.mark.parametrize("page", ["index", "list", "change", "export", "month", *DESK_FILES])
@pytest.mark.parametrize("who", ["alice", "head", "leader", "nobody", "anonymous"])
def test_only_the_office_reaches_the_admin(client, people, submitted, page, who):
    if who != "anonymous":
        user = people[who]
        user.is_staff = True  # even a wrongly flagged account stays out
        user.save()
        client.force_login(user)
    response = client.get(admin_urls(submitted)[page])
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.parametrize("page", ["index", "list", "change", "export", "month", *DESK_FILES])
def test_the_office_reaches_every_page(office, submitted, page):
    assert office.get(admin_urls(submitted)[page]).status_code == 200


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
    assert sheet["D2"].value.startswith("报送时间：2021年05月01日")
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
        participants = [c.value for c in cells if c.column == 8 and c.row > 2]  # title, headers
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
    verified_login(client, user)
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


EVIDENCE = {
    "report": lambda report, people: report,
    "activity": lambda report, people: report.activities.first(),
    "photo": lambda report, people: report.activities.first().photos.first(),
    "finding": lambda report, people: report.mark_falsified(
        people["office"], "照片重复使用", version=report.version
    ),
    "login": lambda report, people: AccessEvent.objects.create(kind="failed", username="x"),
}


@pytest.mark.parametrize("record", EVIDENCE.values(), ids=EVIDENCE.keys())
def test_evidence_is_never_added_or_deleted_even_by_a_superuser(
    admin_client, people, submitted, record
):
    """EvidenceAdmin and ReadOnlyAdmin refuse what no permission can grant."""
    kept = record(submitted, people)
    name = f"admin:{kept._meta.app_label}_{kept._meta.model_name}"
    add = reverse(f"{name}_add")
    assert add not in admin_client.get(reverse(f"{name}_changelist")).content.decode()
    assert admin_client.get(add).status_code == 403
    delete = reverse(f"{name}_delete", args=[kept.pk])
    assert admin_client.post(delete, {"post": "yes"}).status_code == 403
    assert type(kept).objects.filter(pk=kept.pk).exists()


def test_a_reports_activities_and_events_are_shown_never_added_or_removed(admin_client, submitted):
    change = reverse("admin:reporting_monthlyreport_change", args=[submitted.pk])
    page = admin_client.get(change).content.decode()
    assert "企业宣讲" in page and 'id="activities-group"' in page and 'id="events-group"' in page
    assert "-DELETE" not in page  # no box to delete an activity or an event
    assert 'id="activities-empty"' not in page and 'id="events-empty"' not in page  # nor to add


def test_login_records_cannot_be_changed_even_by_a_superuser(admin_client):
    event = AccessEvent.objects.create(kind="failed", username="x", address="10.0.0.9")
    change = reverse("admin:communities_accessevent_change", args=[event.pk])
    assert admin_client.get(change).status_code == 200  # read
    assert admin_client.post(change, {"username": "someone else"}).status_code == 403
    event.refresh_from_db()
    assert event.username == "x"


def _falsified_and_clean(people, plan, places, submitted):
    """A's report found falsified; B's clean; C's found falsified, then withdrawn."""
    submitted.mark_falsified(people["office"], "照片重复使用")
    clean = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(clean, people["bob"])
    clean.submit(people["bob"], truth_confirmed=True)
    withdrawn = MonthlyReport.start(places["c"].pk, plan, 4, by=people["office"])
    add_activity(withdrawn, people["office"])
    withdrawn.submit(people["office"], truth_confirmed=True)
    withdrawn.mark_falsified(people["office"], "人数不符").withdraw(people["office"], "核实无误")


def test_the_list_marks_a_falsified_report_in_red_words_and_leaves_the_others_empty(
    office, people, plan, places, submitted
):
    """M6: a tick read as "falsified" and a red cross on every clean report read backwards:
    a red badge in words (a screen reader reads it), and the list's empty value."""
    _falsified_and_clean(people, plan, places, submitted)
    text = office.get(reverse("admin:reporting_monthlyreport_changelist")).content.decode()
    cells = {
        community: re.search(
            rf"{community}.*?<td class=\"field-falsified\">(.*?)</td>", text, re.DOTALL
        )[1]
        for community in ("甲社区", "乙社区", "丙社区")
    }
    assert cells == {
        "甲社区": '<span class="desk-falsified">弄虚作假</span>',
        "乙社区": "-",
        "丙社区": "-",
    }
    assert "icon-yes.svg" not in text and "icon-no.svg" not in text


def test_the_report_export_says_which_reports_were_found_falsified_in_fixed_queries(
    office, people, plan, places, submitted
):
    """弄虚作假: 是 for an active finding, empty otherwise (a withdrawn one too), with no
    query per row."""
    export = reverse("admin:reporting_monthlyreport_export")

    def exported():
        with CaptureQueriesContext(connection) as queries:
            response = office.get(export)
            content = b"".join(response.streaming_content)
        rows = list(load_workbook(io.BytesIO(content)).active.iter_rows(values_only=True))
        column = rows[1].index("弄虚作假")  # row 1 the heading, row 2 the headers
        return {row[:4:3]: row[column] for row in rows[2:]}, len(queries)  # 社区, 月份

    one, few = exported()
    assert one == {("甲社区", 4): None}
    _falsified_and_clean(people, plan, places, submitted)
    for month in (5, 6, 7):
        MonthlyReport.start(places["b"].pk, plan, month, by=people["bob"])
    rows, many = exported()
    assert rows == {
        ("甲社区", 4): "是",
        ("乙社区", 4): None,
        ("丙社区", 4): None,
        **{("乙社区", month): None for month in (5, 6, 7)},
    }
    assert many == few
