"""History of work points and communities in the admin (等保 2.0 安全审计).

Both admins are audited (core.admin.AuditedAdmin); their history pages answer
200 and show what a change in the admin did, for the office and a superuser.
"""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from communities.models import Community, WorkPoint
from communities.permissions import grant_office_permissions
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["office", "superuser"])
def desk(request, client, people):
    """The admin as the office (综治办) and as a superuser."""
    if request.param == "office":
        grant_office_permissions()
        user = people["office"]
        user.is_staff = True
        user.save()
    else:
        user = User.objects.create_superuser("root", password="a-root-password-1")
    return verified_login(client, user)


def test_a_community_renamed_in_the_admin_shows_in_its_history(desk, places):
    community = places["a"]
    change = reverse("admin:communities_community_change", args=[community.pk])
    data = {"name": "甲社区（新）", "work_point": community.work_point_id, "position": 3}
    assert desk.post(change, data).status_code == 302

    page = desk.get(reverse("admin:communities_community_history", args=[community.pk]))
    assert page.status_code == 200
    assert "甲社区（新）" in page.content.decode()
    latest = community.history.first()  # newest first
    assert (latest.history_type, latest.name, latest.position) == ("~", "甲社区（新）", 3)
    assert latest.history_user is not None


def test_a_work_point_changed_in_the_admin_shows_in_its_history(desk, places):
    point = places["point"]
    change = reverse("admin:communities_workpoint_change", args=[point.pk])
    data = {"name": point.name, "leader_name": "林点长", "position": point.position}
    assert desk.post(change, data).status_code == 302

    page = desk.get(reverse("admin:communities_workpoint_history", args=[point.pk]))
    assert page.status_code == 200
    assert "林点长" in page.content.decode()
    latest = point.history.first()  # newest first
    assert (latest.history_type, latest.leader_name) == ("~", "林点长")
    assert latest.history_user.is_staff


def test_a_new_community_has_a_history_page_with_its_creation(desk, places):
    community = Community.objects.create(name="丁社区", work_point=places["point"])
    page = desk.get(reverse("admin:communities_community_history", args=[community.pk]))
    assert page.status_code == 200
    assert list(community.history.values_list("history_type", flat=True)) == ["+"]


def test_history_is_kept_for_work_points_and_communities():
    """The models themselves carry the record (the admin's page reads it)."""
    assert hasattr(WorkPoint, "history")
    assert hasattr(Community, "history")
