"""B1: community staff record their quarterly board updates (with photos) and their LED
screen / broadcast uses on their own page; the office sees every community by the plan's
duty quarters, updated, not updated (the quarter has ended, Asia/Shanghai) or not yet."""

import io
import uuid
from datetime import UTC, date, datetime

import pytest
import time_machine
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Community
from duties.boards_desk import community_quarters
from duties.models import BoardPhoto, BoardUpdate, ScreenKind, ScreenUse
from reporting.periods import LOCAL
from tests.conftest import jpeg_upload
from tests.duties.conftest import record_board

pytestmark = pytest.mark.django_db

PAGE = reverse("duties:boards")
ADD_BOARD = reverse("duties:add_board_update")
ADD_SCREEN = reverse("duties:add_screen_use")
DESK = reverse("admin:duties_boardupdate_quarters")
DESK_XLSX = reverse("admin:duties_boardupdate_quarters_xlsx")
IN_MAY = datetime(2021, 5, 20, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def in_may():
    with time_machine.travel(IN_MAY, tick=False):
        yield


@pytest.fixture
def alice(client, people):
    client.force_login(people["alice"])
    return client


# --- Quarter edges, Asia/Shanghai -------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "held", "expected"),
    [
        # The last second of Q2 (local): not yet; the first of Q3: not updated.
        (datetime(2021, 6, 30, 23, 59, 59, tzinfo=LOCAL), False, "not_yet"),
        (datetime(2021, 7, 1, 0, 0, 0, tzinfo=LOCAL), False, "missing"),
        # 16:00 UTC on 30 June is already 1 July in Luoshan.
        (datetime(2021, 6, 30, 16, 0, 0, tzinfo=UTC), False, "missing"),
        (datetime(2021, 7, 1, 0, 0, 0, tzinfo=LOCAL), True, "done"),
        (datetime(2021, 6, 30, 23, 59, 59, tzinfo=LOCAL), True, "done"),
    ],
)
def test_b1_second_quarter_is_judged_at_local_midnight(
    plan, places, people, moment, held, expected
):
    if held:
        with time_machine.travel(datetime(2021, 6, 1, 9, tzinfo=LOCAL), tick=False):
            record_board(plan, places["a"], people["alice"], held_on=date(2021, 6, 1))
    with time_machine.travel(moment, tick=False):
        quarters = community_quarters(plan, places["a"].pk, moment)
    assert [q.quarter.number for q in quarters] == [2, 3, 4]  # April to October (M7)
    assert quarters[0].state == expected


@pytest.mark.parametrize(
    ("held_on", "quarter"),
    [
        (date(2021, 6, 30), 2),
        (date(2021, 7, 1), 3),
        (date(2021, 9, 30), 3),
        (date(2021, 10, 1), 4),
    ],
)
def test_b1_the_quarter_comes_from_the_date(plan, places, people, held_on, quarter):
    with time_machine.travel(datetime(2021, 12, 1, tzinfo=LOCAL), tick=False):
        update = record_board(plan, places["a"], people["alice"], held_on=held_on)
    assert update.quarter == quarter


def test_b1_a_day_of_today_counts_until_midnight(plan, places, people):
    """23:59:59 on 30 June (local) is still 30 June: a board updated today is recorded."""
    with time_machine.travel(datetime(2021, 6, 30, 23, 59, 59, tzinfo=LOCAL), tick=False):
        update = record_board(plan, places["a"], people["alice"], held_on=date(2021, 6, 30))
    assert update.quarter == 2


# --- Roles ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("role", "status"),
    [
        ("alice", 200),
        ("bob", 200),
        ("head", 403),
        ("other_head", 403),
        ("leader", 403),
        ("office", 403),
        ("nobody", 403),
    ],
)
def test_b1_only_community_staff_open_the_page(client, people, plan, role, status):
    client.force_login(people[role])
    assert client.get(PAGE).status_code == status


def test_b1_the_page_is_of_the_staff_s_own_community(client, people, places, plan, in_may):
    record_board(plan, places["b"], people["bob"])
    client.force_login(people["alice"])
    page = client.get(PAGE).content.decode()
    assert "甲社区" in page and "乙社区" not in page
    assert "今年尚未登记宣传栏更新" in page


def test_b1_staff_record_for_their_own_community_only(alice, people, places, plan, in_may):
    form = {
        "board-submission": str(uuid.uuid4()),
        "board-held_on": "2021-05-12",
        "board-place": "村口宣传栏",
        "board-photos": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")],
        # Whatever a page sends, the community is the account's own.
        "community": places["b"].pk,
    }
    response = alice.post(ADD_BOARD + "?year=2021", form)
    assert response.status_code == 302
    update = BoardUpdate.objects.get()
    assert update.community == places["a"] and update.quarter == 2
    assert update.photos.count() == 2
    assert update.history.get().history_user == people["alice"]
    page = alice.get(response["Location"]).content.decode()
    assert "宣传栏更新已登记" in page and "村口宣传栏" in page


