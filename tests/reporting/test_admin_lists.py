"""The desk's lists of reports and activities at a province's size (reporting/admin.py):
filters that never list every community, and pages that cost the same number of
queries for 2 communities as for 20."""

import re
from datetime import timedelta
from html import unescape
from urllib.parse import parse_qsl, urlsplit

import pytest
from django.contrib import admin
from django.contrib.admin import site
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community
from reporting.admin import CommunityFilter
from reporting.models import Activity, MonthlyReport
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db

REPORTS = reverse("admin:reporting_monthlyreport_changelist")
ACTIVITIES = reverse("admin:reporting_activity_changelist")


def add_communities(places, names):
    return [Community.objects.create(name=name, work_point=places["point"]) for name in names]


def file(community, plan, month, by, submit=True):
    report = MonthlyReport.start(community.pk, plan, month, by=by)
    add_activity(report, by)
    if submit:
        report.submit(by, truth_confirmed=True, at=plan.late_from(month) - timedelta(days=1))
    return report


def community_filter(page):
    """The community filter's box in the list's sidebar: (its HTML, the choices' texts)."""
    box = re.search(r'<details data-filter-title="社区".*?</details>', page, re.S)
    assert box, "no community filter on the page"
    choices = re.findall(r'<li(?: class="selected")?>\s*<a href="[^"]*">([^<]*)</a></li>', box[0])
    return box[0], choices


def listed(office, url, **query):
    """The rows of a list, by the community of each row's report."""
    result = office.get(url, query).context["cl"].result_list
    return sorted(
        getattr(row, "community", None).name if url == REPORTS else row.report.community.name
        for row in result
    )


def test_the_community_filter_lists_no_community_until_part_of_a_name_is_typed(office, places):
    add_communities(places, [f"第{n}社区" for n in range(30)])
    box, choices = community_filter(office.get(REPORTS).content.decode())
    assert choices == ["全部"]
    assert '<label for="changelist-filter-community_name">名称（输入部分即可）</label>' in box
    assert 'name="community_name"' in box and ">查找</button>" in box


def test_typing_part_of_a_name_offers_the_communities_that_have_it_and_lists_their_reports(
    office, people, plan, places
):
    east, west, hill = add_communities(places, ["东湖社区", "西湖社区", "东山社区"])
    for community in (east, west, hill):
        file(community, plan, 4, people["office"], submit=False)
    page = office.get(REPORTS, {"community_name": "湖"})
    _box, choices = community_filter(page.content.decode())
    assert choices == ["全部", "东湖社区", "西湖社区"]
    assert listed(office, REPORTS, community_name="湖") == ["东湖社区", "西湖社区"]


def test_an_offered_community_lists_its_reports_alone_and_keeps_the_other_filters(
    office, people, plan, places
):
    east, west = add_communities(places, ["东湖社区", "西湖社区"])
    for month in (4, 5):
        for community in (east, west):
            file(community, plan, month, people["office"], submit=False)
    box, _choices = community_filter(
        office.get(REPORTS, {"month": 5, "community_name": "湖"}).content.decode()
    )
    link = unescape(re.search(r'<a href="([^"]*)">西湖社区</a>', box)[1])
    query = dict(parse_qsl(urlsplit(link).query))
    assert query == {"month": "5", "community_name": "湖", "community": str(west.pk)}
    result = office.get(REPORTS, query).context["cl"].result_list
    assert [(r.community.name, r.month) for r in result] == [("西湖社区", 5)]
    chosen = community_filter(office.get(REPORTS, query).content.decode())[0]
    assert re.search(r'<li class="selected">\s*<a href="[^"]*">西湖社区</a>', chosen)


def test_the_box_sends_the_lists_other_filters_again_but_not_its_page(office, places):
    box, _choices = community_filter(
        office.get(
            REPORTS, {"month": 5, "state": "submitted", "p": 2, "community": 9}
        ).content.decode()
    )
    hidden = dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)">', box))
    assert hidden == {"month": "5", "state": "submitted"}


def test_more_communities_matching_than_offered_asks_for_more_of_the_name(office, places):
    add_communities(places, [f"湖滨{n:02d}社区" for n in range(CommunityFilter.MATCHES + 2)])
    box, choices = community_filter(
        office.get(REPORTS, {"community_name": "湖滨"}).content.decode()
    )
    assert len(choices) == 1 + CommunityFilter.MATCHES
    assert f"名称含此内容的社区多于所列 {CommunityFilter.MATCHES} 个" in box


def test_a_name_no_community_has_says_so(office, places):
    box, choices = community_filter(
        office.get(REPORTS, {"community_name": "不存在"}).content.decode()
    )
    assert choices == ["全部"]
    assert "没有名称含此内容的社区。" in box


def test_a_community_that_is_not_a_number_lists_nothing_and_fails_nothing(
    office, people, plan, places
):
    file(places["a"], plan, 4, people["alice"], submit=False)
    response = office.get(REPORTS, {"community": "甲社区"})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == []


