"""The office's falsification findings (M6, S3): on a report, on a team, and withdrawn."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse

from communities.models import PropagandaTeam
from reporting.models import Finding
from tests.scoring.conftest import AFTER_Q2, file_report

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def after_q2():
    with time_machine.travel(AFTER_Q2, tick=False):
        yield


@pytest.fixture
def may(plan, places, people):
    """A's May report, filed on time by its staff."""
    return file_report(
        places["a"], plan, 5, people["alice"], plan.late_from(5) - timedelta(hours=5)
    )


@pytest.fixture
def team(places):
    return PropagandaTeam.objects.create(community=places["a"], established_on="2021-03-20")


def test_office_records_and_withdraws_a_report_finding(client, people, may):
    report = may
    client.force_login(people["office"])
    url = reverse("report_finding", args=[report.pk])
    seen = report.version
    page = client.post(url, {"reason": "", "version": seen}, follow=True).content.decode()
    assert "请填写认定弄虚作假的原因" in page
    assert not Finding.objects.exists()
    page = client.post(url, {"reason": "照片重复使用"}, follow=True).content.decode()
    assert "在您打开后已有变动" in page  # a form that does not say what it saw
    assert not Finding.objects.exists()
    page = client.post(url, {"reason": "照片重复使用", "version": seen}, follow=True)
    assert "已认定弄虚作假" in page.content.decode()
    finding = Finding.objects.get()
    page = client.post(
        reverse("withdraw_finding", args=[finding.pk]), {"reason": "复核无误"}, follow=True
    ).content.decode()
    assert "已撤销" in page
    finding.refresh_from_db()
    assert not finding.is_active and finding.withdrawal_reason == "复核无误"
    assert list(report.events.values_list("action", flat=True))[-2:] == ["falsified", "withdrawn"]


def test_office_records_a_team_finding_from_the_ledger_and_returns_to_it(
    client, people, places, may, team
):
    client.force_login(people["office"])
    ledger = reverse("scoring:ledger", args=["2021Q2", places["a"].pk])
    page = client.get(ledger).content.decode()
    assert reverse("team_finding", args=[places["a"].pk]) in page
    url = reverse("team_finding", args=[places["a"].pk])
    response = client.post(url, {"reason": "名单上的人从未参加活动", "back": ledger})
    assert response.url == ledger
    finding = Finding.objects.get()
    assert finding.team == team and finding.is_active
    page = client.get(ledger).content.decode()
    assert "名单上的人从未参加活动" in page
    assert reverse("withdraw_finding", args=[finding.pk]) in page
    response = client.post(
        reverse("withdraw_finding", args=[finding.pk]), {"reason": "复核无误", "back": ledger}
    )
    assert response.url == ledger
    finding.refresh_from_db()
    assert not finding.is_active


def test_a_team_finding_never_goes_back_to_another_site(client, people, places, team):
    client.force_login(people["office"])
    url = reverse("team_finding", args=[places["a"].pk])
    response = client.post(url, {"reason": "有名无实", "back": "https://evil.example/"})
    assert response.url == reverse("home")
    assert Finding.objects.filter(team=team).exists()


def test_a_team_finding_needs_a_reason(client, people, places, team):
    client.force_login(people["office"])
    url = reverse("team_finding", args=[places["a"].pk])
    page = client.post(url, {"reason": " ", "back": reverse("home")}, follow=True)
    assert page.status_code == 200
    assert not Finding.objects.exists()


@pytest.mark.parametrize("who", ["alice", "head", "leader"])
def test_only_the_office_records_findings(client, people, places, may, team, who):
    client.force_login(people[who])
    posts = [
        (reverse("report_finding", args=[may.pk]), {"reason": "x"}),
        (reverse("team_finding", args=[places["a"].pk]), {"reason": "x"}),
    ]
    for url, data in posts:
        assert client.post(url, data).status_code == 403
    assert not Finding.objects.exists()


def test_finding_forms_are_posts_only(client, people, may):
    client.force_login(people["office"])
    assert client.get(reverse("report_finding", args=[may.pk])).status_code == 405
