"""Password rules (等保 2.0 身份鉴别): how a password is made, how long it lasts.

The validators are named in AUTH_PASSWORD_VALIDATORS beside Django's own (length,
similarity to the user's names, common passwords). A password set anywhere, by its
user or by the office, leaves a PasswordRecord (communities.signals); its age and
its `temporary` flag say when a change is due, which the middleware enforces.
"""

import string
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.hashers import check_password
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import PasswordRecord

CHARACTER_CLASSES = (
    str.isupper,
    str.islower,
    str.isdigit,
    lambda c: c in string.punctuation or c == " ",
)


class CharacterClassesValidator:
    """At least `min_classes` of: upper case, lower case, digits, symbols."""

    def __init__(self, min_classes=3):
        self.min_classes = min_classes

    def validate(self, password, user=None):
        used = sum(any(kind(c) for c in password) for kind in CHARACTER_CLASSES)
        if used < self.min_classes:
            raise ValidationError(self.get_help_text(), code="password_too_simple")

    def get_help_text(self):
        return _("Use at least %(count)d of: capital letters, small letters, digits, symbols.") % {
            "count": self.min_classes
        }


class NotUsernameValidator:
    """The user name, in any case, is never part of the password.

    Django's UserAttributeSimilarityValidator catches passwords merely like it.
    """

    def validate(self, password, user=None):
        username = (user.get_username() if user is not None else "") or ""
        if len(username) >= 3 and username.casefold() in password.casefold():
            raise ValidationError(self.get_help_text(), code="password_has_username")

    def get_help_text(self):
        return _("Your password cannot contain your user name.")


class PasswordHistoryValidator:
    """Not one of the user's last `count` passwords (the one in use included)."""

    def __init__(self, count=5):
        self.count = count

    def validate(self, password, user=None):
        if user is None or user.pk is None:
            return
        hashes = PasswordRecord.objects.filter(user=user).values_list("password", flat=True)
        if any(check_password(password, old) for old in hashes[: self.count]):
            raise ValidationError(self.get_help_text(), code="password_reused")

    def get_help_text(self):
        return _("Your password cannot be one of your last %(count)d passwords.") % {
            "count": self.count
        }


def record_password(user):
    """Keep the hash of the password just set on `user` (called on every save that sets one).

    It is temporary if require_new_password() was called before the save.
    """
    PasswordRecord.objects.create(
        user=user,
        password=user.password,
        temporary=getattr(user, "_password_is_temporary", False),
    )


def require_new_password(user):
    """Make `user` change the password at the next request after logging in.

    For the office, after creating an account or setting someone's password: call it
    before or after saving the user, either works.
    """
    user._password_is_temporary = True  # for a save still to come
    if user.pk is not None:
        PasswordRecord.objects.filter(user=user, password=user.password).update(temporary=True)


class Reason:
    TEMPORARY = "temporary"
    EXPIRED = "expired"


def password_change_due(user, now=None):
    """Why `user` must change the password before anything else, or None.

    An account without a record (its password never set through the portal's User
    model since the records began) is not forced; the migration gave every existing
    account a record dated the day it ran.
    """
    latest = PasswordRecord.objects.filter(user=user).only("changed_at", "temporary").first()
    if latest is None:
        return None
    if latest.temporary:
        return Reason.TEMPORARY
    max_age = timedelta(days=settings.PASSWORD_MAX_AGE_DAYS)
    if latest.changed_at + max_age <= (now or timezone.now()):
        return Reason.EXPIRED
    return None


def due_message(reason):
    """What the password change page says when a change is due for `reason`."""
    if reason == Reason.TEMPORARY:
        return _(
            "Your password was set by the governance office: choose your own password "
            "before you go on."
        )
    return _("Your password is more than %(days)d days old: choose a new one before you go on.") % {
        "days": settings.PASSWORD_MAX_AGE_DAYS
    }


# In the session: (the session's password hash, the reason or None, when it was judged).
CHECKED = "password_change_checked"


def password_change_due_in_session(request, user):
    """password_change_due() for `user`, logged in through `request`: judged at login
    and kept in the session until the password changes (the session's auth hash
    changes with it) or a day passes, so most requests cost no query."""
    password_hash = user.get_session_auth_hash()
    now = timezone.now().timestamp()
    checked = request.session.get(CHECKED)
    if checked and checked[0] == password_hash and now - checked[2] < 24 * 60 * 60:
        return checked[1]
    reason = password_change_due(user)
    request.session[CHECKED] = (password_hash, reason, now)
    return reason
