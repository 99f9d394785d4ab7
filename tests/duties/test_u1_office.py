"""U1, the office's side: a year's overview of the units' duties per unit and per duty
(duties/units_desk.py, in the admin), every unit shown, one that did nothing too; the
counts each duty names (schools reached per school term, SMS batches and recipients,
landlord agreements, property companies); the same as Excel; a fixed number of queries;
the office's alone. The units are kept in the admin by the office (never deleted); their
activities are read only there."""

import io
from datetime import date, datetime
from urllib.parse import quote, urlencode

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group, User
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from openpyxl import load_workbook

from communities.models import AccessEvent, Measure, Role, Unit
from duties import units_desk
from duties.models import UnitActivity
from reporting.models import ActivityForm, Plan
from reporting.periods import LOCAL
from tests.duties.conftest import make_unit_staff, record_unit_activity

pytestmark = pytest.mark.django_db

PAGE = reverse("admin:duties_unitactivity_year")
XLSX = reverse("admin:duties_unitactivity_year_xlsx")

# The plan's units, made by communities' migration 0009 with their duties' counts.
SCHOOLS, SMS, OTHER_SMS, IDLE_SMS = "教育办", "电信", "移动", "联通"
LANDLORDS, PROPERTY, NO_COUNT, NOTHING = "派出所", "城管办", "司法所", "广电站"


def record(name, month, count=None, participants=30, form=ActivityForm.TALK, day=20):
    """An activity of the unit `name` in `month` of 2021 (tests.duties.conftest), held on
    the 12th and recorded on `day` (of the next month when it is before the 12th)."""
    unit = Unit.objects.get(name=name)
    when = datetime(2021, month, day, 18, 0, tzinfo=LOCAL)
    if day < 12:
        when = datetime(2021, month + 1, day, 10, 0, tzinfo=LOCAL)
    return record_unit_activity(
        unit,
        staff_of(unit),
        month=month,
        at=when,
        count=count,
        participants=participants,
        form=form,
        place=f"{name}宣传点",
        caption=f"{name}{month}月反诈宣传",
    )


def staff_of(unit):
    """The unit's own staff account, made once."""
    found = User.objects.filter(assignment__unit=unit).first()
    return found or make_unit_staff(f"unit{unit.pk}", unit)


@pytest.fixture
def activities(plan):
    """A year of the units' activities. 教育办: January (the 2020 autumn term), March and
    June (spring), May without a count, September (autumn). 电信: two SMS batches and an
    LED screen without a count; 移动 one batch; 联通 nothing. 派出所: two months of
    landlord agreements. 城管办: property companies in August. 司法所: an activity (its
    duty names no count). 广电站: nothing at all."""
    return [
        record(SCHOOLS, 1, count=3, participants=100),
        record(SCHOOLS, 3, count=5, participants=200),
        record(SCHOOLS, 5, participants=50),
        record(SCHOOLS, 6, count=4, participants=80),
        record(SCHOOLS, 9, count=6, participants=120),
        record(SMS, 4, count=50000, participants=1, form=ActivityForm.SOCIAL_MEDIA),
        record(SMS, 5, count=48000, participants=1, form=ActivityForm.SOCIAL_MEDIA),
        record(SMS, 5, participants=200, form=ActivityForm.LED_BROADCAST),
        record(OTHER_SMS, 6, count=30000, participants=1),
        record(LANDLORDS, 4, count=12, participants=15),
        record(LANDLORDS, 7, count=8, participants=10),
        record(PROPERTY, 8, count=3, participants=6),
        record(NO_COUNT, 4, participants=40),
    ]


def rows_by_unit(overview):
    return {row.unit.name: row for row in overview.rows}


def figures(row_or_group):
    return {figure.label: figure.value for figure in row_or_group.figures}


AUTUMN_2020 = "2020年秋季学期（2021年1月）覆盖学校（所）"
SPRING_2021 = "2021年春季学期（2021年2–7月）覆盖学校（所）"
AUTUMN_2021 = "2021年秋季学期（2021年8–12月）覆盖学校（所）"


