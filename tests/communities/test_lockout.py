"""django-axes: five failures for one user name from one address lock it for 30 minutes."""

from datetime import timedelta

import pytest
import time_machine
from axes.models import AccessAttempt
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from communities.models import AccessEvent
from communities.permissions import grant_office_permissions
from tests.conftest import PASSWORD, verified_login

pytestmark = pytest.mark.django_db


def attempt(client, password="wrong", username="alice", address="198.51.100.1"):  # noqa: S107
    return client.post(
        reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address
    )


def test_settings_are_five_failures_and_thirty_minutes(settings):
    assert settings.AXES_FAILURE_LIMIT == 5
    assert timedelta(minutes=30) == settings.AXES_COOLOFF_TIME
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]


def test_the_fifth_failure_locks_and_says_for_how_long(client, people):
    for _ in range(4):
        assert attempt(client).status_code == 200
    locked = attempt(client)
    assert locked.status_code == 429
    page = locked.content.decode()
    assert "登录失败次数过多，账号已锁定，请在30分钟后再试，或联系综治办解锁。" in page
    assert 'id="id_username"' in page  # the login page, in the portal's frame
    # Even the right password is refused now.
    assert attempt(client, password=PASSWORD).status_code == 429
    assert "_auth_user_id" not in client.session
    locks = AccessEvent.objects.filter(kind=AccessEvent.Kind.LOCKED)
    assert [(e.target, e.address) for e in locks] == [("alice", "198.51.100.1")]


def test_the_lock_is_per_user_name_and_address(client, people):
    for _ in range(5):
        attempt(client)
    assert attempt(client, password=PASSWORD, address="198.51.100.2").status_code == 302
    client.logout()
    assert attempt(client, username="bob", password=PASSWORD).status_code == 302


def test_the_lock_ends_after_thirty_minutes(client, people):
    for _ in range(5):
        attempt(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        assert attempt(client, password=PASSWORD).status_code == 302


def test_the_office_may_unlock_in_the_admin(people):
    """The office's group holds what the admin's AccessAttempt pages need."""
    granted = people["office"].groups.get().permissions.values_list("codename", flat=True)
    assert {"view_accessattempt", "delete_accessattempt"} <= set(granted)
    # One log for the office, the security log: django-axes' own stay with superusers.
    assert not {"change_accessattempt", "view_accesslog", "view_accessfailurelog"} & set(granted)


def test_an_unlock_in_the_admin_names_who_unlocked(client, people):
    """Deleting the attempt while answering the office's request (as the admin does,
    simple-history's middleware keeping the request) logs the office as the actor."""
    for _ in range(5):
        attempt(client)
    request = RequestFactory().post("/admin/", REMOTE_ADDR="192.0.2.8")
    request.user = people["office"]
    HistoricalRecords.context.request = request
    try:
        AccessAttempt.objects.get(username="alice").delete()
    finally:
        del HistoricalRecords.context.request
    unlock = AccessEvent.objects.get(kind=AccessEvent.Kind.UNLOCKED)
    assert (unlock.username, unlock.target, unlock.address) == ("office", "alice", "192.0.2.8")
    assert attempt(client, password=PASSWORD).status_code == 302


def test_an_unlock_from_a_command_is_logged_too(client, people):
    for _ in range(5):
        attempt(client)
    AccessAttempt.objects.all().delete()
    unlock = AccessEvent.objects.get(kind=AccessEvent.Kind.UNLOCKED)
    assert unlock.target == "alice"
    assert attempt(client, password=PASSWORD).status_code == 302


def test_a_lock_running_out_is_not_an_unlock(client, people):
    for _ in range(5):
        attempt(client)
    with time_machine.travel(timezone.now() + timedelta(minutes=31)):
        attempt(client, password=PASSWORD)
    assert not AccessEvent.objects.filter(kind=AccessEvent.Kind.UNLOCKED).exists()


def test_the_office_reads_whose_account_is_locked_in_chinese(client, people):
    """The list names the account first, with its state, in Chinese."""
    grant_office_permissions()
    office = people["office"]
    office.is_staff = True
    office.save()
    for _n in range(5):
        attempt(client, password="wrong-password-1")
    verified_login(client, office)
    page = client.get(reverse("admin:axes_accessattempt_changelist")).content.decode()
    assert "alice" in page and "已锁定" in page
