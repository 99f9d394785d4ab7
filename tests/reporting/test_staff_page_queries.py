"""A community's staff pages cost the same number of queries however much the community
has filed (bench/staff_pages.py measures their time): its home with 2 reports or 20, a
report with 2 activities or 20 (each with photos, and photos uploaded but not saved
yet), as a draft and submitted, and its team with 2 members or 20."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import PropagandaTeam, TeamMember
from reporting.models import MonthlyReport, Plan, StagedPhoto
from reporting.photos import check_photo
from tests.conftest import add_activity, jpeg_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def alice(client, people):
    client.force_login(people["alice"])
    return client


def queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200
    return len(captured)


def reports(places, people, plans, first, last):
    """A's reports `first` to `last` over the plans' months, every other one submitted."""
    months = [(plan, month) for plan in plans for month in plan.months()]
    for n, (plan, month) in enumerate(months[first:last], start=first):
        report = MonthlyReport.start(places["a"].pk, plan, month, by=people["alice"])
        if n % 2:
            add_activity(report, people["alice"])
            report.submit(people["alice"], truth_confirmed=True)


@pytest.mark.parametrize("year", ["", "2021", "2020"])
def test_the_staff_home_takes_as_many_queries_for_20_reports_as_for_2(
    alice, people, plan, places, year
):
    plans = [
        plan,
        *(Plan.objects.create(year=y, duty_months=list(range(1, 13))) for y in (2020, 2019)),
    ]
    url = reverse("home") + (f"?year={year}" if year else "")
    reports(places, people, plans, 0, 2)
    alice.get(url)
    few = queries(alice, url)
    reports(places, people, plans, 2, 20)
    assert MonthlyReport.objects.filter(community=places["a"]).count() == 20
    assert queries(alice, url) == few


def activities(report, people, count):
    """`count` activities, each with two photos, the even ones with a photo uploaded to
    them and not saved yet; and one upload not yet on any card."""
    for n in range(count):
        activity = add_activity(report, people["alice"], photos=2)
        if n % 2 == 0:
            StagedPhoto.stage(report, check_photo(jpeg_upload()), people["alice"], activity)
    StagedPhoto.stage(report, check_photo(jpeg_upload()), people["alice"])


@pytest.mark.parametrize("state", ["draft", "submitted", "returned"])
@pytest.mark.parametrize("who", ["alice", "office"])
def test_a_report_takes_as_many_queries_for_20_activities_as_for_2(
    client, people, plan, places, state, who
):
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    activities(report, people, 2)
    if state != "draft":
        report.submit(
            people["alice"], truth_confirmed=True, at=plan.late_from(4) - timedelta(days=1)
        )
    if state == "returned":
        report.return_(people["office"], "照片不清楚")
    client.force_login(people[who])
    client.get(report.get_absolute_url())
    few = queries(client, report.get_absolute_url())
    if state != "draft":
        # Activities added while it was a draft: a submitted report is never changed.
        report.state = "draft"
        report.save(update_fields=["state"])
    activities(report, people, 18)
    if state != "draft":
        report.state = state
        report.save(update_fields=["state"])
    page = client.get(report.get_absolute_url()).content.decode()
    assert page.count("活动 ") >= 20 or page.count('class="activity-card"') >= 20
    assert queries(client, report.get_absolute_url()) == few


def test_the_team_page_takes_as_many_queries_for_20_members_as_for_2(alice, places):
    team = PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-01")

    def members(first, last):
        for n in range(first, last):
            TeamMember.objects.create(
                team=team,
                name=f"成员{n}",
                role="网格员",
                phone="13800000000",
                is_group_contact=n == 0,
            )

    members(0, 2)
    alice.get(reverse("team"))
    few = queries(alice, reverse("team"))
    members(2, 20)
    assert queries(alice, reverse("team")) == few