@pytest.mark.parametrize(
    ("unit", "activities_held", "participants", "expected"),
    [
        # School terms (rules.school_term): January 2021 closes the 2020 autumn term; the
        # activity without a count adds to the activities, not to the schools.
        (SCHOOLS, 5, 550, {AUTUMN_2020: 3, SPRING_2021: 9, AUTUMN_2021: 6}),
        # An SMS batch is an activity with a count; the LED screen is not a batch.
        (SMS, 3, 202, {"短信批次": 2, "短信接收人数": 98000}),
        (OTHER_SMS, 1, 1, {"短信批次": 1, "短信接收人数": 30000}),
        (IDLE_SMS, 0, 0, {"短信批次": 0, "短信接收人数": 0}),
        (LANDLORDS, 2, 25, {"签订房东责任书（份）": 20}),
        (PROPERTY, 1, 6, {"加入物业公司（家）": 3}),
        (NO_COUNT, 1, 40, {}),
        # A unit that did nothing is on the page all the same.
        (NOTHING, 0, 0, {}),
    ],
)
def test_u1_each_unit_s_year_and_the_counts_its_duty_names(
    activities, unit, activities_held, participants, expected
):
    row = rows_by_unit(units_desk.year_overview(2021))[unit]
    assert (row.activities, row.participants) == (activities_held, participants)
    assert figures(row) == expected
    assert row.did_nothing == (activities_held == 0)
    assert len(row.by_month) == 12 and sum(row.by_month) == activities_held


def test_u1_every_unit_is_in_the_overview_in_the_units_order(activities):
    overview = units_desk.year_overview(2021)
    assert [row.unit for row in overview.rows] == list(Unit.objects.all())
    assert rows_by_unit(overview)[SCHOOLS].by_month == (1, 0, 1, 0, 1, 1, 0, 0, 1, 0, 0, 0)
    assert overview.months == [1, 3, 4, 5, 6, 7, 8, 9]  # those with any activity


def test_u1_january_belongs_to_the_previous_autumn_term():
    """On 2022's overview, January's schools count in the 2021 autumn term."""
    january = units_desk.MonthTotals(activities=1, participants=90, counted=1, count=2)
    found = units_desk.duty_figures(Measure.SCHOOLS, 2022, {1: january})
    assert {figure.label: figure.value for figure in found} == {
        "2021年秋季学期（2022年1月）覆盖学校（所）": 2,
        "2022年春季学期（2022年2–7月）覆盖学校（所）": 0,
        "2022年秋季学期（2022年8–12月）覆盖学校（所）": 0,
    }


@pytest.mark.parametrize(
    ("measure", "units", "activities_held", "totals"),
    [
        (Measure.SCHOOLS, [SCHOOLS], 5, {AUTUMN_2020: 3, SPRING_2021: 9, AUTUMN_2021: 6}),
        (Measure.SMS, [SMS, OTHER_SMS, IDLE_SMS], 4, {"短信批次": 3, "短信接收人数": 128000}),
        (Measure.LANDLORDS, [LANDLORDS], 2, {"签订房东责任书（份）": 20}),
        (Measure.PROPERTY, [PROPERTY], 1, {"加入物业公司（家）": 3}),
    ],
)
def test_u1_per_duty_the_units_of_a_count_and_their_totals(
    activities, measure, units, activities_held, totals
):
    groups = {group.measure: group for group in units_desk.year_overview(2021).groups}
    group = groups[measure]
    assert [row.unit.name for row in group.rows] == units
    assert group.activities == activities_held
    assert figures(group) == totals


def test_u1_the_units_whose_duty_names_no_count_come_last(activities):
    last = units_desk.year_overview(2021).groups[-1]
    assert last.measure == Measure.NONE and last.label == "职责未定统计项"
    assert NO_COUNT in [row.unit.name for row in last.rows] and last.figures == ()
    assert last.activities == 1


# --- The page ---------------------------------------------------------------------------


def shortened(text, full):
    """`text` is the beginning of `full`, cut short with an ellipsis."""
    cut = text.removesuffix("...").removesuffix("…")
    return cut != text and len(cut) > 5 and full.startswith(cut) and len(cut) < len(full)


def row_of(page, unit):
    return page.split(f'<span class="desk-nowrap">{unit}</span>', 1)[1].split("</tr>")[0]


