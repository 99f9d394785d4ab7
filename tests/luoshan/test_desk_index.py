"""The desk's front page (luoshan/admin.py): 待审核 first, and every desk page's icon."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from evidence.models import FlagKind
from reporting.models import MonthlyReport
from tests.conftest import add_activity, raise_flag

pytestmark = pytest.mark.django_db


def _submitted(plan, community, by, days_before_deadline):
    report = MonthlyReport.start(community.pk, plan, 4, by=by)
    add_activity(report, by)
    report.submit(
        by, truth_confirmed=True, at=plan.late_from(4) - timedelta(days=days_before_deadline)
    )
    return report


def _awaiting(text):
    return text[text.index('id="awaiting-review"') :].split("</div>", 1)[0]


def test_the_index_lists_the_reports_awaiting_review_oldest_first(office, people, plan, places):
    """Submitted, not yet judged: the earliest first submission on top, each a link to
    its review page; accepted and draft reports are not listed."""
    newer = _submitted(plan, places["a"], people["alice"], 1)
    older = _submitted(plan, places["b"], people["bob"], 5)
    accepted = _submitted(plan, places["c"], people["alice"], 9)
    accepted.accept(people["office"])
    text = office.get(reverse("admin:index")).content.decode()
    assert text.index('id="awaiting-review"') < text.index('class="app-reporting module')
    awaiting = _awaiting(text)
    assert "待审核" in awaiting
    links = [reverse("admin:reporting_monthlyreport_review", args=[r.pk]) for r in (older, newer)]
    assert all(link in awaiting for link in links)
    assert awaiting.index(links[0]) < awaiting.index(links[1])
    assert "丙社区" not in awaiting


def test_the_index_says_when_nothing_awaits_review(office, people, plan, places):
    assert "没有待审核的报表。" in _awaiting(office.get(reverse("admin:index")).content.decode())


def test_the_index_takes_as_many_queries_for_three_waiting_reports_as_for_one(
    office, people, plan, places
):
    _submitted(plan, places["a"], people["alice"], 1)
    office.get(reverse("admin:index"))
    counts = []
    for community, staff in (("b", "bob"), ("c", "alice")):
        with CaptureQueriesContext(connection) as queries:
            office.get(reverse("admin:index"))
        counts.append(len(queries))
        _submitted(plan, places[community], people[staff], 2)
    with CaptureQueriesContext(connection) as queries:
        text = office.get(reverse("admin:index")).content.decode()
    counts.append(len(queries))
    assert _awaiting(text).count("<li>") == 3
    assert len(set(counts)) == 1, counts


@pytest.mark.parametrize(
    "url",
    ["admin:index", "admin:reporting_monthlyreport_changelist", "admin:password_change"],
)
def test_desk_pages_carry_their_own_icon_so_no_favicon_ico_is_fetched(office, url):
    text = office.get(reverse(url)).content.decode()
    assert '<link rel="icon" href="data:,">' in text


def test_the_desk_names_django_axes_in_chinese(office):
    page = office.get(reverse("admin:index")).content.decode()
    assert "登录失败与锁定" in page and ">Axes<" not in page and "AXES" not in page


def test_a_report_found_falsified_has_been_judged_and_is_not_waiting(office, people, plan, places):
    """M6: the finding leaves the report submitted, but it is no longer 待审核; withdrawn,
    the report waits again."""
    waiting = _submitted(plan, places["a"], people["alice"], 1)
    falsified = _submitted(plan, places["b"], people["bob"], 5)
    finding = falsified.mark_falsified(people["office"], "照片与上月相同")
    awaiting = _awaiting(office.get(reverse("admin:index")).content.decode())
    assert awaiting.count("<li>") == 1
    assert "甲社区" in awaiting and "乙社区" not in awaiting
    finding.withdraw(people["office"], "核实为本月照片")
    awaiting = _awaiting(office.get(reverse("admin:index")).content.decode())
    assert awaiting.count("<li>") == 2
    assert awaiting.index("乙社区") < awaiting.index("甲社区")  # the longest waiting first
    assert waiting.state == falsified.state == "submitted"


def test_the_index_takes_as_many_queries_with_reports_found_falsified_as_without(
    office, people, plan, places
):
    _submitted(plan, places["a"], people["alice"], 1)
    office.get(reverse("admin:index"))
    with CaptureQueriesContext(connection) as few:
        office.get(reverse("admin:index"))
    for community, staff in (("b", "bob"), ("c", "alice")):
        _submitted(plan, places[community], people[staff], 2).mark_falsified(
            people["office"], "照片重复"
        )
    with CaptureQueriesContext(connection) as many:
        text = office.get(reverse("admin:index")).content.decode()
    assert _awaiting(text).count("<li>") == 1
    assert len(many) == len(few)


@pytest.mark.parametrize("with_plan", [True, False])
def test_the_index_links_to_the_import_of_old_sheets_whatever_month_is_due(
    office, request, with_plan
):
    """导入旧报表 beside 季度考评, with or without a month due (no plan: none due)."""
    if with_plan:
        request.getfixturevalue("plan")
    text = office.get(reverse("admin:index")).content.decode()
    assert ('id="who-has-not-reported"' in text) is with_plan
    links = text[text.index('id="desk-links"') :].split("</div>", 1)[0]
    assert f'href="{reverse("admin:reporting_monthlyreport_import")}">导入旧报表</a>' in links
    assert f'href="{reverse("scoring:index")}">季度考评</a>' in links


# A province: the first page lists a few and counts them all, in the same queries.


def test_the_index_lists_the_twelve_longest_waiting_and_counts_them_all(
    office, people, plan, places
):
    """待审核 at a province's size: the 12 longest waiting, how many wait in all, and a
    link to the report list of them all."""
    from communities.models import Community

    reports = []
    for n in range(14):
        community = Community.objects.create(name=f"社区{n:02d}", work_point=places["point"])
        reports.append(_submitted(plan, community, people["office"], 14 - n))
    text = office.get(reverse("admin:index")).content.decode()
    awaiting = _awaiting(text)
    assert awaiting.count("<li>") == 12
    links = [reverse("admin:reporting_monthlyreport_review", args=[r.pk]) for r in reports]
    assert all(link in awaiting for link in links[:12])
    assert not any(link in awaiting for link in links[12:])
    assert "共 14 份报表待审核，此处列出等待最久的 12 份。" in awaiting
    every = f'href="{reverse("admin:reporting_monthlyreport_changelist")}?review=waiting"'
    assert every in awaiting


def _owing(text):
    return text[text.index('id="who-has-not-reported"') :].split('id="desk-links"', 1)[0]


def test_the_index_counts_every_community_owing_the_month_due_and_lists_twelve(
    office, people, plan, places
):
    """The month due (the plan's last, long past): every one of the 15 owes it."""
    from communities.models import Community

    for n in range(12):
        Community.objects.create(name=f"社区{n:02d}", work_point=places["point"])
    owing = _owing(office.get(reverse("admin:index")).content.decode())
    assert owing.count("<tr><td>") == 12
    assert "共15个社区本月报表未按时报送或待重报。" in owing
    assert "此处只列出前12个" in owing


def test_the_index_takes_as_many_queries_for_20_communities_as_for_2(office, people, plan, places):
    """Waiting reports, communities owing the month due, contacts: 2 of each, then 20."""
    from communities.models import Community, PropagandaTeam, TeamMember

    def grow(first, size):
        for n in range(first, size):
            community = Community.objects.create(name=f"社区{n:02d}", work_point=places["point"])
            _submitted(plan, community, people["office"], n % 5)
            team = PropagandaTeam.objects.create(community=community, established_on="2021-03-01")
            TeamMember.objects.create(
                team=team, name=f"联络{n}", phone="13900000000", is_group_contact=True
            )

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = office.get(reverse("admin:index"))
        context = response.context
        return len(captured), context["awaiting_count"], context["missing_count"]

    grow(0, 2)
    office.get(reverse("admin:index"))
    few, waiting, owing = queries()
    assert (waiting, owing) == (2, 5)
    grow(2, 20)
    many, waiting, owing = queries()
    assert (waiting, owing) == (20, 23)
    assert many == few


def test_the_index_counts_the_flags_waiting_for_the_office(office, people, plan, places):
    """E1: the flags neither dismissed nor answered by a finding, a link to their reports."""
    report = _submitted(plan, places["a"], people["alice"], 1)
    photo = report.activities.get().photos.get()
    assert "疑点待综治办处理" not in _awaiting(office.get(reverse("admin:index")).content.decode())
    raise_flag(FlagKind.PHOTO_NO_METADATA, photo=photo)
    raise_flag(FlagKind.PHOTO_DATE_MISMATCH, photo=photo, days=9)
    dismissed = raise_flag(FlagKind.CAPTION_REUSED, activity=photo.activity, same_caption=True)
    dismissed.dismiss(people["office"], "通用标语")
    awaiting = _awaiting(office.get(reverse("admin:index")).content.decode())
    link = reverse("admin:reporting_monthlyreport_changelist") + "?flags=open"
    assert f'<a href="{link}">有 2 个疑点待综治办处理：查看相关报表</a>' in awaiting
    report.mark_falsified(people["office"], "照片重复使用")
    assert "疑点待综治办处理" not in _awaiting(office.get(reverse("admin:index")).content.decode())
