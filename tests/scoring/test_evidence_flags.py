"""E1 on the score pages: open evidence flags beside the month they concern, for the
office and leadership only; dismissed ones gone; no score or rank moved; read apart
from the (cached) standing, in one query whatever the number of communities."""

import io
import json
import re

import pytest
import time_machine
from django.core.cache import cache
from django.core.management import call_command
from django.urls import reverse

from evidence.models import FlagKind
from reporting.models import ActivityPhoto
from reporting.photos import check_photo
from scoring import gather
from tests.conftest import jpeg_upload, raise_flag
from tests.scoring.conftest import AFTER_Q2
from tests.scoring.test_queries import CACHED_QUARTER_QUERIES, QUARTER_QUERIES, grow_to, queries

pytestmark = pytest.mark.django_db
QUARTER = reverse("scoring:quarter", args=["2021Q2"])
NO_METADATA_DETAIL = "照片没有拍摄时间（可能是截图、编辑过的副本，或手机去除了该信息）。"


@pytest.fixture(autouse=True)
def after_q2():
    with time_machine.travel(AFTER_Q2, tick=False):
        yield


def flag_on(report, kind=FlagKind.PHOTO_NO_METADATA, **fields):
    """A flag as evidence.checks leaves it, on the report's first activity and photo."""
    return raise_flag(kind, photo=report.activities.first().photos.first(), **fields)


def add_photo_flag(report, by):
    """A second photo without a capture time, flagged, on the report's first activity."""
    activity = report.activities.first()
    photo = ActivityPhoto.create_from(activity, check_photo(jpeg_upload("p9.jpg")), by)
    return raise_flag(FlagKind.PHOTO_NO_METADATA, photo=photo)


@pytest.fixture
def flags(q2):
    """A's April report (on time: no item on the quarter page) reuses the file of B's
    May photo and has a photo without a capture time; B's May report (late: an item)
    has a photo without a capture time."""
    b_photo = q2["b", 5].activities.first().photos.first()
    return {
        "a4_reused": flag_on(
            q2["a", 4], FlagKind.PHOTO_REUSED, other_photo=b_photo, distance=0, identical=True
        ),
        "a4_no_time": flag_on(q2["a", 4]),
        "b5_no_time": flag_on(q2["b", 5]),
    }


def row_of(page, community):
    """The quarter page's table row of `community`."""
    return page.split(f'data-community="{community}"', 1)[1].split("</tr>", 1)[0]


def badges(html):
    """The flag badges in `html`, as (visible label, title)."""
    return re.findall(r'<span class="badge flag-open" title="([^"]*)">([^<]*)<', html)


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_quarter_page_shows_each_month_flagged_beside_its_item(client, people, q2, flags, who):
    client.force_login(people[who])
    page = client.get(QUARTER).content.decode()
    # B's May item (late) carries its badge, in the same list item as its reason.
    b = row_of(page, "乙社区")
    item = next(li for li in b.split("<li") if "2021年5月报表逾期3天报送" in li)
    assert badges(item) == [("未排除的疑点：照片无拍摄时间", "疑点 1")]
    # A's April report was on time, so it has no item: the month is listed for its flags,
    # linked to its report, the most serious kind named first.
    a = row_of(page, "甲社区")
    item = next(li for li in a.split("<li") if "2021年4月报表按时报送" in li)
    assert reverse("report", args=[q2["a", 4].pk]) in item
    assert badges(item) == [("未排除的疑点：照片重复使用、照片无拍摄时间", "疑点 2")]
    assert '<small class="flag-kinds">未排除的疑点：照片重复使用、照片无拍摄时间</small>' in item
    # A's other months, on time and unflagged, are not listed; C has nothing to flag.
    assert "2021年5月报表按时报送" not in a
    assert badges(row_of(page, "丙社区")) == []


def test_flags_of_one_kind_are_counted_in_the_title(client, people, places, q2):
    first = flag_on(q2["b", 6])
    second = add_photo_flag(q2["b", 6], people["bob"])
    assert first.report_id == second.report_id
    client.force_login(people["leader"])
    page = client.get(QUARTER).content.decode()
    assert badges(row_of(page, "乙社区")) == [("未排除的疑点：照片无拍摄时间（2条）", "疑点 2")]


@pytest.mark.parametrize("who", ["office", "leader"])
def test_the_ledger_lists_each_months_open_flags_with_their_evidence(
    client, people, places, q2, flags, who
):
    client.force_login(people[who])
    page = client.get(reverse("scoring:ledger", args=["2021Q2", places["a"].pk])).content.decode()
    rows = page.split("<tbody>", 1)[1].split("</tbody>", 1)[0].split("<tr")[1:]
    april = next(row for row in rows if "2021-04" in row)
    assert badges(april) == [("未排除的疑点：照片重复使用、照片无拍摄时间", "疑点 2")]
    reused = "与乙社区 2021年05月报表活动0的照片“p0.jpg”是同一文件。"
    assert reused in april and NO_METADATA_DETAIL in april
    assert april.index(reused) < april.index(NO_METADATA_DETAIL)  # the most serious first
    may = next(row for row in rows if "2021-05" in row)
    assert badges(may) == [] and "flag-details" not in may
    assert "疑点是平台对照片和图片说明的自动核查结果" in page  # they deduct nothing


