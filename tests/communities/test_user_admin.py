"""Accounts in the admin, least privilege (等保 2.0 访问控制).

The office (综治办) gives and takes the portal's four roles and nothing more;
it never sees a superuser. Superusers keep Django's full user admin.
"""

import pytest
from django.contrib.auth.models import Group, Permission, User
from django.urls import reverse

from communities import admin_users
from communities.models import Role
from communities.passwords import Reason, password_change_due
from tests.conftest import PASSWORD, verified_login

pytestmark = pytest.mark.django_db
NEW_PASSWORD = "Harbor-7-Lantern"


@pytest.fixture
def root(db):
    return User.objects.create_superuser("root", password=PASSWORD)


@pytest.fixture
def superuser(client, root):
    return verified_login(client, root)


@pytest.fixture
def auditors(db):
    """A group that is none of the portal's roles, with a right the office lacks."""
    group = Group.objects.create(name="审计员")
    group.permissions.add(Permission.objects.get(codename="delete_user"))
    return group


@pytest.fixture
def passwords_required(monkeypatch):
    """The accounts require_new_password() was called for."""
    called = []
    monkeypatch.setattr(admin_users, "require_new_password", called.append)
    return called


def change_url(user):
    return reverse("admin:auth_user_change", args=[user.pk])


def password_url(user):
    return reverse("admin:auth_user_password_change", args=[user.pk])


def role_group(role):
    return Group.objects.get_or_create(name=role)[0]


def office_form(user, **changes):
    """What the office's change form sends, with `changes` crafted on top."""
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return data


def test_the_office_form_shows_roles_only(office, people):
    role_group(Role.LEADERSHIP), role_group(Role.WORK_POINT_HEAD)
    Group.objects.create(name="审计员")
    form = office.get(change_url(people["alice"])).context["adminform"].form
    assert "is_superuser" not in form.fields
    assert "user_permissions" not in form.fields
    assert "is_staff" not in form.fields  # shown read-only
    assert set(form.fields["groups"].queryset.values_list("name", flat=True)) == set(Role.values)


@pytest.mark.parametrize(
    ("crafted", "field"),
    [
        ({"is_superuser": "on"}, "is_superuser"),
        ({"is_staff": "on"}, "is_staff"),
        ({"user_permissions": ["PERM"]}, "user_permissions"),
    ],
)
def test_a_crafted_post_by_the_office_changes_no_rights(office, people, crafted, field):
    alice = people["alice"]
    if field == "user_permissions":
        crafted = {field: [Permission.objects.get(codename="delete_user").pk]}
    response = office.post(change_url(alice), office_form(alice, **crafted))
    assert response.status_code == 302  # saved, the crafted field ignored
    alice.refresh_from_db()
    assert not alice.is_superuser
    assert not alice.is_staff
    assert not alice.user_permissions.exists()


def test_the_office_assigns_the_portal_roles(office, people):
    alice = people["alice"]
    head = role_group(Role.WORK_POINT_HEAD)
    office.post(change_url(alice), office_form(alice, groups=[head.pk]))
    assert list(alice.groups.values_list("name", flat=True)) == [Role.WORK_POINT_HEAD]


def test_the_office_cannot_give_a_group_other_than_a_role(office, people, auditors):
    alice = people["alice"]
    staff = role_group(Role.COMMUNITY_STAFF)
    response = office.post(change_url(alice), office_form(alice, groups=[staff.pk, auditors.pk]))
    assert response.status_code == 200
    assert response.context["adminform"].form.errors["groups"]
    assert list(alice.groups.values_list("name", flat=True)) == [Role.COMMUNITY_STAFF]


def test_the_office_cannot_give_itself_more_rights(office, people, auditors):
    me = people["office"]
    data = office_form(
        me,
        is_superuser="on",
        user_permissions=[Permission.objects.get(codename="delete_user").pk],
    )
    assert office.post(change_url(me), data).status_code == 302  # saved, rights ignored
    more_groups = office_form(me, groups=[*data["groups"], auditors.pk])
    # Its own groups are read-only to it: the extra group is ignored, not saved.
    assert office.post(change_url(me), more_groups).status_code == 302
    me.refresh_from_db()
    assert not me.is_superuser
    assert not me.user_permissions.exists()
    assert not me.has_perm("auth.delete_user")
    assert list(me.groups.values_list("name", flat=True)) == [Role.OFFICE]


def test_a_group_the_office_cannot_see_is_kept_when_it_saves(office, people, auditors):
    alice = people["alice"]
    alice.groups.add(auditors)
    staff = role_group(Role.COMMUNITY_STAFF)
    assert office.post(change_url(alice), office_form(alice, groups=[staff.pk])).status_code == 302
    assert set(alice.groups.values_list("name", flat=True)) == {Role.COMMUNITY_STAFF, "审计员"}


@pytest.mark.parametrize("view", ["change", "password", "delete", "history"])
def test_the_office_cannot_open_a_superuser(office, root, view):
    name = "password_change" if view == "password" else view
    url = reverse(f"admin:auth_user_{name}", args=[root.pk])
    assert office.get(url).status_code in (403, 404)


def test_the_office_does_not_list_superusers(office, root, people):
    listed = office.get(reverse("admin:auth_user_changelist")).context["cl"].result_list
    assert "root" not in [u.username for u in listed]
    assert "alice" in [u.username for u in listed]


