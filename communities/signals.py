"""Record every login, logout and failed login (who, when, from which address)."""

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from communities.models import AccessEvent


def _client(request):
    if request is None:
        return {}
    # REMOTE_ADDR is the proxy's; the web server in front passes the client's
    # address in X-Real-IP (see README), which nobody else can set through it.
    address = request.META.get("HTTP_X_REAL_IP") or request.META.get("REMOTE_ADDR")
    return {
        "address": address or None,
        "user_agent": request.META.get("HTTP_USER_AGENT", "")[:300],
    }


@receiver(user_logged_in, dispatch_uid="record_login")
def record_login(sender, request, user, **kwargs):
    AccessEvent.objects.create(
        kind=AccessEvent.Kind.LOGIN, user=user, username=user.get_username(), **_client(request)
    )


@receiver(user_logged_out, dispatch_uid="record_logout")
def record_logout(sender, request, user, **kwargs):
    if user is not None:
        AccessEvent.objects.create(
            kind=AccessEvent.Kind.LOGOUT,
            user=user,
            username=user.get_username(),
            **_client(request),
        )


@receiver(user_login_failed, dispatch_uid="record_failed_login")
def record_failed_login(sender, credentials, request=None, **kwargs):
    AccessEvent.objects.create(
        kind=AccessEvent.Kind.FAILED,
        username=str(credentials.get("username", ""))[:150],
        **_client(request),
    )