def test_the_month_filter_offers_the_plans_months_and_lists_that_month(
    office, people, plan, places
):
    for month in (4, 5):
        file(places["a"], plan, month, people["alice"], submit=False)
    page = office.get(REPORTS).content.decode()
    box = re.search(r'<details data-filter-title="月份".*?</details>', page, re.S)[0]
    assert re.findall(r'<a href="[^"]*">([^<]*)</a>', box) == ["全部"] + [
        f"{month}月" for month in plan.months()
    ]
    result = office.get(REPORTS, {"month": 5}).context["cl"].result_list
    assert [r.month for r in result] == [5]


def test_awaiting_review_lists_the_submitted_reports_nobody_judged(office, people, plan, places):
    """As the desk's first page counts them: not accepted, not found falsified, not drafts."""
    waiting = file(places["a"], plan, 4, people["alice"])
    file(places["b"], plan, 4, people["bob"]).accept(people["office"])
    file(places["c"], plan, 4, people["office"]).mark_falsified(people["office"], "照片重复")
    file(places["a"], plan, 5, people["alice"], submit=False)
    result = office.get(REPORTS, {"review": "waiting"}).context["cl"].result_list
    assert [r.pk for r in result] == [waiting.pk]


def test_the_activity_list_filters_by_month_and_community_the_latest_entered_first(
    office, people, plan, places
):
    april = file(places["a"], plan, 4, people["alice"], submit=False)
    add_activity(april, people["alice"])
    file(places["a"], plan, 5, people["alice"], submit=False)
    file(places["b"], plan, 4, people["bob"], submit=False)
    result = (
        office.get(ACTIVITIES, {"report__month": 4, "community_name": "甲"})
        .context["cl"]
        .result_list
    )
    assert [a.pk for a in result] == sorted(april.activities.values_list("pk", flat=True))[::-1]
    box, choices = community_filter(
        office.get(ACTIVITIES, {"community_name": "社区"}).content.decode()
    )
    assert choices == ["全部", "丙社区", "乙社区", "甲社区"]
    chosen = office.get(ACTIVITIES, {"community": places["b"].pk}).context["cl"].result_list
    assert {a.report.community for a in chosen} == {places["b"]}
    assert Activity.objects.count() == 4


def test_the_row_check_box_is_djangos_own(office, people, plan, places):
    """Written out for speed (MonthlyReportAdmin.action_checkbox), as Django's widget draws it."""
    report = file(places["a"], plan, 4, people["alice"])
    page = office.get(REPORTS).content.decode()
    box = re.search(r'<input type="checkbox" name="_selected_action"[^>]*>', page)[0]
    report_admin = site._registry[MonthlyReport]
    assert box == admin.ModelAdmin.action_checkbox(report_admin, report)
    assert box == report_admin.action_checkbox(report)


# The same number of queries for 2 communities as for 20.

PAGES = {
    "reports of a month": (REPORTS, {"month": 4}),
    "reports of communities by name": (REPORTS, {"community_name": "社区"}),
    "reports of one community": (REPORTS, {"community": "place a"}),
    "reports awaiting review": (REPORTS, {"review": "waiting"}),
    "all reports": (REPORTS, {}),
    "activities of a month": (ACTIVITIES, {"report__month": 4}),
    "activities of communities by name": (ACTIVITIES, {"community_name": "社区"}),
}


def grow(people, plan, places, first, size):
    """Communities `first`..`size - 1`, each with April submitted (one found falsified)
    and May a draft."""
    for n in range(first, size):
        community = Community.objects.create(name=f"社区{n:02d}", work_point=places["point"])
        april = file(community, plan, 4, people["office"])
        if n == 3:
            april.mark_falsified(people["office"], "照片重复")
        file(community, plan, 5, people["office"], submit=False)


@pytest.mark.parametrize("page", PAGES)
def test_a_list_takes_as_many_queries_for_20_communities_as_for_2(
    office, people, plan, places, page
):
    url, query = PAGES[page]
    query = {k: places["a"].pk if v == "place a" else v for k, v in query.items()}

    def queries():
        with CaptureQueriesContext(connection) as captured:
            response = office.get(url, query)
        assert response.status_code == 200
        return len(captured), len(response.context["cl"].result_list)

    grow(people, plan, places, 0, 2)
    file(places["a"], plan, 4, people["alice"])
    office.get(url, query)
    few, few_rows = queries()
    grow(people, plan, places, 2, 20)
    many, many_rows = queries()
    assert many_rows >= few_rows
    assert many == few


def test_a_teams_page_offers_its_community_by_typing_not_in_a_list_of_them_all(office, places):
    """The team's community is chosen by typing its name (the admin's autocomplete), never
    from a list of every community: in a province that list was a 0.9 MB page."""
    from communities.models import PropagandaTeam

    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-01")
    add_communities(places, [f"第{n}社区" for n in range(30)])
    page = office.get(reverse("admin:communities_propagandateam_change", args=[team.pk]))
    select = re.search(r'<select name="community".*?</select>', page.content.decode(), re.S)[0]
    assert "admin-autocomplete" in select
    assert re.findall(r"<option[^>]*>([^<]*)</option>", select) == ["甲社区"]
