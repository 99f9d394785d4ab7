"""The deploy checks fail when a 等保 2.0 safeguard is switched off in the settings."""

import pytest
from django.conf import settings
from django.test import override_settings

from luoshan.checks import safeguards
from tests.communities.test_settings import manage


def without(setting, entry):
    return [item for item in getattr(settings, setting) if item != entry]


def weakened_validators(name, **options):
    return [
        {**v, "OPTIONS": options} if v["NAME"].endswith(name) else v
        for v in settings.AUTH_PASSWORD_VALIDATORS
    ]


def validators_without(name):
    return [v for v in settings.AUTH_PASSWORD_VALIDATORS if not v["NAME"].endswith(name)]


def csp_with(**directives):
    policy = settings.CONTENT_SECURITY_POLICY
    return {**policy, "DIRECTIVES": {**policy["DIRECTIVES"], **directives}}


CASES = [
    ("lockout off", {"AXES_ENABLED": False}, "luoshan.E001"),
    (
        "lockout backend removed",
        {"AUTHENTICATION_BACKENDS": ["django.contrib.auth.backends.ModelBackend"]},
        "luoshan.E001",
    ),
    ("lockout after 20 failures", {"AXES_FAILURE_LIMIT": 20}, "luoshan.E001"),
    ("no minimum length", {"AUTH_PASSWORD_VALIDATORS": "MinimumLengthValidator"}, "luoshan.E002"),
    (
        "6 characters",
        {"AUTH_PASSWORD_VALIDATORS": ("MinimumLengthValidator", "min_length", 6)},
        "luoshan.E002",
    ),
    ("any characters", {"AUTH_PASSWORD_VALIDATORS": "CharacterClassesValidator"}, "luoshan.E002"),
    (
        "two kinds of character",
        {"AUTH_PASSWORD_VALIDATORS": ("CharacterClassesValidator", "min_classes", 2)},
        "luoshan.E002",
    ),
    (
        "no password history",
        {"AUTH_PASSWORD_VALIDATORS": "PasswordHistoryValidator"},
        "luoshan.E002",
    ),
    ("8 hours idle", {"SESSION_COOKIE_AGE": 8 * 3600}, "luoshan.E003"),
    ("session not refreshed", {"SESSION_SAVE_EVERY_REQUEST": False}, "luoshan.E003"),
    ("no CSP middleware", {"MIDDLEWARE": "csp.middleware.CSPMiddleware"}, "luoshan.E004"),
    ("inline scripts", {"CONTENT_SECURITY_POLICY": "script-src"}, "luoshan.E004"),
    ("inline styles", {"CONTENT_SECURITY_POLICY": "style-src"}, "luoshan.E004"),
]


def _settings_for(changes):
    resolved = {}
    for name, value in changes.items():
        if name == "AUTH_PASSWORD_VALIDATORS" and isinstance(value, tuple):
            resolved[name] = weakened_validators(value[0], **{value[1]: value[2]})
        elif name == "AUTH_PASSWORD_VALIDATORS":
            resolved[name] = validators_without(value)
        elif name == "MIDDLEWARE":
            resolved[name] = without("MIDDLEWARE", value)
        elif name == "CONTENT_SECURITY_POLICY":
            resolved[name] = csp_with(**{value: ["'self'", "'unsafe-inline'"]})
        else:
            resolved[name] = value
    return resolved


def test_the_settings_as_shipped_pass():
    assert safeguards() == []


@pytest.mark.parametrize(("case", "changes", "check_id"), CASES)
def test_a_safeguard_switched_off_fails_the_deploy_check(case, changes, check_id):
    with override_settings(**_settings_for(changes)):
        assert [error.id for error in safeguards()] == [check_id], case


@pytest.mark.parametrize(
    ("variable", "value", "check_id"),
    [
        ("DJANGO_SESSION_IDLE_MINUTES", "480", "luoshan.E003"),
        ("DJANGO_LOCKOUT_FAILURES", "20", "luoshan.E001"),
    ],
)
def test_make_check_deploy_fails_when_production_weakens_a_safeguard(variable, value, check_id):
    """The same through the environment, as `make check-deploy` runs it."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Qp2#" * 8,
        DJANGO_ALLOWED_HOSTS="fanzha.luoshan.example",
        **{variable: value},
    )
    assert result.returncode != 0
    assert check_id in result.stdout + result.stderr
