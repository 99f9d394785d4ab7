"""Each role against each page and each photo URL: 404 or 403, never the data."""

import pytest
from django.urls import reverse

from reporting.models import MonthlyReport
from tests.conftest import add_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def reports(plan, places, people):
    """April reports of community A (point 1), B (point 2) and C (point 1), each with a photo."""
    made = {}
    for key, staff in (("a", "alice"), ("b", "bob"), ("c", None)):
        by = people[staff] if staff else people["office"]
        report = MonthlyReport.start(places[key].pk, plan, 4, by=by)
        add_activity(report, by)
        made[key] = report
    return made


def photo_url(report, variant):
    photo = report.activities.get().photos.get()
    return reverse("photo", args=[photo.pk, variant])


# Who may read the report of community A, and its photos. Community A is in
# the first work point: its head reads it, the other head does not.
READERS_OF_A = {
    "alice": 200,
    "bob": 404,
    "head": 200,
    "other_head": 404,
    "office": 200,
    "leader": 200,
    "nobody": 404,
}
ORIGINAL_OF_A = {**READERS_OF_A, "head": 403, "leader": 403}


@pytest.mark.parametrize(("who", "status"), READERS_OF_A.items())
def test_report_page_of_community_a(client, people, reports, who, status):
    client.force_login(people[who])
    response = client.get(reports["a"].get_absolute_url())
    assert response.status_code == status
    if status != 200:
        assert "社区文化广场" not in response.content.decode()


@pytest.mark.parametrize("variant", ["thumbnail", "display"])
@pytest.mark.parametrize(("who", "status"), READERS_OF_A.items())
def test_photo_copies_of_community_a(client, people, reports, who, status, variant):
    client.force_login(people[who])
    response = client.get(photo_url(reports["a"], variant))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"


@pytest.mark.parametrize(("who", "status"), ORIGINAL_OF_A.items())
def test_original_photo_only_for_own_staff_and_office(client, people, reports, who, status):
    client.force_login(people[who])
    response = client.get(photo_url(reports["a"], "original"))
    assert response.status_code == status


@pytest.mark.parametrize(
    "url",
    [
        lambda r: r["a"].get_absolute_url(),
        lambda r: photo_url(r["a"], "thumbnail"),
        lambda r: reverse("home"),
        lambda r: reverse("team"),
        lambda r: reverse("password_change"),
    ],
    ids=["report", "photo", "home", "team", "password"],
)
def test_anonymous_visitors_are_sent_to_log_in(client, reports, url):
    response = client.get(url(reports))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_forged_report_id_typed_by_hand(client, people, reports):
    """Alice edits the URL to B's report, and to an id that does not exist."""
    client.force_login(people["alice"])
    assert client.get(reports["b"].get_absolute_url()).status_code == 404
    assert client.get(reverse("report", args=[999999])).status_code == 404
    assert client.get(reverse("photo", args=[999999, "display"])).status_code == 404
    assert client.get(photo_url(reports["a"], "gps")).status_code == 404


@pytest.mark.parametrize("who", ["bob", "head", "office", "leader"])
def test_only_own_staff_may_change_a_report(client, people, reports, who):
    client.force_login(people[who])
    before = list(reports["a"].activities.values_list("place", flat=True))
    response = client.post(
        reports["a"].get_absolute_url(), {"submit": "1", "truth_confirmed": "on"}
    )
    assert response.status_code in (403, 404)
    reports["a"].refresh_from_db()
    assert reports["a"].state == "draft"
    assert list(reports["a"].activities.values_list("place", flat=True)) == before


@pytest.mark.parametrize("who", ["bob", "head", "office", "leader", "nobody"])
def test_others_cannot_start_a_report(client, people, plan, who):
    client.force_login(people[who])
    response = client.post(reverse("start_report"), {"year": 2021, "month": 5})
    assert response.status_code == 403 if who != "bob" else 302
    expected = 1 if who == "bob" else 0
    assert MonthlyReport.objects.filter(month=5).count() == expected


@pytest.mark.parametrize(
    ("who", "sees", "hidden"),
    [
        ("head", ["甲社区", "丙社区"], ["乙社区"]),
        ("other_head", ["乙社区"], ["甲社区", "丙社区"]),
        ("office", ["甲社区", "乙社区", "丙社区"], []),
        ("leader", ["甲社区", "乙社区", "丙社区"], []),
    ],
)
def test_overview_shows_only_visible_communities(client, people, reports, who, sees, hidden):
    client.force_login(people[who])
    page = client.get(reverse("home")).content.decode()
    for name in sees:
        assert name in page
    for name in hidden:
        assert name not in page


def test_user_without_role_is_told_so(client, people, plan):
    client.force_login(people["nobody"])
    response = client.get(reverse("home"))
    assert response.status_code == 403
    assert "尚未分配角色" in response.content.decode()
