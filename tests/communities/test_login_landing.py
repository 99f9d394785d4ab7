"""Where the portal's login page (communities/login.py) sends each account."""

import pytest
from django.urls import reverse

from tests.conftest import PASSWORD

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("who", "next_url", "lands_on"),
    [
        ("office", None, "admin:index"),  # the desk, which then asks the second factor
        ("office", "/scores/", "/scores/"),
        ("alice", None, "home"),
        ("head", None, "home"),
        ("leader", None, "home"),
        ("alice", "/team/", "/team/"),
    ],
)
def test_after_login_the_office_lands_on_the_desk_and_others_on_home(
    client, people, who, next_url, lands_on
):
    data = {"username": who, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    response = client.post(reverse("login"), data)
    assert response.status_code == 302
    expected = lands_on if lands_on.startswith("/") else reverse(lands_on)
    assert response["Location"] == expected


def test_the_desk_then_asks_the_office_for_its_code(client, people):
    people["office"].is_staff = True
    people["office"].save()
    landed = client.post(reverse("login"), {"username": "office", "password": PASSWORD})
    response = client.get(landed["Location"], follow=True)
    assert "second-factor" in response.redirect_chain[-1][0]
