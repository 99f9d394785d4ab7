from datetime import datetime, timedelta

import pytest
import time_machine

from communities.models import PropagandaTeam
from reporting.models import MonthlyReport
from reporting.periods import LOCAL
from tests.conftest import add_activity

AFTER_Q2 = datetime(2021, 7, 10, tzinfo=LOCAL)


def file_report(community, plan, month, staff, at):
    """A report filed the way staff file it: started, one activity with a photo, submitted."""
    report = MonthlyReport.start(community.pk, plan, month, by=staff)
    add_activity(report, staff)
    with time_machine.travel(at, tick=False):
        report.submit(staff, truth_confirmed=True)
    return report


@pytest.fixture
def q2(plan, places, people):
    """Q2 2021: A files every month on time and has a team; B files May three days
    late and June on time, misses April, and has no team; C files nothing."""
    a, b = places["a"], places["b"]
    PropagandaTeam.objects.create(community=a, established_on="2021-03-20")
    reports = {}
    for month in (4, 5, 6):
        reports["a", month] = file_report(
            a, plan, month, people["alice"], plan.late_from(month) - timedelta(hours=5)
        )
    reports["b", 5] = file_report(b, plan, 5, people["bob"], plan.late_from(5) + timedelta(days=3))
    reports["b", 6] = file_report(b, plan, 6, people["bob"], plan.late_from(6) - timedelta(days=1))
    return reports