@pytest.mark.parametrize("role", ["head", "leader", "office", "nobody"])
def test_b1_others_are_refused_a_record(client, people, plan, in_may, role):
    client.force_login(people[role])
    form = {"screen-submission": str(uuid.uuid4()), "screen-held_on": "2021-05-12"}
    assert client.post(ADD_SCREEN, form).status_code == 403
    assert not ScreenUse.objects.exists()


# --- Bad input --------------------------------------------------------------------------

GOOD_BOARD = {"held_on": "2021-05-12", "place": "村口宣传栏"}


@pytest.mark.parametrize(
    ("changes", "photos", "message"),
    [
        ({"held_on": ""}, 1, "更新日期不能为空"),
        ({"held_on": "12/05/2021"}, 1, "请按2021-04-12的格式填写日期"),
        ({"held_on": "2021-05-21"}, 1, "日期不能晚于今天"),
        ({"held_on": "2020-05-12"}, 1, "日期须在2021年内"),
        ({"held_on": "2021-02-12"}, 1, "无需登记"),
        ({"place": ""}, 1, "宣传栏位置不能为空"),
        ({"place": "宣传\x0b栏"}, 1, "控制字符"),
        ({}, 0, "请至少添加一张宣传栏照片"),
        ({}, 10, "最多9张照片"),
    ],
)
def test_b1_a_bad_board_update_is_refused_in_chinese(alice, plan, in_may, changes, photos, message):
    form = {f"board-{k}": v for k, v in {**GOOD_BOARD, **changes}.items()}
    form["board-submission"] = str(uuid.uuid4())
    form["board-photos"] = [jpeg_upload(f"p{n}.jpg") for n in range(photos)]
    response = alice.post(ADD_BOARD + "?year=2021", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BoardUpdate.objects.exists() and not BoardPhoto.objects.exists()


def test_b1_a_file_that_is_no_photo_is_refused_by_name(alice, plan, in_may):
    from django.core.files.uploadedfile import SimpleUploadedFile

    form = {f"board-{k}": v for k, v in GOOD_BOARD.items()}
    form["board-submission"] = str(uuid.uuid4())
    form["board-photos"] = [jpeg_upload(), SimpleUploadedFile("notes.txt", b"hello")]
    response = alice.post(ADD_BOARD + "?year=2021", form)
    assert response.status_code == 200 and "notes.txt" in response.content.decode()
    assert not BoardUpdate.objects.exists() and not BoardPhoto.objects.exists()


GOOD_SCREEN = {
    "held_on": "2021-05-12",
    "kind": "led",
    "place": "社区大门",
    "content": "反诈标语滚动播放",
    "times": "20",
    "minutes": "",
}


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"held_on": ""}, "日期不能为空"),
        ({"held_on": "2021-05-21"}, "日期不能晚于今天"),
        ({"kind": "tv"}, "请选择电子屏或广播"),
        ({"place": ""}, "地点不能为空"),
        ({"content": ""}, "播放内容不能为空"),
        ({"times": "", "minutes": ""}, "请填写播放次数或播放时长"),
        ({"times": "abc"}, "请填写整数"),
        ({"times": "0"}, "请填写大于0的整数"),
    ],
)
def test_b1_a_bad_screen_use_is_refused_in_chinese(alice, plan, in_may, changes, message):
    form = {f"screen-{k}": v for k, v in {**GOOD_SCREEN, **changes}.items()}
    form["screen-submission"] = str(uuid.uuid4())
    response = alice.post(ADD_SCREEN + "?year=2021", form)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not ScreenUse.objects.exists()


def test_b1_a_screen_use_is_recorded(alice, places, plan, in_may):
    form = {f"screen-{k}": v for k, v in {**GOOD_SCREEN, "kind": "broadcast"}.items()}
    form["screen-submission"] = str(uuid.uuid4())
    response = alice.post(ADD_SCREEN + "?year=2021", form)
    assert response.status_code == 302
    use = ScreenUse.objects.get()
    assert (use.community, use.kind, use.times) == (places["a"], ScreenKind.BROADCAST, 20)


