"""The fraud cases in the admin (duties/cases_admin.py): the office reads every row and its
versions; nobody adds, changes or deletes one there (the pages record them)."""

import pytest
from django.urls import reverse

from duties.models import FraudCases
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import enter, figures

clerk, may, police = cases_fixtures.clerk, cases_fixtures.may, cases_fixtures.police

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("may")]


@pytest.fixture
def corrected(plan, places, clerk, people):
    enter(plan, 4, clerk, {places["a"]: (3, "12000")})
    seen = {places["a"].pk: figures(3, "12000")}
    enter(plan, 4, people["office"], {places["a"]: (4, "15000")}, seen=seen)
    return FraudCases.objects.get()


def test_the_office_reads_the_list_and_every_version(office, corrected):
    listing = office.get(reverse("admin:duties_fraudcases_changelist"))
    assert listing.status_code == 200
    assert "甲社区" in listing.content.decode() and "2021-04" in listing.content.decode()
    history = office.get(reverse("admin:duties_fraudcases_history", args=[corrected.pk]))
    assert history.status_code == 200
    assert corrected.history.count() == 2


def test_nobody_adds_changes_or_deletes_one_there(office, corrected):
    assert office.get(reverse("admin:duties_fraudcases_add")).status_code == 403
    change = reverse("admin:duties_fraudcases_change", args=[corrected.pk])
    office.post(change, {"cases": "9"})
    assert FraudCases.objects.get().cases == 4
    delete = reverse("admin:duties_fraudcases_delete", args=[corrected.pk])
    assert office.post(delete, {"post": "yes"}).status_code == 403