def test_the_office_cannot_reset_or_deactivate_a_superuser(office, root):
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert office.post(password_url(root), data).status_code in (403, 404)
    deactivate = office_form(root)
    del deactivate["is_active"]
    assert office.post(change_url(root), deactivate).status_code in (403, 404)
    root.refresh_from_db()
    assert root.check_password(PASSWORD)
    assert root.is_active and root.is_superuser


def test_a_superuser_keeps_full_control(superuser, people, auditors):
    alice = people["alice"]
    form = superuser.get(change_url(alice)).context["adminform"].form
    assert {"is_superuser", "is_staff", "user_permissions"} <= set(form.fields)
    assert auditors in form.fields["groups"].queryset
    data = {
        **office_form(alice, groups=[auditors.pk]),
        "is_superuser": "on",
        "is_staff": "on",
        "date_joined_0": "2021-01-01",
        "date_joined_1": "08:00:00",
    }
    assert superuser.post(change_url(alice), data).status_code == 302
    alice.refresh_from_db()
    assert alice.is_superuser and alice.is_staff
    assert list(alice.groups.values_list("name", flat=True)) == ["审计员"]


def test_a_user_the_office_creates_must_change_the_password(office, passwords_required):
    data = {
        "username": "newstaff",
        "usable_password": "true",
        "password1": NEW_PASSWORD,
        "password2": NEW_PASSWORD,
    }
    response = office.post(reverse("admin:auth_user_add"), data)
    assert response.status_code == 302
    assert passwords_required == [User.objects.get(username="newstaff")]


def test_a_password_the_office_sets_must_be_changed(office, people, passwords_required):
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    assert office.post(password_url(people["alice"]), data).status_code == 302
    assert passwords_required == [people["alice"]]
    assert User.objects.get(username="alice").check_password(NEW_PASSWORD)


@pytest.mark.parametrize("weak", ["luoshan1", "luoshan2021", "sq01sq01", "newstaff-1"])
def test_the_office_cannot_set_a_weak_password(office, people, weak):
    """The same rules in the desk, said in Chinese: the account is not created."""
    data = {"username": "newstaff", "usable_password": "true", "password1": weak, "password2": weak}
    page = office.post(reverse("admin:auth_user_add"), data).content.decode()
    assert "密码" in page and ("3种" in page or "用户名" in page), weak
    assert not User.objects.filter(username="newstaff").exists()


def test_a_refused_password_requires_nothing(office, people, passwords_required):
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": "other"}
    assert office.post(password_url(people["alice"]), data).status_code == 200
    assert passwords_required == []


def test_the_new_account_is_asked_for_a_new_password_at_first_login(office, people):
    """With the real password records (communities/passwords.py), not a stand-in."""
    data = {"usable_password": "true", "password1": NEW_PASSWORD, "password2": NEW_PASSWORD}
    office.post(reverse("admin:auth_user_add"), {"username": "newstaff", **data})
    office.post(password_url(people["alice"]), data)
    assert password_change_due(User.objects.get(username="newstaff")) == Reason.TEMPORARY
    assert password_change_due(User.objects.get(username="alice")) == Reason.TEMPORARY


@pytest.mark.parametrize(
    ("role", "staff"),
    [(Role.OFFICE, True), (Role.COMMUNITY_STAFF, False), (Role.LEADERSHIP, False)],
)
def test_is_staff_follows_the_office_role_the_office_gives(office, people, role, staff):
    """An office account the office makes can open the admin; no other role can."""
    user = people["nobody"]
    response = office.post(change_url(user), office_form(user, groups=[role_group(role).pk]))
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.is_staff is staff
    office.post(change_url(user), office_form(user, groups=[]))
    user.refresh_from_db()
    assert user.is_staff is False


def test_the_office_does_not_raise_itself_with_a_role(office, people):
    """Its own groups are read-only to it: a crafted POST adding 领导小组 changes nothing."""
    me = people["office"]
    groups = set(me.groups.values_list("name", flat=True))
    data = office_form(me, groups=[role_group(Role.LEADERSHIP).pk, role_group(Role.OFFICE).pk])
    office.post(change_url(me), data)
    assert set(me.groups.values_list("name", flat=True)) == groups


@pytest.mark.parametrize(
    ("who", "refused"),
    [
        ("office", "不能为自己的账号设置人员归属"),
        ("root", "不能归属于社区、工作点或单位"),
        ("nobody", None),
    ],
)
def test_binding_an_account_to_a_community(office, people, places, root, who, refused):
    """Nobody binds their own account, and a desk account is never bound; a binding the
    office makes is in the security log."""
    from communities.models import AccessEvent, Assignment

    user = root if who == "root" else people[who]
    url = reverse("admin:communities_assignment_add")
    response = office.post(url, {"user": user.pk, "community": places["b"].pk})
    bound = Assignment.objects.filter(user=user, community=places["b"]).exists()
    assert bound is (refused is None), who
    logged = AccessEvent.objects.filter(
        kind="rights", target=user.username, detail__contains="乙社区"
    )
    assert logged.exists() is bound, who
    if refused:
        assert response.status_code == 200
        assert refused in response.content.decode()
