"""Only the office (and superusers) work in the admin, and never delete evidence."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from communities.models import Role
from communities.permissions import grant_office_permissions
from tests.conftest import verified_login

pytestmark = pytest.mark.django_db


def test_office_group_gets_its_permissions_after_migrate(people):
    grant_office_permissions()
    codes = set(Group.objects.get(name=Role.OFFICE).permissions.values_list("codename", flat=True))
    assert {"change_community", "add_propagandateam", "add_plan", "view_monthlyreport"} <= codes
    assert "delete_monthlyreport" not in codes
    assert "delete_activityphoto" not in codes
    assert "change_monthlyreport" not in codes  # state changes only through the transitions


@pytest.mark.parametrize(
    ("who", "is_staff", "status"),
    [
        ("office", True, 200),
        ("alice", False, 302),
        ("head", False, 302),
        ("leader", False, 302),
    ],
)
def test_admin_index_by_role(client, people, who, is_staff, status):
    grant_office_permissions()
    user = people[who]
    user.is_staff = is_staff
    user.save()
    verified_login(client, user)  # even past a second factor, only the office gets in
    assert client.get(reverse("admin:index")).status_code == status
