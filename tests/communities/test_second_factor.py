"""The office's second factor (communities/second_factor.py): the admin opens only after
a code from the phone (TOTP) or a one-time recovery code; the portal's pages do not ask."""

from base64 import b32encode
from urllib.parse import quote

import pytest
from django.test import Client
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.permissions import grant_office_permissions
from tests.conftest import confirmed_totp_device, verified_login

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
SETUP = reverse("second_factor_setup")
VERIFY = reverse("second_factor_verify")


def code_of(device):
    """What the phone's app shows now."""
    return f"{TOTP(device.bin_key, device.step, device.t0, device.digits).token():06d}"


def wrong_code(device):
    return f"{(int(code_of(device)) + 500000) % 1000000:06d}"


@pytest.fixture
def office(people):
    grant_office_permissions()
    user = people["office"]
    user.is_staff = True
    user.save()
    return user


@pytest.fixture
def signed_in(client, office):
    """The office signed in with its password alone."""
    client.force_login(office)
    return client


def test_the_admin_sends_a_password_only_office_account_to_set_up_its_phone(signed_in, office):
    response = signed_in.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{SETUP}?next={quote(ADMIN, safe='')}"
    page = response.content.decode()
    device = TOTPDevice.objects.get(user=office)
    assert not device.confirmed
    assert 'src="data:image/svg+xml' in page  # the QR code, drawn here
    secret = b32encode(device.bin_key).decode()
    assert " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)) in page
    assert "<script" not in page and "style=" not in page  # nothing the coming CSP forbids


def test_reloading_the_setup_page_keeps_the_same_secret(signed_in, office):
    signed_in.get(SETUP)
    signed_in.get(SETUP)
    assert TOTPDevice.objects.filter(user=office).count() == 1


def test_the_apps_first_code_confirms_it_gives_ten_recovery_codes_and_opens_the_admin(
    signed_in, office
):
    signed_in.get(SETUP)
    device = TOTPDevice.objects.get(user=office)
    response = signed_in.post(SETUP, {"code": code_of(device), "next": ADMIN})
    assert response.status_code == 200
    device.refresh_from_db()
    assert device.confirmed
    codes = list(StaticToken.objects.filter(device__user=office).values_list("token", flat=True))
    assert len(codes) == 10
    page = response.content.decode()
    assert all(code in page for code in codes) and "只显示这一次" in page
    assert f'href="{ADMIN}"' in page
    assert signed_in.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    ("typed", "message"),
    [
        ("wrong", "验证码不正确"),
        ("12345", "验证码是6位数字"),
        ("abcdef", "验证码是6位数字"),
        ("", "请输入验证码"),
        ("1" * 40, "验证码"),  # too long: the form says so, nothing breaks
    ],
)
def test_a_wrong_code_is_refused_with_a_clear_message(signed_in, office, typed, message):
    signed_in.get(SETUP)
    device = TOTPDevice.objects.get(user=office)
    code = wrong_code(device) if typed == "wrong" else typed
    response = signed_in.post(SETUP, {"code": code, "next": ADMIN})
    assert response.status_code == 200
    assert message in response.content.decode()
    device.refresh_from_db()
    assert not device.confirmed
    assert not StaticToken.objects.exists()
    assert signed_in.get(ADMIN).status_code == 302


def test_after_a_wrong_code_the_next_try_waits(signed_in, office, settings):
    settings.OTP_TOTP_THROTTLE_FACTOR = 60
    device = confirmed_totp_device(office)
    signed_in.post(VERIFY, {"code": wrong_code(device), "next": ADMIN})
    page = signed_in.post(VERIFY, {"code": code_of(device), "next": ADMIN}).content.decode()
    assert "请等待60秒后再试" in page
    assert signed_in.get(ADMIN).status_code == 302


def test_with_a_phone_set_up_the_admin_asks_for_its_code_and_opens(signed_in, office):
    device = confirmed_totp_device(office)
    response = signed_in.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next={quote(ADMIN, safe='')}"
    assert "data:image" not in response.content.decode()  # the secret is never shown again
    assert signed_in.get(SETUP).status_code == 302  # nor can a second phone be added
    response = signed_in.post(VERIFY, {"code": wrong_code(device), "next": ADMIN})
    assert "验证码不正确" in response.content.decode()
    device.throttle_reset()
    response = signed_in.post(VERIFY, {"code": code_of(device), "next": ADMIN})
    assert response.url == ADMIN
    assert signed_in.get(ADMIN).status_code == 200