def test_u1_the_office_s_page(office, activities):
    Plan.objects.create(year=2020, duty_months=[4], deadline_day=1)
    response = office.get(PAGE + "?year=2021")
    assert response.status_code == 200
    page = response.content.decode()
    assert "不计分" in page and "2021年各单位活动情况（按职责）" in page
    schools = row_of(page, SCHOOLS)
    # The duty, shortened, in full on expanding it.
    duty = Unit.objects.get(name=SCHOOLS).duty
    summary = schools.split("<summary>", 1)[1].split(f"</summary>{duty}</details>", 1)[0]
    assert shortened(summary, duty)
    assert f"{SPRING_2021}：<strong>9</strong>" in schools
    changelist = reverse("admin:duties_unitactivity_changelist")
    unit = Unit.objects.get(name=SCHOOLS)
    assert f'{changelist}?unit__id__exact={unit.pk}&amp;year=2021">5</a>' in schools
    assert "本年尚无活动" in row_of(page, NOTHING)
    assert "本年尚无活动" not in row_of(page, NO_COUNT)
    # Per duty: each count with its units and totals.
    by_duty = page.split('id="by-duty"', 1)[1].split("</table>", 1)[0]
    assert "电信、移动、联通" in by_duty and "短信接收人数：<strong>128000</strong>" in by_duty
    # The year picker (years with a plan or activities), the year shown marked.
    assert 'href="?year=2020"' in page and 'aria-current="page">2021<' in page


def test_u1_a_year_without_activities_lists_every_unit_as_idle(office, plan):
    page = office.get(PAGE).content.decode()
    idle = '<strong class="duty-state">本年尚无活动</strong>'
    assert page.count(idle) == Unit.objects.count() == 15


def test_u1_the_desk_links_the_page(office, plan):
    links = office.get(reverse("admin:index")).content.decode().split('id="desk-links"', 1)[1]
    assert f'<a href="{PAGE}">各单位职责年度情况</a>' in links.split("</div>", 1)[0]


# --- The workbook -----------------------------------------------------------------------


def workbook(office, year=2021):
    response = office.get(XLSX + f"?year={year}")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert quote(f"各单位职责-{year}.xlsx") in response["Content-Disposition"]
    return load_workbook(io.BytesIO(b"".join(response.streaming_content)))


def test_u1_the_workbook_holds_the_overview(office, activities, people):
    book = workbook(office)
    assert book.sheetnames == ["按单位", "按职责", "活动清单"]
    overview = units_desk.year_overview(2021)
    rows = list(book["按单位"].values)
    assert rows[0][0].startswith("2021年各单位职责情况（按单位，不计分）")
    headers = rows[1]
    by_name = {row[0]: dict(zip(headers, row, strict=True)) for row in rows[2:]}
    assert list(by_name) == [row.unit.name for row in overview.rows]
    for row in overview.rows:
        sheet_row = by_name[row.unit.name]
        assert sheet_row["活动数"] == row.activities
        assert sheet_row["参加人数"] == row.participants
        assert [sheet_row[f"{m}月"] for m in range(1, 13)] == list(row.by_month)
        for figure in row.figures:
            assert sheet_row[figure.label] == figure.value
    assert by_name[SCHOOLS][SPRING_2021] == 9 and by_name[SCHOOLS]["短信批次"] is None
    assert by_name[SCHOOLS]["方案所定职责"] == Unit.objects.get(name=SCHOOLS).duty

    duties = list(book["按职责"].values)
    totals = {row[0]: dict(zip(duties[1], row, strict=True)) for row in duties[2:]}
    for group in overview.groups:
        assert totals[group.label]["活动数"] == group.activities
        for figure in group.figures:
            assert totals[group.label][figure.label] == figure.value
    assert totals["短信接收人数"]["短信接收人数"] == 128000
    # The file is personal data leaving: in the security log.
    assert AccessEvent.objects.filter(
        kind=AccessEvent.Kind.EXPORTED, user=people["office"]
    ).exists()


