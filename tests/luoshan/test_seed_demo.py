"""seed_demo: a realistic mix, safe to run twice."""

import base64
import io
import json
import re
from collections import Counter

import pytest
from django.contrib.auth import authenticate
from django.contrib.auth.models import User
from django.core.management import call_command
from django.test import RequestFactory
from django.urls import reverse
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.models import Community, PropagandaTeam, WorkPoint
from communities.passwords import password_change_due
from reporting.models import ActivityPhoto, MonthlyReport

pytestmark = pytest.mark.django_db


def test_demo_data_is_a_realistic_mix_and_idempotent(settings, client):
    settings.DEBUG = True
    call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    counts = (MonthlyReport.objects.count(), ActivityPhoto.objects.count())
    printed = io.StringIO()
    call_command("seed_demo", stdout=printed)
    assert (MonthlyReport.objects.count(), ActivityPhoto.objects.count()) == counts
    # The tour opens the office desk without a phone: the printed key gives the codes,
    # and each printed recovery code opens it once.
    key, codes = re.search(
        r"\(([A-Z2-7=]+)\), or use a recovery code once: (.+)", printed.getvalue()
    ).groups()
    office = User.objects.get(username="zzb")
    device = TOTPDevice.objects.get(user=office, confirmed=True)
    assert device.verify_token(str(TOTP(base64.b32decode(key)).token()).zfill(6))
    assert StaticToken.objects.filter(device__user=office, token=codes.split()[0]).exists()

    assert WorkPoint.objects.count() == 6
    communities = Community.objects.count()
    assert communities >= 12
    assert all("示例" in name for name in Community.objects.values_list("name", flat=True))
    assert 0 < PropagandaTeam.objects.count() < communities
    states = Counter(MonthlyReport.objects.values_list("state", flat=True))
    assert {"draft", "submitted", "accepted", "returned"} <= set(states)
    reports = MonthlyReport.objects.select_related("plan")
    timing = Counter(r.is_on_time for r in reports)
    assert timing[True] and timing[False]
    assert MonthlyReport.objects.count() < communities * 7  # some months are missing
    login = RequestFactory().post(reverse("login"))  # django-axes judges a login by its request
    assert authenticate(login, username="sq01", password="luoshan-demo-2021")
    assert authenticate(login, username="zzb", password="luoshan-demo-2021")
    # The demo's accounts log straight in: no password change is due.
    assert password_change_due(User.objects.get(username="sq01")) is None

    # The command and the quarter page agree, item for item, on the demo data.
    out = io.StringIO()
    call_command("quarter_scores", "2021Q2", "--format", "json", stdout=out)
    records = json.loads(out.getvalue())
    client.force_login(User.objects.get(username="leader"))
    page = client.get(reverse("scoring:quarter", args=["2021Q2"])).content.decode()
    rows = page.split('data-community="')[1:]
    assert [row.split('"', 1)[0] for row in rows] == [r["community"] for r in records]
    for row, record in zip(rows, records, strict=True):
        assert f'<span class="rank">{record["rank"]}</span>' in row
        assert f'<strong class="total">{record["total"]}</strong>' in row
        reasons = [item["reason"] for item in record["items"]]
        assert [row.index(reason) for reason in reasons] == sorted(row.index(r) for r in reasons)
    assert any(r["warning_due"] for r in records) or "应予警告" not in page


def test_demo_photos_are_drawn_without_a_cjk_font_too(plan, places, people):
    """On a machine without Noto CJK the demo still draws its photos (in Latin letters)."""
    from luoshan.management.commands.seed_demo import Command
    from reporting.models import MonthlyReport
    from reporting.photos import check_photo
    from tests.conftest import add_activity

    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    activity = add_activity(report, people["alice"], photos=0)
    command = Command()
    command.font_path = None
    checked = check_photo(command._photo(places["a"], activity, 0))
    assert checked.content_type == "image/jpeg"
    assert checked.taken_at is not None