@pytest.mark.parametrize(
    ("who", "community"),
    [("alice", "a"), ("head", "a"), ("bob", "b"), ("other_head", "b")],
)
def test_communities_and_work_points_never_see_a_flag(
    client, people, places, q2, flags, who, community
):
    """E1: flags are for the office and leadership. The community's staff and its work
    point's head read its ledger without them, and the quarter page is closed to them."""
    client.force_login(people[who])
    assert client.get(QUARTER).status_code == 403
    response = client.get(reverse("scoring:ledger", args=["2021Q2", places[community].pk]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "flag-open" not in page and "flag-details" not in page
    assert "疑点 " not in page and NO_METADATA_DETAIL not in page
    assert "照片无拍摄时间" not in page and "未排除的疑点" not in page


def test_dismissed_flags_are_not_shown(client, people, places, q2, flags):
    flags["a4_reused"].dismiss(people["office"], "同一活动的两张照片，已核实")
    client.force_login(people["office"])
    page = client.get(QUARTER).content.decode()
    assert badges(row_of(page, "甲社区")) == [("未排除的疑点：照片无拍摄时间", "疑点 1")]
    ledger = reverse("scoring:ledger", args=["2021Q2", places["a"].pk])
    assert "是同一文件" not in client.get(ledger).content.decode()

    flags["a4_no_time"].dismiss(people["office"], "手机设置去除了拍摄信息，已核实")
    page = client.get(QUARTER).content.decode()
    assert badges(row_of(page, "甲社区")) == []
    assert "2021年4月报表按时报送" not in row_of(page, "甲社区")  # listed only for its flags
    assert "flag-details" not in client.get(ledger).content.decode()


def standing(client):
    """What the pages and the command say of every community: rank and points, and items."""
    page = client.get(QUARTER).content.decode()
    cells = re.findall(
        r'data-community="([^"]+)".*?<span class="rank">(\d+)</span>.*?'
        r'<strong class="total">(\d+)</strong>',
        page,
        re.S,
    )
    out = io.StringIO()
    call_command("quarter_scores", "2021Q2", "--format", "json", stdout=out)
    return cells, json.loads(out.getvalue())


def ledger_summary(client, community):
    page = client.get(reverse("scoring:ledger", args=["2021Q2", community.pk])).content.decode()
    return page.split('<div class="ledger-summary">', 1)[1].split("</div>\n</div>", 1)[0]


def test_a_flag_changes_no_score_and_no_rank(client, people, places, q2):
    """E1: a flag is a reason to look, never a deduction."""
    client.force_login(people["office"])
    before = standing(client), [ledger_summary(client, places[c]) for c in "abc"]
    for report in q2.values():
        flag_on(report)
    flag_on(
        q2["a", 5],
        FlagKind.PHOTO_REUSED,
        other_photo=q2["a", 4].activities.first().photos.first(),
        distance=4,
    )
    after = standing(client), [ledger_summary(client, places[c]) for c in "abc"]
    assert len(badges(client.get(QUARTER).content.decode())) == len(q2)  # all shown
    assert after == before
    assert [row[1:] for row in before[0][0]] == [("1", "4"), ("2", "3"), ("3", "0")]


def test_a_cached_quarter_still_shows_the_flags_of_now(monkeypatch, client, people, q2):
    """The standing of a closed quarter is cached; flags raised or dismissed after it was
    cached are shown at once, since they are read apart from it."""
    monkeypatch.setattr(gather, "CACHE_FROM_COMMUNITIES", 0)
    cache.clear()
    client.force_login(people["leader"])
    assert badges(client.get(QUARTER).content.decode()) == []
    assert queries(client, QUARTER) == CACHED_QUARTER_QUERIES  # from the cache now
    flag = flag_on(q2["a", 4])
    assert len(badges(client.get(QUARTER).content.decode())) == 1
    flag.dismiss(people["office"], "已核实")
    assert badges(client.get(QUARTER).content.decode()) == []


@pytest.mark.parametrize("size", [3, 30])
def test_flags_on_every_report_cost_no_query_per_row(client, people, plan, places, q2, size):
    """One query reads the open flags of the page's communities, however many are flagged."""
    grow_to(size, plan, places, people)
    for report in q2.values():
        flag_on(report)
        if report != q2["a", 4]:
            earlier = q2["a", 4].activities.first()
            raise_flag(
                FlagKind.CAPTION_REUSED,
                activity=report.activities.first(),
                other_activity=earlier,
                same_caption=True,
            )
    client.force_login(people["office"])
    assert queries(client, QUARTER) == QUARTER_QUERIES
    page = client.get(QUARTER).content.decode()
    assert len(badges(page)) == len(q2)
    # As tests/scoring/test_queries.py counts B's ledger: the flags are one query of them.
    ledger = reverse("scoring:ledger", args=["2021Q2", places["b"].pk])
    assert queries(client, ledger) == 20
    assert (
        client.get(ledger).content.decode().count("图片说明与甲社区 2021年04月报表的活动0相同") == 2
    )