def test_a_code_used_once_does_not_open_another_session(client, office):
    device = confirmed_totp_device(office)
    code = code_of(device)
    client.force_login(office)
    assert client.post(VERIFY, {"code": code}).url == ADMIN
    other = Client()
    other.force_login(office)
    assert "验证码不正确" in other.post(VERIFY, {"code": code}).content.decode()
    assert other.get(ADMIN).status_code == 302


def test_a_recovery_code_works_once(signed_in, office):
    signed_in.get(SETUP)
    device = TOTPDevice.objects.get(user=office)
    signed_in.post(SETUP, {"code": code_of(device)})
    recovery = StaticToken.objects.filter(device__user=office).first().token
    phone_lost = Client()
    phone_lost.force_login(office)
    page = phone_lost.get(f"{VERIFY}?recovery=1").content.decode()
    assert "恢复码" in page
    assert phone_lost.post(VERIFY, {"code": f" {recovery.upper()} ", "recovery": "1"}).url == ADMIN
    assert phone_lost.get(ADMIN).status_code == 200
    assert StaticToken.objects.filter(device__user=office).count() == 9
    again = Client()
    again.force_login(office)
    page = again.post(VERIFY, {"code": recovery, "recovery": "1"}).content.decode()
    # Said of a recovery code, not of the phone's app and its clock.
    assert "恢复码不正确或已用过" in page and "手机时间" not in page
    assert again.get(ADMIN).status_code == 302


def test_a_superuser_is_held_to_the_same(client, admin_user):
    client.force_login(admin_user)
    response = client.get(ADMIN, follow=True)
    assert response.redirect_chain[-1][0].startswith(SETUP)
    device = TOTPDevice.objects.get(user=admin_user)
    client.post(SETUP, {"code": code_of(device)})
    assert client.get(ADMIN).status_code == 200


@pytest.mark.parametrize(
    "target", ["https://evil.example/admin/", "//evil.example/", "javascript:x"]
)
def test_after_the_code_the_way_back_never_leaves_the_site(signed_in, office, target):
    device = confirmed_totp_device(office)
    response = signed_in.post(VERIFY, {"code": code_of(device), "next": target})
    assert response.url == ADMIN


def test_the_way_back_leads_to_the_admin_page_first_asked_for(signed_in, office):
    device = confirmed_totp_device(office)
    changelist = reverse("admin:reporting_monthlyreport_changelist")
    response = signed_in.get(changelist, follow=True)
    assert response.redirect_chain[-1][0] == f"{VERIFY}?next={quote(changelist, safe='')}"
    assert signed_in.post(VERIFY, {"code": code_of(device), "next": changelist}).url == changelist


@pytest.mark.parametrize("who", ["alice", "head", "leader", "nobody"])
def test_only_desk_accounts_have_the_pages(client, people, who):
    user = people[who]
    user.is_staff = True  # even a wrongly flagged account
    user.save()
    client.force_login(user)
    assert client.get(SETUP).status_code == 403
    assert client.get(VERIFY).status_code == 403
    assert not TOTPDevice.objects.exists()


def test_signed_out_the_pages_ask_for_the_password_first(client):
    assert client.get(SETUP).url.startswith(reverse("login"))


def test_the_portal_pages_do_not_ask_for_the_second_factor(signed_in, plan):
    assert signed_in.get(reverse("home")).status_code == 200
    assert signed_in.get(reverse("scoring:index")).status_code == 200


def test_the_test_helper_passes_the_admin_as_a_code_would(client, office):
    """verified_login (tests/conftest.py) is what the other tests of the admin rely on."""
    assert verified_login(client, office).get(ADMIN).status_code == 200


def test_the_second_factor_is_in_the_security_log(client, office):
    """A wrong code and a right one, each a line of the security log (等保 2.0 安全审计);
    an empty form is not an attempt."""
    from communities.models import AccessEvent

    device = confirmed_totp_device(office)
    client.force_login(office)
    client.post(VERIFY, {"code": ""})
    client.post(VERIFY, {"code": wrong_code(device)})
    device.throttle_reset()
    client.post(VERIFY, {"code": code_of(device)})
    lines = AccessEvent.objects.filter(target=office.username).order_by("pk")
    assert [(e.kind, e.detail) for e in lines if e.kind.startswith("2fa")] == [
        ("2fa_failed", ""),
        ("2fa", "身份验证器"),
    ]
