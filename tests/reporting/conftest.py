from datetime import timedelta

import pytest

from communities.permissions import grant_office_permissions
from reporting.models import MonthlyReport
from tests.conftest import add_activity, verified_login


@pytest.fixture
def office(client, people):
    grant_office_permissions()
    user = people["office"]
    user.is_staff = True
    user.save()
    return verified_login(client, user)


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