def test_u1_the_workbook_lists_every_activity_of_the_year(office, activities):
    sheet = list(workbook(office)["活动清单"].values)
    assert sheet[1] == (
        "单位",
        "月份",
        "时间",
        "地点",
        "开展形式",
        "参加人数",
        "图片说明",
        "数量",
        "记录时间",
        "补录",
    )
    listed = [dict(zip(sheet[1], row, strict=True)) for row in sheet[2:]]
    assert len(listed) == UnitActivity.objects.filter(year=2021).count() == 13
    first = listed[0]  # the units' order: 城管办 comes before 派出所 and 教育办
    assert first["单位"] == "城管办" and first["月份"] == 8
    assert first["时间"] == datetime(2021, 8, 12, 9, 30)
    assert first["开展形式"] == "集中宣讲" and first["数量"] == 3
    assert first["记录时间"] == datetime(2021, 8, 20, 18, 0) and first["补录"] is None


def test_u1_an_activity_entered_after_its_month_is_marked(office, plan):
    record(SCHOOLS, 4, count=1, day=3)  # recorded on 3 May
    (row,) = list(workbook(office)["活动清单"].values)[2:]
    assert row[-2:] == (datetime(2021, 5, 3, 10, 0), "是")


# --- Queries and access ------------------------------------------------------------------


def test_u1_the_page_and_the_workbook_take_the_same_queries_at_two_sizes(office, activities):
    def count():
        office.get(PAGE)  # the session and the second factor's first look-ups
        with CaptureQueriesContext(connection) as page:
            assert office.get(PAGE + "?year=2021").status_code == 200
        with CaptureQueriesContext(connection) as book:
            b"".join(office.get(XLSX + "?year=2021").streaming_content)
        return len(page), len(book)

    small = count()
    for n in range(4):
        Unit.objects.create(name=f"测试银行{n}", duty="张贴防骗海报", measure=Measure.SMS)
        record(f"测试银行{n}", 10, count=100 + n)
        record(f"测试银行{n}", 11)
    record(LANDLORDS, 12, count=4)
    assert UnitActivity.objects.filter(year=2021).count() == 22
    assert count() == small


@pytest.mark.parametrize("who", ["leader", "alice", "head", "unit_staff", "nobody"])
def test_u1_nobody_but_the_office_reaches_the_page(who, client, people, plan):
    """Through the admin site, everyone else is sent to its login; called on their own,
    the views ask communities.access themselves."""
    user = staff_of(Unit.objects.get(name=SCHOOLS)) if who == "unit_staff" else people[who]
    client.force_login(user)
    for url in (PAGE, XLSX):
        response = client.get(url)
        assert response.status_code == 302 and reverse("admin:login") in response["Location"]
    request = RequestFactory().get(PAGE)
    request.user = user
    with pytest.raises(PermissionDenied):
        units_desk.year_page(request, admin.site)
    with pytest.raises(PermissionDenied):
        units_desk.year_xlsx(request)


@pytest.mark.parametrize(
    ("wanted", "shown"),
    [("", 2021), ("2021", 2021), ("2030", 2030), ("1999", 2021), ("x", 2021)],
)
def test_u1_the_year_shown(rf, wanted, shown):
    """Years with a plan (2030) or with activities (2021, which has no plan), newest first;
    the one asked for, else the latest up to this year (2022)."""
    record(SCHOOLS, 4)
    Plan.objects.create(year=2030, duty_months=[4], deadline_day=1)
    request = rf.get(PAGE, {"year": wanted} if wanted else {})
    years, year = units_desk.chosen_year(request, date(2022, 12, 1))
    assert years == [2030, 2021] and year == shown


def test_u1_with_no_plan_and_no_activity_this_year_is_shown(rf):
    assert units_desk.chosen_year(rf.get(PAGE), date(2022, 12, 1)) == ([], 2022)


# --- The admin: units kept by the office, activities read only ---------------------------


