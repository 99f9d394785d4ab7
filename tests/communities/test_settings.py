"""Settings come from the environment; production refuses unsafe values."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from luoshan.settings import env_bool, env_int, env_list

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("value", "expected"),
    [("1", True), ("true", True), ("On", True), ("0", False), ("no", False), ("", False)],
)
def test_env_bool(monkeypatch, value, expected):
    monkeypatch.setenv("X_FLAG", value)
    assert env_bool("X_FLAG") is expected


def test_env_bool_fails_loudly(monkeypatch):
    monkeypatch.setenv("X_FLAG", "maybe")
    with pytest.raises(ImproperlyConfigured):
        env_bool("X_FLAG")


def test_env_int_and_list(monkeypatch):
    monkeypatch.setenv("X_NUMBER", "12")
    monkeypatch.setenv("X_HOSTS", " a.example , b.example,")
    assert env_int("X_NUMBER", 0) == 12
    assert env_list("X_HOSTS") == ["a.example", "b.example"]
    monkeypatch.setenv("X_NUMBER", "twelve")
    with pytest.raises(ImproperlyConfigured):
        env_int("X_NUMBER", 0)


def manage(*args, **env):
    clean = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = manage("check")
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY must be set" in result.stderr


def test_check_deploy_passes_with_production_settings():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        DJANGO_SECRET_KEY="a-long-random-production-secret-" + "x7Qp2#" * 8,
        DJANGO_ALLOWED_HOSTS="fanzha.luoshan.example",
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_seed_demo_refuses_production_settings():
    result = manage("seed_demo", DJANGO_SECRET_KEY="s" * 60, DATABASE_URL="sqlite:///:memory:")
    assert result.returncode != 0
    assert "DJANGO_DEBUG" in result.stderr
