"""core.http.client_address: only a trusted proxy names the client; junk is never stored."""

import pytest
from django.test import RequestFactory
from django.urls import reverse

from communities.models import AccessEvent
from core.http import client_address

PROXY = "10.0.0.5"


@pytest.mark.parametrize(
    ("remote", "headers", "expected"),
    [
        ("203.0.113.7", {"HTTP_X_REAL_IP": "1.1.1.1"}, "203.0.113.7"),  # forged, untrusted
        ("203.0.113.7", {"HTTP_X_FORWARDED_FOR": "1.1.1.1"}, "203.0.113.7"),
        (PROXY, {"HTTP_X_REAL_IP": "198.51.100.9"}, "198.51.100.9"),
        (PROXY, {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 198.51.100.9"}, "198.51.100.9"),
        (PROXY, {"HTTP_X_REAL_IP": "1.2.3.4; drop", "HTTP_X_FORWARDED_FOR": "9.9.9.9"}, "9.9.9.9"),
        (PROXY, {"HTTP_X_REAL_IP": "1.2.3.4; drop"}, PROXY),
        (PROXY, {"HTTP_X_REAL_IP": ""}, PROXY),
        (PROXY, {"HTTP_X_REAL_IP": "999.1.1.1"}, PROXY),
        (PROXY, {"HTTP_X_REAL_IP": "1" * 100_000}, PROXY),
        (PROXY, {"HTTP_X_REAL_IP": "fe80::1%eth0"}, PROXY),
        (PROXY, {"HTTP_X_REAL_IP": "2001:DB8::1"}, "2001:db8::1"),
        ("2001:db8::5", {"HTTP_X_REAL_IP": "1.1.1.1"}, "2001:db8::5"),
        ("not an address", {}, None),
    ],
)
def test_client_address(settings, remote, headers, expected):
    settings.TRUSTED_PROXIES = [PROXY]
    request = RequestFactory().get("/", REMOTE_ADDR=remote, **headers)
    assert client_address(request) == expected


def test_without_trusted_proxies_headers_are_ignored(settings):
    settings.TRUSTED_PROXIES = []
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="1.1.1.1")
    assert client_address(request) == PROXY


def test_a_trusted_network(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/24"]
    request = RequestFactory().get("/", REMOTE_ADDR=PROXY, HTTP_X_REAL_IP="1.1.1.1")
    assert client_address(request) == "1.1.1.1"


@pytest.mark.django_db
def test_a_login_with_a_malformed_header_is_recorded_never_a_500(client, settings, people):
    """What PostgreSQL's inet would refuse never reaches the database."""
    settings.TRUSTED_PROXIES = [PROXY]
    response = client.post(
        reverse("login"),
        {"username": "alice", "password": "wrong"},
        REMOTE_ADDR=PROXY,
        HTTP_X_REAL_IP="1.2.3.4; drop table",
    )
    assert response.status_code == 200
    event = AccessEvent.objects.get(kind=AccessEvent.Kind.FAILED)
    assert (event.username, event.address) == ("alice", PROXY)


@pytest.mark.django_db
def test_a_forged_header_does_not_reach_the_record(client, settings, people):
    settings.TRUSTED_PROXIES = [PROXY]
    client.post(
        reverse("login"),
        {"username": "alice", "password": "wrong"},
        REMOTE_ADDR="203.0.113.7",
        HTTP_X_REAL_IP="1.1.1.1",
    )
    assert AccessEvent.objects.get(kind=AccessEvent.Kind.FAILED).address == "203.0.113.7"
