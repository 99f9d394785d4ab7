"""The login pages ask for 用户名 and 密码; 修改密码 is only the logged-in nav link."""

import re

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def label_of(page, field):
    found = re.search(rf'<label[^>]*for="id_{field}"[^>]*>(.*?)</label>', page, re.S)
    return re.sub(r"<[^>]+>|\s|\*", "", found.group(1)).rstrip(":：")


@pytest.mark.parametrize("url", [reverse("login"), reverse("admin:login")], ids=["portal", "admin"])
def test_login_labels_are_username_and_password(client, url):
    page = client.get(url).content.decode()
    assert label_of(page, "username") == "用户名"
    assert label_of(page, "password") == "密码"
    assert "修改密码" not in page


def test_the_nav_link_says_change_password(client, people):
    client.force_login(people["alice"])
    page = client.get(reverse("team")).content.decode()
    assert f'href="{reverse("password_change")}">修改密码</a>' in page