def test_u1_the_office_adds_and_changes_a_unit_never_deletes_one(office):
    unit = Unit.objects.get(name=SCHOOLS)
    listed = office.get(reverse("admin:communities_unit_changelist")).content.decode()
    row = listed.split(f">{SCHOOLS}</a>", 1)[1].split("</tr>", 1)[0]
    assert '<td class="field-measure">覆盖学校（所）</td>' in row
    assert shortened(row.split('<td class="field-short_duty">', 1)[1].split("</td>")[0], unit.duty)
    added = office.post(
        reverse("admin:communities_unit_add"),
        {"name": "罗山农商银行", "duty": "张贴防骗海报", "measure": "", "position": 20},
    )
    assert added.status_code == 302 and Unit.objects.filter(name="罗山农商银行").exists()
    changed = office.post(
        reverse("admin:communities_unit_change", args=[unit.pk]),
        {"name": unit.name, "duty": "每学期宣传一次", "measure": Measure.SCHOOLS, "position": 8},
    )
    assert changed.status_code == 302
    unit.refresh_from_db()
    assert unit.duty == "每学期宣传一次"
    assert unit.history.get(history_type="~").history_user.username == "office"
    delete = reverse("admin:communities_unit_delete", args=[unit.pk])
    assert office.get(delete).status_code == 403
    assert office.post(delete, {"post": "yes"}).status_code == 403
    assert Unit.objects.filter(pk=unit.pk).exists()


def test_u1_the_office_reads_an_activity_and_changes_nothing(office, activities):
    activity = activities[0]
    assert office.get(reverse("admin:duties_unitactivity_changelist")).status_code == 200
    change = reverse("admin:duties_unitactivity_change", args=[activity.pk])
    page = office.get(change)
    assert page.status_code == 200 and 'name="_save"' not in page.content.decode()
    assert office.post(change, {"place": "改过的地点"}).status_code == 403
    activity.refresh_from_db()
    assert activity.place == f"{SCHOOLS}宣传点"
    assert office.get(reverse("admin:duties_unitactivity_add")).status_code == 403
    delete = reverse("admin:duties_unitactivity_delete", args=[activity.pk])
    assert office.get(delete).status_code == 403
    history = reverse("admin:duties_unitactivity_history", args=[activity.pk])
    assert office.get(history).status_code == 200
    try:
        thumbnail = reverse("duties:unit_photo", args=[activity.photos.get().pk, "thumbnail"])
    except NoReverseMatch:  # the unit staff's photo view is another piece of U1
        pytest.skip("duties:unit_photo is not there yet")
    assert thumbnail in page.content.decode()


@pytest.mark.parametrize(
    ("query", "listed"),
    [
        ("", 13),
        ("?year=2021&month=5", 3),
        ("?" + urlencode({"form": ActivityForm.SOCIAL_MEDIA}), 2),
    ],
)
def test_u1_the_activities_list_filters(office, activities, query, listed):
    response = office.get(reverse("admin:duties_unitactivity_changelist") + query)
    assert response.status_code == 200
    assert response.context["cl"].result_count == listed


def test_u1_the_activities_list_takes_the_same_queries_at_two_sizes(office, activities):
    url = reverse("admin:duties_unitactivity_changelist")

    def count():
        office.get(url)
        with CaptureQueriesContext(connection) as listed:
            assert office.get(url).status_code == 200
        return len(listed)

    small = count()
    for month in range(2, 12):
        record(NO_COUNT, month)
    assert count() == small


def test_u1_the_office_group_reads_units_activities_and_keeps_units(people, office):
    codes = set(Group.objects.get(name=Role.OFFICE).permissions.values_list("codename", flat=True))
    assert {"add_unit", "change_unit", "view_unit"} <= codes
    assert {"view_unitactivity", "view_unitactivityphoto"} <= codes
    assert not {"delete_unit", "add_unitactivity", "change_unitactivity"} & codes
    assert not {"delete_unitactivity", "delete_unitactivityphoto"} & codes


@pytest.mark.parametrize(
    "page",
    [
        "admin:duties_supervision_points",
        "admin:duties_boardupdate_quarters",
        "admin:duties_unitactivity_year",
    ],
)
def test_the_duty_pages_share_one_year_picker(office, plan, page):
    """templates/duties/_year_picker.html: every year a link, the year shown marked."""
    Plan.objects.create(year=2020, duty_months=[4], deadline_day=1)
    html = office.get(reverse(page) + "?year=2020").content.decode()
    picker = html.split('<nav class="desk-actions duty-years" aria-label="年度">', 1)[1]
    picker = picker.split("</nav>", 1)[0]
    assert '<a class="button" href="?year=2021">2021</a>' in picker
    assert 'href="?year=2020" aria-current="page">2020</a>' in picker
