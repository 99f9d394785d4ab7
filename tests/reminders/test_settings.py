"""R1's settings and e-mail's come from the environment; a bad value stops the start."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from luoshan.settings import env_days

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "days"),
    [("", (3, 0)), ("3,0", (3, 0)), ("0, 3", (3, 0)), ("7,3,0", (7, 3, 0)), ("1", (1,))],
)
def test_r1_the_reminder_days(monkeypatch, value, days):
    monkeypatch.setenv("X_DAYS", value)
    assert env_days("X_DAYS", ["3", "0"]) == days


@pytest.mark.parametrize("value", ["three", "3,-1", "3.5", ","])
def test_r1_bad_reminder_days_fail_loudly(monkeypatch, value):
    monkeypatch.setenv("X_DAYS", value)
    with pytest.raises(ImproperlyConfigured):
        env_days("X_DAYS", ["3", "0"])


def backend(**env):
    """EMAIL_BACKEND as a fresh process reads the settings with `env`."""
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "EMAIL_"))}
    environment.update({"DJANGO_SECRET_KEY": "settings-test-only", **env})
    code = "import luoshan.settings as s; print(s.EMAIL_BACKEND)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True
    )
    return result.stdout.strip() or result.stderr.strip().splitlines()[-1]


def test_email_is_smtp_in_production_and_printed_in_debug():
    assert backend() == "django.core.mail.backends.smtp.EmailBackend"
    assert backend(DJANGO_DEBUG="1") == "django.core.mail.backends.console.EmailBackend"


def test_email_tls_and_ssl_together_fail_loudly():
    assert "ImproperlyConfigured" in backend(EMAIL_USE_TLS="1", EMAIL_USE_SSL="1")
