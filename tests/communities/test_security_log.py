"""The security log records passwords, rights and exports of personal data, with
who, whom, what and the trusted address; the admin shows it read only."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.test import RequestFactory
from django.urls import reverse
from simple_history.models import HistoricalRecords

from communities.models import AccessEvent, Role
from core.signals import data_exported
from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.fixture
def as_office(people):
    """Changes made while answering the office's request, as in the admin."""
    request = RequestFactory().post("/admin/", REMOTE_ADDR="192.0.2.8")
    request.user = people["office"]
    HistoricalRecords.context.request = request
    yield request
    del HistoricalRecords.context.request


def kinds(**filters):
    return [
        (e.kind, e.username, e.target, e.detail, e.address)
        for e in AccessEvent.objects.filter(**filters).order_by("pk")
    ]


def test_own_password_change_through_the_portal(client, people):
    client.post(reverse("login"), {"username": "alice", "password": PASSWORD})
    client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Luoshan#Own21",
            "new_password2": "Luoshan#Own21",
        },
    )
    assert kinds(kind=AccessEvent.Kind.PASSWORD_CHANGED) == [
        ("password", "alice", "alice", "", "127.0.0.1")
    ]


def test_a_password_set_by_the_office(people, as_office):
    bob = people["bob"]
    bob.set_password("Office-Set-9")
    bob.save()
    assert kinds(kind=AccessEvent.Kind.PASSWORD_SET) == [
        ("pw_set", "office", "bob", "", "192.0.2.8")
    ]


def test_groups_permissions_and_flags(people, as_office):
    bob = people["bob"]
    office_group = Group.objects.get(name=Role.OFFICE)
    bob.groups.add(office_group)
    bob.groups.remove(office_group)
    bob.user_permissions.add(Permission.objects.get(codename="view_community"))
    bob.user_permissions.clear()
    bob.is_staff = True
    bob.save()
    bob.save(update_fields=["last_login"])  # not a change of rights
    events = kinds(kind=AccessEvent.Kind.RIGHTS)
    assert [(e[1], e[2]) for e in events] == [("office", "bob")] * 5
    details = [e[3] for e in events]
    assert "综治办" in details[0] and "增加" in details[0]
    assert "综治办" in details[1] and "移除" in details[1]
    assert "增加" in details[2] and "移除" in details[3]
    assert details[4] == "工作人员状态：是"


def test_changes_made_on_the_server_are_not_logged(people):
    people["bob"].groups.add(Group.objects.get(name=Role.OFFICE))
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.RIGHTS).exists()


def test_an_export_is_logged_with_what(people):
    request = RequestFactory().get("/", REMOTE_ADDR="192.0.2.9")
    request.user = people["office"]
    data_exported.send(sender=None, request=request, description="导出 2021-05 月照片ZIP")
    assert kinds(kind=AccessEvent.Kind.EXPORTED) == [
        ("export", "office", "", "导出 2021-05 月照片ZIP", "192.0.2.9")
    ]


@pytest.mark.parametrize(
    ("url", "description"),
    [
        ("admin:reporting_monthlyreport_missing_xlsx", "导出 2021-04 月未报送情况"),
        ("admin:reporting_monthlyreport_attachment2", "导出 2021-04 月附件2"),
        ("admin:reporting_monthlyreport_photos_zip", "导出 2021-04 月照片ZIP"),
    ],
)
def test_the_desks_files_are_logged(client, people, april, url, description):
    from reporting.desk import missing_xlsx, month_attachment2, photos_zip

    view = {
        "admin:reporting_monthlyreport_missing_xlsx": missing_xlsx,
        "admin:reporting_monthlyreport_attachment2": month_attachment2,
        "admin:reporting_monthlyreport_photos_zip": photos_zip,
    }[url]
    request = RequestFactory().get("/", {"month": "2021-04"}, REMOTE_ADDR="192.0.2.10")
    request.user = people["office"]
    request._messages = None
    response = view(request)
    assert response.status_code == 200
    assert kinds(kind=AccessEvent.Kind.EXPORTED) == [
        ("export", "office", "", description, "192.0.2.10")
    ]


def test_the_admin_log_is_read_only_and_filtered_by_kind(client, people):
    from communities.admin import AccessEventAdmin

    assert AccessEventAdmin.list_filter == ("kind",)
    assert {"target", "detail"} <= set(AccessEventAdmin.readonly_fields)
    assert AccessEvent.Kind.EXPORTED.label == "导出个人信息"
