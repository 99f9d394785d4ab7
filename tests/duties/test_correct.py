"""The head corrects a record of the current or the previous month (docs/rules.md P1,
decision): every version kept by simple-history, a page built on an older version
refused, photos added but never removed, nothing corrected after that."""

from datetime import datetime

import pytest
import time_machine
from django.urls import reverse

from duties.models import Supervision, WorkMeeting
from reporting.periods import LOCAL
from tests.conftest import jpeg_upload
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db

IN_APRIL = datetime(2021, 4, 25, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def visit(plan, places, people):
    with time_machine.travel(IN_APRIL, tick=False):
        return record_visit(plan, places, people)


@pytest.fixture
def meeting(plan, places, people):
    with time_machine.travel(IN_APRIL, tick=False):
        return record_meeting(plan, places, people)


def visit_correction(visit, places, **overrides):
    data = {
        "version": visit.version,
        "held_on": "2021-04-13",
        "communities": [str(places["a"].pk), str(places["c"].pk)],
        "checked": "检查宣传栏（更正）",
        "problems": "",
        "follow_up": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("rule", "now", "allowed"),
    [
        ("P1 in its own month", datetime(2021, 4, 30, 23, 59, 59, tzinfo=LOCAL), True),
        ("P1 in the month after", datetime(2021, 5, 31, 23, 59, 59, tzinfo=LOCAL), True),
        ("P1 not two months on", datetime(2021, 6, 1, 0, 0, 0, tzinfo=LOCAL), False),
    ],
)
def test_p1_the_head_corrects_a_visit_in_its_month_and_the_next(
    rule, now, allowed, client, people, places, visit
):
    client.force_login(people["head"])
    url = reverse("duties:correct_supervision", args=[visit.pk])
    with time_machine.travel(now, tick=False):
        response = client.post(url, visit_correction(visit, places), follow=True)
    visit.refresh_from_db()
    page = response.content.decode()
    if allowed:
        assert "更正已保存" in page, rule
        assert visit.checked == "检查宣传栏（更正）"
        assert set(visit.communities.all()) == {places["a"], places["c"]}
        assert visit.version == 2
        # Both versions kept, the first as it was (simple-history also writes a row for
        # each change of the communities visited).
        history = list(visit.history.order_by("history_id").values_list("checked", flat=True))
        assert list(dict.fromkeys(history)) == ["检查宣传栏与活动台账", "检查宣传栏（更正）"]
        assert visit.history.earliest().history_user == people["head"]
        assert visit.history.latest().history_user == people["head"]
    else:
        assert "记录只能在当月及次月内更正" in page, rule
        assert visit.checked == "检查宣传栏与活动台账"
        assert visit.version == 1


def test_photos_are_added_on_correction_never_removed(client, people, places, visit):
    client.force_login(people["head"])
    url = reverse("duties:correct_supervision", args=[visit.pk])
    with time_machine.travel(IN_APRIL, tick=False):
        client.post(url, visit_correction(visit, places, photos=[jpeg_upload("补拍.jpg")]))
    assert [p.original_name for p in visit.photos.all()] == ["visit0.jpg", "补拍.jpg"]


def test_a_correction_built_on_an_older_page_is_refused(client, people, places, visit):
    client.force_login(people["head"])
    url = reverse("duties:correct_supervision", args=[visit.pk])
    with time_machine.travel(IN_APRIL, tick=False):
        client.post(url, visit_correction(visit, places, checked="手机上改的"))
        response = client.post(url, visit_correction(visit, places, checked="电脑上的旧页面"))
    assert response.status_code == 200
    assert "该记录已在其他设备上修改，请刷新后再更正" in response.content.decode()
    visit.refresh_from_db()
    assert visit.checked == "手机上改的"


def test_a_meeting_is_corrected_too(client, people, places, meeting):
    client.force_login(people["head"])
    url = reverse("duties:correct_meeting", args=[meeting.pk])
    data = {
        "version": 1,
        "held_on": "2021-04-21",
        "attendees": "点长、社区书记",
        "case_analysis": "本月发案2起（更正）",
        "decisions": "",
    }
    with time_machine.travel(IN_APRIL, tick=False):
        assert client.get(url).status_code == 200
        response = client.post(url, data)
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert (meeting.case_analysis, str(meeting.held_on)) == ("本月发案2起（更正）", "2021-04-21")
    assert meeting.history.count() == 2


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("a date moved to another month", {"held_on": "2021-05-02"}, "日期须在2021年04月内"),
        ("no community left", {"communities": []}, "请至少勾选一个督导社区"),
    ],
)
def test_a_bad_correction_changes_nothing(case, overrides, message, client, people, places, visit):
    client.force_login(people["head"])
    url = reverse("duties:correct_supervision", args=[visit.pk])
    versions = visit.history.count()
    with time_machine.travel(datetime(2021, 5, 10, tzinfo=LOCAL), tick=False):
        response = client.post(url, visit_correction(visit, places, **overrides))
    assert message in response.content.decode(), case
    visit.refresh_from_db()
    assert visit.version == 1 and visit.history.count() == versions, case


CORRECTORS = {
    "head": 200,
    "office": 403,
    "leader": 403,
    "other_head": 404,
    "alice": 403,
    "nobody": 403,
}


@pytest.mark.parametrize(("who", "status"), CORRECTORS.items())
def test_only_the_points_head_corrects(who, status, client, people, places, visit, meeting):
    client.force_login(people[who])
    with time_machine.travel(IN_APRIL, tick=False):
        for url in (
            reverse("duties:correct_supervision", args=[visit.pk]),
            reverse("duties:correct_meeting", args=[meeting.pk]),
        ):
            assert client.get(url).status_code == status
            assert client.post(url, {"version": 1}).status_code in (status, 200)
    assert Supervision.objects.get().version == 1
    assert WorkMeeting.objects.get().version == 1
