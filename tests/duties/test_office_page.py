"""The office's page of every point's duty months (duties/desk.py, in the admin): done with
dates and links, missing, not yet; the same as Excel; in a fixed number of queries; the
records read only in the admin; nobody but the office."""

import io
from datetime import datetime

import pytest
import time_machine
from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.test import RequestFactory
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import AccessEvent, Community, WorkPoint
from duties import desk
from duties.models import Supervision, WorkMeeting
from reporting.periods import LOCAL
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:duties_supervision_points")
XLSX = reverse("admin:duties_supervision_points_xlsx")
IN_JUNE = datetime(2021, 6, 10, 9, 0, tzinfo=LOCAL)


@pytest.fixture
def records(plan, places, people):
    """The first point: April done (its meeting entered in May), May a visit only; the
    other point nothing. Seen on 10 June: April and May judged, June not yet."""
    with time_machine.travel(datetime(2021, 4, 25, tzinfo=LOCAL), tick=False):
        visit = record_visit(plan, places, people, month=4, day=12)
    with time_machine.travel(datetime(2021, 5, 3, tzinfo=LOCAL), tick=False):
        meeting = record_meeting(plan, places, people, month=4, day=20)
    with time_machine.travel(datetime(2021, 5, 25, tzinfo=LOCAL), tick=False):
        record_visit(plan, places, people, month=5, day=7)
    return visit, meeting


@pytest.fixture
def in_june():
    with time_machine.travel(IN_JUNE, tick=False):
        yield


def row_of(page, point):
    return page.split(f'<th scope="row" class="desk-nowrap">{point}</th>', 1)[1].split("</tr>")[0]


def test_every_point_by_month(office, records, in_june):
    visit, meeting = records
    page = office.get(PAGE).content.decode()
    assert "不计分" in page
    first = row_of(page, "缺塘点").split("</td>")
    assert "已完成" in first[0]
    assert reverse("admin:duties_supervision_change", args=[visit.pk]) in first[0]
    assert reverse("admin:duties_workmeeting_change", args=[meeting.pk]) in first[0]
    assert "04-12</a>" in first[0] and "04-20</a>（补录）" in first[0]
    assert "缺失：工作会" in first[1] and "05-07" in first[1]
    assert "未到期" in first[2]
    other = row_of(page, "苏内点").split("</td>")
    assert "缺失：督导、工作会" in other[0]
    assert "未到期" in other[2]
    # The desk's first page links here.
    assert PAGE in office.get(reverse("admin:index")).content.decode()


def test_the_same_as_excel(office, records, in_june, people):
    response = office.get(XLSX + "?year=2021")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.values)
    assert rows[0][0].startswith("2021年工作点督导与工作会情况（不计分）")
    assert rows[1] == ("工作点", "4月", "5月", "6月", "7月", "8月", "9月", "10月")
    first = dict(zip(rows[1], rows[2], strict=True))
    assert first["工作点"] == "缺塘点"
    assert first["4月"] == "已完成\n督导 04-12\n工作会 04-20（补录）"
    assert first["5月"] == "缺失：工作会\n督导 05-07"
    assert first["6月"] == "未到期"
    second = dict(zip(rows[1], rows[3], strict=True))
    assert second["4月"] == "缺失：督导、工作会"
    # An export of who recorded what: in the security log.
    assert AccessEvent.objects.filter(
        kind=AccessEvent.Kind.EXPORTED, user=people["office"]
    ).exists()


def add_point_with_months(plan, people, n):
    """Another point with a community, a visit and a meeting in each of April and May."""
    from tests.conftest import make_user
    from tests.duties.conftest import record_meeting, record_visit

    point = WorkPoint.objects.create(name=f"测试点{n}", position=10 + n)
    Community.objects.create(name=f"测试社区{n}", work_point=point)
    key = f"point{n}"
    places = {key: point}
    people = {**people, "head": make_user(f"head{n}", "工作点点长", work_point=point)}
    for month in (4, 5):
        with time_machine.travel(datetime(2021, month, 25, tzinfo=LOCAL), tick=False):
            record_visit(plan, places, people, month=month, point=key)
            record_meeting(plan, places, people, month=month, point=key)


def test_the_page_and_the_workbook_take_the_same_queries_at_two_sizes(
    office, plan, places, people, records, django_assert_num_queries
):
    with time_machine.travel(IN_JUNE, tick=False):
        office.get(PAGE)  # the session and the second factor's first look-ups
        with django_assert_num_queries(PAGE_QUERIES):
            office.get(PAGE)
        with django_assert_num_queries(XLSX_QUERIES):
            b"".join(office.get(XLSX).streaming_content)
    for n in range(5):
        add_point_with_months(plan, people, n)
    assert Supervision.objects.count() == 12 and WorkMeeting.objects.count() == 11
    with time_machine.travel(IN_JUNE, tick=False):
        with django_assert_num_queries(PAGE_QUERIES):
            page = office.get(PAGE).content.decode()
        with django_assert_num_queries(XLSX_QUERIES):
            b"".join(office.get(XLSX).streaming_content)
    assert "测试点4" in page


# The admin's own (session, user, second factor, role, app list, the session's update: 10
# on the page, 8 without the app list for the file) and the page's four: the plans, the
# points, their visits, their meetings; the file also writes its line of the security log.
PAGE_QUERIES = 14
XLSX_QUERIES = 13


@pytest.mark.parametrize("who", ["head", "other_head", "alice", "leader", "nobody"])
def test_nobody_but_the_office_reaches_it(who, client, people, records):
    """Through the admin site, everyone else is sent to its login; called on their own,
    the views ask communities.access themselves."""
    client.force_login(people[who])
    for url in (PAGE, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and "/admin/login/" in response["Location"]
    request = RequestFactory().get(PAGE)
    request.user = people[who]
    with pytest.raises(PermissionDenied):
        desk.points_page(request, admin.site)
    with pytest.raises(PermissionDenied):
        desk.points_xlsx(request)


@pytest.mark.parametrize("model", ["supervision", "workmeeting"])
def test_the_records_are_read_only_in_the_admin(model, office, records, in_june):
    record = records[0] if model == "supervision" else records[1]
    assert office.get(reverse(f"admin:duties_{model}_changelist")).status_code == 200
    change = office.get(reverse(f"admin:duties_{model}_change", args=[record.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.content.decode()
    assert office.get(reverse(f"admin:duties_{model}_add")).status_code == 403
    assert office.get(reverse(f"admin:duties_{model}_delete", args=[record.pk])).status_code == 403
    assert office.get(reverse(f"admin:duties_{model}_history", args=[record.pk])).status_code == 200
    if model == "supervision":
        # Its photos, through the portal's photo view, never MEDIA_URL.
        photo = record.photos.get()
        assert reverse("duties:photo", args=[photo.pk, "thumbnail"]) in change.content.decode()
