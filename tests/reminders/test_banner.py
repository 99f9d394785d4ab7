"""The portal's own reminder (R1): a banner on the home page while a reminder is due, for
a community's staff (its report) and a work point's head (its supervision)."""

import pytest
import time_machine
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from reporting.models import MonthlyReport
from tests.conftest import add_activity
from tests.reminders.conftest import at, do_supervision

pytestmark = pytest.mark.django_db

APRIL_DUE = "4月报表将于5月1日截止，尚未报送"
APRIL_VISIT_DUE = "4月督导活动和工作会将于4月30日截止，尚未完成"


def staff_home(client, user, clock):
    client.force_login(user)
    with time_machine.travel(clock, tick=False):
        return client.get(reverse("home")).content.decode()


def banner(user, clock):
    """The tag as a head's home will hold it: {% load reminders %}{% reminder_banner %}."""
    request = RequestFactory().get("/")
    request.user = user
    template = Template("{% load reminders %}{% reminder_banner %}")
    with time_machine.travel(clock, tick=False):
        return template.render(Context({"request": request}))


@pytest.mark.parametrize(
    ("rule", "clock", "shown"),
    [
        ("R1 the last second before the 3 days", "2021-04-27 23:59:59", False),
        ("R1 the 3 days' first second", "2021-04-28 00:00:00", True),
        ("R1 2 days before", "2021-04-29 09:00:00", True),
        ("R1 the deadline day's last second", "2021-05-01 23:59:59", True),
        ("R1 after the deadline", "2021-05-02 00:00:00", False),
        ("M7 no duty in November (its report due 1 December)", "2021-12-01 09:00:00", False),
    ],
)
def test_r1_the_staff_home_shows_the_report_due(client, plan, people, rule, clock, shown):
    page = staff_home(client, people["alice"], at(clock))
    assert (APRIL_DUE in page) is shown, rule


def test_r1_not_started_the_banner_starts_the_report(client, plan, people):
    page = staff_home(client, people["alice"], at("2021-04-28 09:00"))
    start = page.index(APRIL_DUE)
    form = page[start : page.index("</form>", start)]
    assert f'action="{reverse("start_report")}"' in form
    assert 'name="year" value="2021"' in form and 'name="month" value="4"' in form
    assert "csrfmiddlewaretoken" in form


def test_r1_a_draft_the_banner_opens_it(client, plan, people, april):
    page = staff_home(client, people["alice"], at("2021-04-28 09:00"))
    start = page.index(APRIL_DUE)
    assert f'href="{april.get_absolute_url()}"' in page[start : start + 400]


def test_r1_a_submitted_report_has_no_banner(client, plan, people, april):
    april.submit(people["alice"], truth_confirmed=True)
    assert APRIL_DUE not in staff_home(client, people["alice"], at("2021-04-28 09:00"))


def test_r1_a_returned_report_has_no_reminder_banner(client, plan, people, submitted):
    """It was submitted on time (M3); the home's own list asks for the correction."""
    submitted.return_(people["office"], "照片不清楚")
    assert APRIL_DUE not in staff_home(client, people["alice"], at("2021-04-30 09:00"))


def test_r1_only_the_communitys_own_report_counts(client, plan, places, people):
    """B submitting its April says nothing about A's."""
    other = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(other, people["bob"])
    other.submit(people["bob"], truth_confirmed=True)
    assert APRIL_DUE in staff_home(client, people["alice"], at("2021-04-28 09:00"))
    assert APRIL_DUE not in staff_home(client, people["bob"], at("2021-04-28 09:00"))


@pytest.mark.parametrize(
    ("rule", "clock", "shown"),
    [
        ("R1 the last second before the 3 days", "2021-04-26 23:59:59", False),
        ("R1 3 days before the month's end", "2021-04-27 00:00:00", True),
        ("R1 the month's last second", "2021-04-30 23:59:59", True),
        ("R1 the month is over", "2021-05-01 00:00:00", False),
    ],
)
def test_r1_a_heads_banner_shows_the_supervision_due(plan, people, rule, clock, shown):
    assert (APRIL_VISIT_DUE in banner(people["head"], at(clock))) is shown, rule


def test_r1_a_heads_banner_goes_once_both_duties_are_recorded(plan, places, people):
    clock = at("2021-04-28 09:00")
    do_supervision(plan, places["point"], people["head"], meeting=False)
    shown = banner(people["head"], clock)
    assert APRIL_VISIT_DUE in shown
    month_page = reverse("duties:month", args=[places["point"].pk, 2021, 4])
    assert f'href="{month_page}"' in shown
    do_supervision(plan, places["point"], people["head"])
    assert banner(people["head"], clock).strip() == ""
    # The other point's head is still reminded.
    assert APRIL_VISIT_DUE in banner(people["other_head"], clock)


@pytest.mark.parametrize("who", ["office", "leader", "nobody"])
def test_r1_no_banner_for_anyone_else(plan, people, who):
    assert banner(people[who], at("2021-04-28 09:00")).strip() == ""


def test_r1_no_banner_when_signed_out(plan):
    assert banner(AnonymousUser(), at("2021-04-28 09:00")).strip() == ""


@pytest.mark.parametrize(
    ("who", "queries"),
    [
        # The plans, the community's reports of the due months (the viewer is cached).
        ("alice", 2),
        # The plans, the point, its supervision visits and work meetings of the month
        # (a visit recorded, the meeting not: both asked).
        ("head", 4),
    ],
)
def test_r1_the_banner_costs_a_fixed_number_of_queries(
    plan, places, people, who, queries, django_assert_num_queries
):
    from communities.access import viewer_of

    user = people[who]
    viewer_of(user)  # computed once per request, before the page
    for extra in range(3):  # more reports: the same count
        MonthlyReport.start(places["a"].pk, plan, 5 + extra, by=people["alice"])
    do_supervision(plan, places["point"], people["head"], meeting=False)
    with django_assert_num_queries(queries):
        shown = banner(user, at("2021-04-28 09:00"))
    assert "截止" in shown
