"""Login, the 大字模式 switch and changing one's own password."""

import re

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def test_login_page_is_chinese_and_styled_by_the_local_bootstrap(client):
    page = client.get(reverse("login")).content.decode()
    assert '<html lang="zh-hans"' in page
    assert "登录" in page
    assert "/static/bootstrap/css/bootstrap.min.css" in page
    # Nothing from another host (a CSRF token may spell "cdn" by chance: look at addresses).
    assert not re.search(r'(src|href)="(https?:)?//', page)


def test_staff_log_in_and_land_on_their_months(client, people, plan):
    response = client.post(
        reverse("login"), {"username": "alice", "password": PASSWORD}, follow=True
    )
    assert "甲社区" in response.content.decode()


def test_wrong_password_is_explained_in_chinese(client, people):
    page = client.post(reverse("login"), {"username": "alice", "password": "x"}).content.decode()
    assert "请输入一个正确的" in page


@pytest.mark.parametrize(("large", "cookie"), [("1", "1"), ("0", "")])
def test_large_text_switch_is_remembered(client, people, plan, large, cookie):
    client.force_login(people["alice"])
    response = client.post(reverse("text_size"), {"large": large, "next": "/team/"})
    assert response["Location"] == "/team/"
    assert response.cookies["large_text"].value == cookie
    page = client.get(reverse("home")).content.decode()
    assert ('class="large-text"' in page) is (large == "1")


def test_large_text_switch_never_redirects_elsewhere(client):
    response = client.post(reverse("text_size"), {"large": "1", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_staff_change_their_own_password(client, people):
    client.force_login(people["alice"])
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Fanzha-2021-luoshan",
            "new_password2": "Fanzha-2021-luoshan",
        },
        follow=True,
    )
    assert "密码已修改" in response.content.decode()
    people["alice"].refresh_from_db()
    assert people["alice"].check_password("Fanzha-2021-luoshan")
