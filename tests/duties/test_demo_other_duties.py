"""seed_demo's B1, U1 and R1 data (luoshan/management/commands/_demo_duties.py): every
community's board in each duty quarter but one, the units' activities with their duties'
counts (教育办 visits a term's schools; one unit records nothing), the example WeCom group
switched off and the portal's October reminders logged; a second run adds nothing."""

import io

import pytest
from django.core.management import call_command

from communities.models import Assignment, Measure, Role, Unit
from duties import rules
from duties.models import BoardUpdate, UnitActivity
from luoshan.management.commands._demo_duties import IDLE_UNIT, MISSED_BOARD, SCHOOL_VISITS
from reminders.models import Channel, Reminder, WeComGroup
from tests.luoshan.test_seed_demo_evidence import demo  # noqa: F401 (the module's seeding)

pytestmark = pytest.mark.django_db


def test_b1_every_community_updates_its_board_each_quarter_but_one(demo):  # noqa: F811
    updates = set(BoardUpdate.objects.values_list("community__name", "quarter"))
    communities = {name for name, _quarter in updates}
    expected = {(name, q) for name in communities for q in (2, 3, 4)} - {MISSED_BOARD}
    assert updates == expected
    assert all(u.photos.count() == 1 for u in BoardUpdate.objects.prefetch_related("photos"))


def test_u1_every_unit_has_an_account_and_all_but_one_recorded(demo):  # noqa: F811
    for unit in Unit.objects.all():
        account = Assignment.objects.get(unit=unit).user
        assert account.groups.filter(name=Role.UNIT_STAFF).exists()
        assert unit.activities.exists() == (unit.name != IDLE_UNIT)
    assert "dw01" in demo


def test_u1_a_term_of_school_visits_and_the_duties_counts(demo):  # noqa: F811
    schools = UnitActivity.objects.filter(unit__measure=Measure.SCHOOLS)
    terms = {}
    for activity in schools:
        term = rules.school_term(activity.year, activity.month)
        terms[term] = terms.get(term, 0) + activity.count
    spring = sum(1 for month, _day, _school in SCHOOL_VISITS if 2 <= month <= 7)
    assert terms[(2021, rules.Term.SPRING)] == spring == 5
    for measure in (Measure.SMS, Measure.LANDLORDS, Measure.PROPERTY):
        counted = UnitActivity.objects.filter(unit__measure=measure)
        assert counted.exists() and all(a.count for a in counted)
    unmeasured = UnitActivity.objects.filter(unit__measure=Measure.NONE)
    assert unmeasured.exists() and not unmeasured.exclude(count=None).exists()
    assert all(a.photos.count() == 1 for a in UnitActivity.objects.prefetch_related("photos"))


def test_r1_the_example_group_is_off_and_the_portal_reminders_are_logged(demo):  # noqa: F811
    assert not WeComGroup.objects.get().enabled
    logged = Reminder.objects.all()
    assert logged.exists()
    assert set(logged.values_list("channel", flat=True)) == {Channel.PORTAL}
    assert not logged.filter(sent_at=None).exists()


def test_a_second_run_adds_none_of_them(demo, settings):  # noqa: F811
    counts = (BoardUpdate.objects.count(), UnitActivity.objects.count(), Reminder.objects.count())
    settings.DEBUG = True
    call_command("seed_demo", stdout=io.StringIO())
    after = (BoardUpdate.objects.count(), UnitActivity.objects.count(), Reminder.objects.count())
    assert after == counts
