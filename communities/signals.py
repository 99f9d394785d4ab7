"""The security log (等保 2.0 安全审计): every login, logout, failed login, lockout and
unlock, password change, change of roles or permissions, and export of personal
data, with who, when and the client's address (core.http.client_address).

Changes made in the admin have no request of their own in a model signal: the one
being answered is taken from simple-history's middleware, which keeps it for the
audit trail anyway. Passwords, roles and flags changed on the server itself (a
command, the shell, demo data) are not requests to the portal and are not logged.
"""

from axes.models import AccessAttempt
from axes.signals import user_locked_out
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from django.dispatch import receiver
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from communities.models import AccessEvent, Assignment
from communities.passwords import password_change_due_in_session, record_password
from core.http import client_address
from core.signals import data_exported

User = get_user_model()
# The account flags whose change is a change of rights.
FLAGS = ("is_active", "is_staff", "is_superuser")


def _client(request):
    if request is None:
        return {}
    return {
        "address": client_address(request),
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


def _current_request():
    return getattr(HistoricalRecords.context, "request", None)


def _actor(request):
    """Who is acting through `request`: the user and the name, for the record."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return {"user": user, "username": user.get_username()}
    return {}


def record(kind, request=None, **fields):
    """One line of the security log; `request` (if any) gives the actor and the address."""
    return AccessEvent.objects.create(
        kind=kind, **{**_actor(request), **_client(request), **fields}
    )


@receiver(user_logged_in, dispatch_uid="record_login")
def record_login(sender, request, user, **kwargs):
    record(AccessEvent.Kind.LOGIN, request, user=user, username=user.get_username())
    if request is not None and hasattr(request, "session"):
        password_change_due_in_session(request, user)  # judged once, at login


@receiver(user_logged_out, dispatch_uid="record_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        record(AccessEvent.Kind.LOGOUT, request, user=user, username=user.get_username())


@receiver(user_login_failed, dispatch_uid="record_failed_login")
def record_failed_login(sender, credentials, request=None, **kwargs):
    record(
        AccessEvent.Kind.FAILED,
        request,
        user=None,
        username=str(credentials.get("username", ""))[:150],
    )


@receiver(user_locked_out, dispatch_uid="record_lockout")
def record_lockout(sender, request, username, ip_address, **kwargs):
    """The failure that locks the account; the refused attempts after it are failures."""
    if getattr(request, "axes_failures_since_start", None) != settings.AXES_FAILURE_LIMIT:
        return
    record(
        AccessEvent.Kind.LOCKED,
        request,
        user=None,
        username=str(username or "")[:150],
        target=str(username or "")[:150],
        detail=_("Locked for %(minutes)d minutes after %(count)d failed logins")
        % {
            "minutes": settings.AXES_COOLOFF_TIME.total_seconds() // 60,
            "count": settings.AXES_FAILURE_LIMIT,
        },
    )


@receiver(post_delete, sender=AccessAttempt, dispatch_uid="record_unlock")
def record_unlock(sender, instance, **kwargs):
    """Deleting a locking attempt unlocks: by the office in the admin, or a command.

    django-axes also deletes attempts whose cool-off has passed while answering a
    login (anonymous, or the account itself once in): the lock ran out, no unlock.
    """
    if instance.failures_since_start < settings.AXES_FAILURE_LIMIT:
        return
    request = _current_request()
    actor = _actor(request).get("username") if request is not None else None
    if request is not None and actor in (None, instance.username):
        return  # the lock ran out: axes cleans up while answering that person's login
    detail = _("Unlocked by %(who)s") % {"who": actor or _("a command")}
    record(
        AccessEvent.Kind.UNLOCKED,
        request,
        target=(instance.username or "")[:150],
        detail=f"{detail} ({instance.ip_address or '-'})",
    )


@receiver(pre_save, sender=User, dispatch_uid="remember_account_flags")
def remember_account_flags(sender, instance, update_fields=None, **kwargs):
    """The flags as stored, to compare after the save (not on last_login's update)."""
    instance._stored_flags = None
    if instance.pk is None or (update_fields is not None and not set(FLAGS) & set(update_fields)):
        return
    instance._stored_flags = User.objects.filter(pk=instance.pk).values(*FLAGS).first()


@receiver(post_save, sender=User, dispatch_uid="record_account_change")
def record_account_change(sender, instance, created, **kwargs):
    request = _current_request()
    # set_password() keeps the raw password in _password until the save: a password
    # was set (a hash upgraded at login clears it first: not a new password);
    # create_user() hashes without it.
    password_set = (created or instance._password is not None) and instance.has_usable_password()
    if password_set:
        record_password(instance)
    if request is None:
        return  # made on the server itself (a command, the shell), not through the portal
    if password_set:
        own = _actor(request).get("user") == instance
        record(
            AccessEvent.Kind.PASSWORD_CHANGED if own else AccessEvent.Kind.PASSWORD_SET,
            request,
            target=instance.get_username(),
        )
    stored = getattr(instance, "_stored_flags", None) or {}
    if created:
        stored = {flag: False for flag in FLAGS}
    changed = [f for f in FLAGS if f in stored and stored[f] != getattr(instance, f)]
    if changed:
        yes_no = {True: _("Yes"), False: _("No")}
        labels = (
            f"{User._meta.get_field(f).verbose_name}：{yes_no[getattr(instance, f)]}"
            for f in changed
        )
        record(
            AccessEvent.Kind.RIGHTS,
            request,
            target=instance.get_username(),
            detail="，".join(labels)[:300],
        )


def _rights_changed(instance, action, model, pk_set, reverse, what):
    if action not in ("post_add", "post_remove", "pre_clear"):
        return
    if action == "pre_clear":
        # What is about to go: read now, gone after.
        if reverse:
            pk_set = set(instance.user_set.values_list("pk", flat=True))
        else:
            pk_set = set(getattr(instance, what).values_list("pk", flat=True))
    if not pk_set:
        return
    verb = _("added") if action == "post_add" else _("removed")
    if reverse:  # group.user_set.add(...): instance is the group or permission
        users, names = User.objects.filter(pk__in=pk_set), [str(instance)]
    else:
        users, names = [instance], [str(o) for o in model.objects.filter(pk__in=pk_set)]
    request = _current_request()
    if request is None:
        return  # made on the server itself (a command, the shell), not through the portal
    for user in users:
        record(
            AccessEvent.Kind.RIGHTS,
            request,
            target=user.get_username(),
            detail=f"{what_label(what)} {verb}：{'、'.join(names)}"[:300],
        )


def what_label(what):
    return _("groups") if what == "groups" else _("permissions")


@receiver(m2m_changed, sender=User.groups.through, dispatch_uid="record_group_change")
def record_group_change(sender, instance, action, model, pk_set, reverse, **kwargs):
    _rights_changed(instance, action, model, pk_set, reverse, "groups")


@receiver(
    m2m_changed, sender=User.user_permissions.through, dispatch_uid="record_permission_change"
)
def record_permission_change(sender, instance, action, model, pk_set, reverse, **kwargs):
    _rights_changed(instance, action, model, pk_set, reverse, "user_permissions")


@receiver(post_save, sender=Assignment, dispatch_uid="record_assignment")
@receiver(post_delete, sender=Assignment, dispatch_uid="record_assignment_removed")
def record_assignment(sender, instance, **kwargs):
    """Binding an account to a community or a point decides which reports it sees."""
    request = _current_request()
    if request is None:
        return  # made on the server itself
    place = instance.community or instance.work_point
    verb = _("removed") if kwargs.get("signal") is post_delete else _("added")
    record(
        AccessEvent.Kind.RIGHTS,
        request,
        target=instance.user.get_username(),
        detail=f"{_('assignment')} {verb}：{place}"[:300],
    )


@receiver(data_exported, dispatch_uid="record_export")
def record_export(sender, request, description, **kwargs):
    record(AccessEvent.Kind.EXPORTED, request, detail=str(description)[:300])
