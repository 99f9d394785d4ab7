"""duties migration 0005: fraud cases recorded under a plan keep their figures and get the
plan's year, their kept versions too; back again, a year with a plan gets its plan and a
year without one (the year before the campaign) cannot be kept."""

from decimal import Decimal

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

pytestmark = pytest.mark.django_db(transaction=True)

BEFORE = [("duties", "0004_phase_documents_and_fraud_cases")]
AFTER = [("duties", "0005_fraud_cases_by_year")]


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


def rows(apps, name, *fields):
    return sorted(apps.get_model("duties", name).objects.values_list(*fields))


@pytest.fixture
def back_to_the_latest():
    """Whatever happens, the tests after this one find the database migrated fully."""
    yield
    executor = MigrationExecutor(connection)
    migrate(executor.loader.graph.leaf_nodes())


@pytest.mark.usefixtures("back_to_the_latest")
def test_each_row_and_version_gets_its_plans_year_and_back():
    old = migrate(BEFORE)
    plan = old.get_model("reporting", "Plan").objects.create(year=2021, duty_months=[4])
    point = old.get_model("communities", "WorkPoint").objects.create(name="迁移点")
    community = old.get_model("communities", "Community").objects.create(
        name="迁移社区", work_point=point
    )
    user = old.get_model("auth", "User").objects.create(username="migrator")
    row = old.get_model("duties", "FraudCases").objects.create(
        plan=plan, community=community, month=4, cases=3, losses=Decimal(500), recorded_by=user
    )
    old.get_model("duties", "HistoricalFraudCases").objects.create(
        id=row.pk,
        plan=plan,
        community=community,
        month=4,
        cases=3,
        losses=Decimal(500),
        recorded_by=user,
        recorded_at=row.recorded_at,
        history_date=row.recorded_at,
        history_type="+",
    )

    new = migrate(AFTER)
    assert rows(new, "FraudCases", "year", "month", "cases") == [(2021, 4, 3)]
    assert rows(new, "HistoricalFraudCases", "year", "month") == [(2021, 4)]
    new.get_model("duties", "FraudCases").objects.create(
        year=2020, community_id=community.pk, month=4, cases=5, losses=0, recorded_by_id=user.pk
    )

    old = migrate(BEFORE)
    assert rows(old, "FraudCases", "plan__year", "month", "cases") == [(2021, 4, 3)]
