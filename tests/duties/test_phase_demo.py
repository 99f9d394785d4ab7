"""The demo's phase papers (luoshan/management/commands/_demo_phases.py): most communities
and units have their 实施方案, a real .docx; a few have not; no 总结; run twice, once."""

import docx
import pytest

from communities.models import Community, Role, Unit
from duties.documents import phase_overview
from duties.models import Phase, PhaseDocument
from luoshan.management.commands._demo_phases import phase_documents
from tests.conftest import make_user
from tests.duties.conftest import make_unit_staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def staffed(plan, places):
    """Ten communities and every unit, each with its staff."""
    for n in range(7):
        Community.objects.create(name=f"示例{n}社区", work_point=places["point"])
    for community in Community.objects.all():
        make_user(f"sq{community.pk}", Role.COMMUNITY_STAFF, community=community)
    for unit in Unit.objects.all():
        make_unit_staff(f"dw{unit.pk}", unit)


def test_most_have_handed_in_their_plan_a_few_have_not(plan, staffed):
    added = phase_documents(plan)
    overview = phase_overview(plan, Phase.PLAN)
    communities, units = len(overview.communities), len(overview.units)
    assert overview.missing_communities == communities // 5
    assert overview.missing_units == 2
    assert added == overview.handed_in + 1  # one community's first draft too
    assert not PhaseDocument.objects.filter(phase=Phase.SUMMARY).exists()
    assert overview.handed_in > (communities + units) // 2
    for holder in overview.holders:
        if holder.current:
            text = docx.Document(holder.current.file.open("rb")).paragraphs[0].text
            assert text.startswith(holder.owner.name) and "实施方案" in text
    assert phase_documents(plan) == 0  # seeded twice: nothing more
