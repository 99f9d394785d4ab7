"""Deploy checks: the 等保 2.0 safeguards cannot be switched off quietly.

`manage.py check --deploy` (and `make check-deploy`) fails when production
settings lose the login lockout, the password rules, the idle timeout or the
Content-Security-Policy.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

LOCKOUT_BACKEND = "axes.backends.AxesStandaloneBackend"
LOCKOUT_MIDDLEWARE = "axes.middleware.AxesMiddleware"
CSP_MIDDLEWARE = "csp.middleware.CSPMiddleware"
IDLE_LIMIT_SECONDS = 30 * 60
PASSWORD_MIN_LENGTH = 8
PASSWORD_MIN_CLASSES = 3
PASSWORD_VALIDATORS = (
    "django.contrib.auth.password_validation.MinimumLengthValidator",
    "communities.passwords.CharacterClassesValidator",
    "communities.passwords.NotUsernameValidator",
    "communities.passwords.PasswordHistoryValidator",
    "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
    "django.contrib.auth.password_validation.CommonPasswordValidator",
)


def _lockout():
    if not getattr(settings, "AXES_ENABLED", True):
        return "AXES_ENABLED is off"
    if LOCKOUT_BACKEND not in settings.AUTHENTICATION_BACKENDS:
        return f"{LOCKOUT_BACKEND} is not in AUTHENTICATION_BACKENDS"
    if LOCKOUT_MIDDLEWARE not in settings.MIDDLEWARE:
        return f"{LOCKOUT_MIDDLEWARE} is not in MIDDLEWARE"
    if getattr(settings, "AXES_FAILURE_LIMIT", 3) > 5:
        return "AXES_FAILURE_LIMIT allows more than 5 failures"
    return None


def _passwords():
    configured = {v["NAME"]: v.get("OPTIONS", {}) for v in settings.AUTH_PASSWORD_VALIDATORS}
    missing = [name for name in PASSWORD_VALIDATORS if name not in configured]
    if missing:
        return f"missing password validators: {', '.join(missing)}"
    length = configured[PASSWORD_VALIDATORS[0]].get("min_length", 8)
    if length < PASSWORD_MIN_LENGTH:
        return f"passwords may be shorter than {PASSWORD_MIN_LENGTH} characters"
    classes = configured[PASSWORD_VALIDATORS[1]].get("min_classes", PASSWORD_MIN_CLASSES)
    if classes < PASSWORD_MIN_CLASSES:
        return f"passwords may mix fewer than {PASSWORD_MIN_CLASSES} kinds of character"
    return None


def _idle_timeout():
    if settings.SESSION_COOKIE_AGE > IDLE_LIMIT_SECONDS:
        return f"SESSION_COOKIE_AGE is over {IDLE_LIMIT_SECONDS} seconds"
    if not settings.SESSION_SAVE_EVERY_REQUEST:
        return "SESSION_SAVE_EVERY_REQUEST is off, so sessions do not end after idling"
    return None


def _csp():
    if CSP_MIDDLEWARE not in settings.MIDDLEWARE:
        return f"{CSP_MIDDLEWARE} is not in MIDDLEWARE"
    directives = getattr(settings, "CONTENT_SECURITY_POLICY", None) or {}
    directives = directives.get("DIRECTIVES", {})
    if not directives:
        return "CONTENT_SECURITY_POLICY sets no directives"
    for name in ("default-src", "script-src", "style-src"):
        if "'unsafe-inline'" in directives.get(name, ()):
            return f"{name} allows 'unsafe-inline'"
    return None


SAFEGUARDS = {
    "luoshan.E001": ("Login lockout is off", _lockout),
    "luoshan.E002": ("Password rules are weakened", _passwords),
    "luoshan.E003": ("Idle sessions do not end", _idle_timeout),
    "luoshan.E004": ("The Content-Security-Policy is off or weakened", _csp),
}


@register(Tags.security, deploy=True)
def safeguards(app_configs=None, **kwargs):
    errors = []
    for check_id, (title, problem_of) in SAFEGUARDS.items():
        problem = problem_of()
        if problem:
            errors.append(
                Error(
                    f"{title}: {problem}.",
                    hint="等保 2.0 level 2 requires it in production; see README (账号与安全).",
                    id=check_id,
                )
            )
    return errors