@pytest.mark.parametrize("target", ["board", "screen"])
def test_b1_a_form_sent_twice_records_once(alice, plan, in_may, target):
    key = str(uuid.uuid4())
    if target == "board":
        url, model = ADD_BOARD + "?year=2021", BoardUpdate

        def form():
            data = {f"board-{k}": v for k, v in GOOD_BOARD.items()}
            return {**data, "board-submission": key, "board-photos": [jpeg_upload()]}
    else:
        url, model = ADD_SCREEN + "?year=2021", ScreenUse

        def form():
            data = {f"screen-{k}": v for k, v in GOOD_SCREEN.items()}
            return {**data, "screen-submission": key}

    first, second = alice.post(url, form()), alice.post(url, form())
    assert first.status_code == second.status_code == 302
    assert model.objects.count() == 1
    assert BoardPhoto.objects.count() == (1 if target == "board" else 0)
    assert "表单提交了两次" in alice.get(second["Location"]).content.decode()


def test_b1_the_home_page_links_the_boards_page(alice, people, client, plan, in_may):
    assert PAGE in alice.get(reverse("home")).content.decode()
    client.force_login(people["head"])
    assert PAGE not in client.get(reverse("home")).content.decode()


# --- The office's page --------------------------------------------------------------------

IN_AUGUST = datetime(2021, 8, 10, 9, 0, tzinfo=LOCAL)


@pytest.fixture
def updates(plan, places, people):
    """A updated in Q2 (twice) and Q3; C in Q2 only; B never. Seen on 10 August: Q2
    judged, Q3 running, Q4 not begun."""
    with time_machine.travel(IN_AUGUST, tick=False):
        first = record_board(plan, places["a"], people["alice"], held_on=date(2021, 4, 8))
        record_board(plan, places["a"], people["alice"], held_on=date(2021, 6, 30))
        record_board(plan, places["a"], people["alice"], held_on=date(2021, 7, 2))
        record_board(plan, places["c"], people["alice"], held_on=date(2021, 5, 5))
    return first


def row_of(page, community):
    return page.split(f'<th scope="row" class="desk-nowrap">{community}</th>', 1)[1].split("</tr>")[
        0
    ]


def test_b1_office_sees_every_community_by_quarter(office, updates, places):
    with time_machine.travel(IN_AUGUST, tick=False):
        page = office.get(DESK).content.decode()
        only = office.get(DESK + "?year=2021&not_updated=1").content.decode()
    a = row_of(page, "甲社区").split("</td>")[1:]
    assert "已更新" in a[0] and "04-08</a>、" in a[0] and "06-30</a>" in a[0]
    assert reverse("admin:duties_boardupdate_change", args=[updates.pk]) in a[0]
    assert "已更新" in a[1] and "07-02" in a[1]
    assert "尚未更新" in a[2]
    b = row_of(page, "乙社区").split("</td>")[1:]
    assert ">未更新<" in b[0] and "尚未更新" in b[1]
    c = row_of(page, "丙社区").split("</td>")[1:]
    assert "已更新" in c[0] and "尚未更新" in c[1]
    # Not updated in the running quarter (Q3) first: B and C before A.
    assert page.index("乙社区") < page.index("甲社区") and page.index("丙社区") < page.index(
        "甲社区"
    )
    assert "乙社区" in only and "丙社区" in only and 'desk-nowrap">甲社区' not in only


def test_b1_office_workbook(office, updates):
    with time_machine.travel(IN_AUGUST, tick=False):
        response = office.get(DESK_XLSX + "?year=2021")
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert "宣传栏" in rows[0][0] and "不计分" in rows[0][0]
    by_name = {row[1]: row for row in rows[2:]}
    assert by_name["甲社区"][2] == "已更新\n04-08、06-30"
    assert by_name["乙社区"][2] == "未更新"


@pytest.mark.parametrize("role", ["alice", "head", "leader", "nobody"])
def test_b1_office_page_is_the_office_s_only(client, people, plan, role):
    client.force_login(people[role])
    response = client.get(DESK)
    assert response.status_code == 302 and reverse("admin:login") in response["Location"]


def test_b1_office_page_takes_the_same_queries_at_two_sizes(
    office, plan, places, people, updates, django_assert_num_queries
):
    def count():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with time_machine.travel(IN_AUGUST, tick=False):
            office.get(DESK)
            with CaptureQueriesContext(connection) as page:
                office.get(DESK)
            with CaptureQueriesContext(connection) as book:
                b"".join(office.get(DESK_XLSX).streaming_content)
        return len(page), len(book)

    small = count()
    for n in range(6):
        community = Community.objects.create(name=f"测试社区{n}", work_point=places["point"])
        with time_machine.travel(IN_AUGUST, tick=False):
            record_board(plan, community, people["alice"], held_on=date(2021, 5, n + 1))
    assert BoardUpdate.objects.count() == 10
    assert count() == small


def test_b1_the_desk_links_the_boards_page(office, plan):
    links = office.get(reverse("admin:index")).content.decode().split('id="desk-links"', 1)[1]
    assert f'<a href="{DESK}">各社区宣传栏季度更新情况</a>' in links.split("</div>", 1)[0]
