"""A session ends after 30 minutes without a request, and when the browser closes."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

pytestmark = pytest.mark.django_db


def test_the_settings(settings):
    assert settings.SESSION_COOKIE_AGE == 30 * 60
    assert settings.SESSION_SAVE_EVERY_REQUEST
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE


def test_an_idle_session_ends_after_30_minutes(client, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people["alice"])
        assert client.get(reverse("team")).status_code == 200
    with time_machine.travel(start + timedelta(minutes=31), tick=False):
        assert client.get(reverse("team")).url.startswith(reverse("login"))


def test_a_session_used_every_20_minutes_goes_on(client, people):
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        client.force_login(people["alice"])
    for step in range(1, 6):
        with time_machine.travel(start + timedelta(minutes=20 * step), tick=False):
            assert client.get(reverse("team")).status_code == 200


def test_the_cookie_ends_with_the_browser(client, people):
    client.force_login(people["alice"])
    response = client.get(reverse("team"))
    assert response.cookies["sessionid"]["expires"] == ""
    assert response.cookies["sessionid"]["max-age"] == ""


def test_the_login_page_says_so(client):
    page = client.get(reverse("login")).content.decode()
    assert "30分钟无操作将自动退出；在公用电脑上用完请点“退出”。" in page
