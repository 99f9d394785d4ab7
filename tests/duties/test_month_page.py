"""The head's month page and its two forms (duties/views.py): who sees it, who records,
what a bad form says (in Chinese) and that a refused form saves nothing."""

import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from duties.models import Supervision, SupervisionPhoto, WorkMeeting
from tests.conftest import jpeg_upload
from tests.duties.conftest import record_meeting, record_visit

pytestmark = pytest.mark.django_db


def month_url(places, point="point", month=4, year=2021, view="month"):
    return reverse(f"duties:{view}", args=[places[point].pk, year, month])


# Who reads the first point's month page: its head, the office, the leadership. The other
# head is told nothing (404); roles that read no point's duties are refused (403).
READERS = {
    "head": 200,
    "office": 200,
    "leader": 200,
    "other_head": 404,
    "alice": 403,
    "bob": 403,
    "nobody": 403,
}
# Who records there: the head only; readers 403, the other head 404.
RECORDERS = {**READERS, "office": 403, "leader": 403}


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_the_month_page_by_role(who, status, client, plan, places, people, in_may):
    record_visit(plan, places, people, checked="抽查宣传栏")
    client.force_login(people[who])
    response = client.get(month_url(places))
    assert response.status_code == status
    page = response.content.decode()
    assert ("抽查宣传栏" in page) is (status == 200)
    # Only the head gets the forms; the office and the leadership read.
    assert ("记录一次督导" in page) is (who == "head")
    if who in ("office", "leader"):
        assert "本页只读" in page


def visit_form(places, **overrides):
    data = {
        "visit-submission": str(uuid.uuid4()),
        "visit-held_on": "2021-05-12",
        "visit-communities": [str(places["a"].pk), str(places["c"].pk)],
        "visit-checked": "检查宣传栏与活动台账",
        "visit-problems": "宣传栏未更新",
        "visit-follow_up": "已要求一周内整改",
        "visit-photos": [jpeg_upload("现场1.jpg"), jpeg_upload("现场2.jpg", color=(200, 10, 10))],
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def meeting_form(**overrides):
    data = {
        "meeting-submission": str(uuid.uuid4()),
        "meeting-held_on": "2021-05-18",
        "meeting-attendees": "点长、社区书记、民警",
        "meeting-case_analysis": "本月发案3起，均为刷单返利",
        "meeting-decisions": "加强校园宣传",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize(("who", "status"), RECORDERS.items())
def test_recording_a_visit_by_role(who, status, client, plan, places, people, in_may):
    client.force_login(people[who])
    response = client.post(month_url(places, month=5, view="add_supervision"), visit_form(places))
    assert response.status_code == (302 if status == 200 else status)
    assert Supervision.objects.count() == (1 if who == "head" else 0)


@pytest.mark.parametrize(("who", "status"), RECORDERS.items())
def test_recording_a_meeting_by_role(who, status, client, plan, places, people, in_may):
    client.force_login(people[who])
    response = client.post(month_url(places, month=5, view="add_meeting"), meeting_form())
    assert response.status_code == (302 if status == 200 else status)
    assert WorkMeeting.objects.count() == (1 if who == "head" else 0)


def test_anonymous_visitors_are_sent_to_log_in(client, plan, places, in_may):
    for url in (month_url(places), month_url(places, view="add_supervision")):
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.fixture
def head(client, people):
    client.force_login(people["head"])
    return client


def test_a_visit_is_recorded_with_its_photos_and_the_month_shows_done(
    head, plan, places, people, in_may
):
    response = head.post(month_url(places, month=5, view="add_supervision"), visit_form(places))
    assert response.status_code == 302
    assert response["Location"] == month_url(places, month=5)
    visit = Supervision.objects.get()
    assert (visit.work_point, visit.plan, visit.month, visit.recorded_by) == (
        places["point"],
        plan,
        5,
        people["head"],
    )
    assert set(visit.communities.all()) == {places["a"], places["c"]}
    assert [p.original_name for p in visit.photos.all()] == ["现场1.jpg", "现场2.jpg"]
    assert all(p.uploaded_by == people["head"] for p in visit.photos.all())
    head.post(month_url(places, month=5, view="add_meeting"), meeting_form())
    page = head.get(month_url(places, month=5)).content.decode()
    assert "督导已记录。" in page and "工作会已记录。" in page
    assert page.count("已完成") >= 2  # 督导 and 工作会 done
    assert "宣传栏未更新" in page and "本月发案3起" in page
    assert reverse("duties:photo", args=[visit.photos.first().pk, "thumbnail"]) in page


NOT_A_PHOTO = SimpleUploadedFile("会议记录.jpg", b"these are minutes, not a photo", "image/jpeg")


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("a missing date", {"visit-held_on": ""}, "督导日期不能为空"),
        ("nothing checked", {"visit-checked": ""}, "检查内容不能为空"),
        ("no community", {"visit-communities": None}, "请至少勾选一个督导社区"),
        (
            "a forged community of another point",
            {"visit-communities": ["__B__"]},
            "只能选择本工作点所辖的社区",
        ),
        ("no photo", {"visit-photos": None}, "请至少添加一张督导照片"),
        (
            "a file that is not a photo",
            {"visit-photos": "__NOT_A_PHOTO__"},
            "“会议记录.jpg”不是照片或文件已损坏",
        ),
        ("a date in another month", {"visit-held_on": "2021-04-30"}, "日期须在2021年05月内"),
        ("a date to come", {"visit-held_on": "2021-05-21"}, "日期不能晚于今天"),
        ("ten photos", {"visit-photos": "__TEN__"}, "每次督导最多9张照片"),
    ],
)
def test_a_bad_visit_is_refused_in_chinese_and_nothing_is_saved(
    case, overrides, message, head, plan, places, in_may, settings
):
    if overrides.get("visit-communities") == ["__B__"]:
        overrides["visit-communities"] = [str(places["a"].pk), str(places["b"].pk)]
    if overrides.get("visit-photos") == "__NOT_A_PHOTO__":
        NOT_A_PHOTO.seek(0)
        overrides["visit-photos"] = [jpeg_upload("好的.jpg"), NOT_A_PHOTO]
    if overrides.get("visit-photos") == "__TEN__":
        overrides["visit-photos"] = [jpeg_upload(f"p{n}.jpg") for n in range(10)]
    data = visit_form(places, **overrides)
    response = head.post(month_url(places, month=5, view="add_supervision"), data)
    assert response.status_code == 200, case
    page = response.content.decode()
    summary = page.split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert message in summary, case
    # Photos sent with a refused form must be chosen again: said only when some were sent.
    assert ("照片没有保留，请重新选择" in summary) == bool(data.get("visit-photos")), case
    assert Supervision.objects.count() == 0, case
    assert SupervisionPhoto.objects.count() == 0, case
    # What was typed is still there.
    if overrides.get("visit-checked") != "":
        assert "检查宣传栏与活动台账" in page


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("no attendees", {"meeting-attendees": ""}, "参会人员不能为空"),
        ("no review of the cases", {"meeting-case_analysis": ""}, "发案情况研判不能为空"),
        ("a date that is no date", {"meeting-held_on": "5月18日"}, "会议日期"),
        (
            "an invisible control character",
            {"meeting-decisions": "加强\x0b宣传"},
            "请删除不可见的控制字符",
        ),
    ],
)
def test_a_bad_meeting_is_refused_in_chinese_and_nothing_is_saved(
    case, overrides, message, head, plan, places, in_may
):
    response = head.post(month_url(places, month=5, view="add_meeting"), meeting_form(**overrides))
    assert response.status_code == 200, case
    summary = response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]
    assert message in summary, case
    assert WorkMeeting.objects.count() == 0, case


def test_a_form_sent_twice_records_once(head, plan, places, in_may):
    form = meeting_form()
    first = head.post(month_url(places, month=5, view="add_meeting"), form)
    again = head.post(month_url(places, month=5, view="add_meeting"), form, follow=True)
    assert first.status_code == 302
    assert "该记录已保存（表单提交了两次），没有重复保存" in again.content.decode()
    assert WorkMeeting.objects.count() == 1


def test_a_visit_sent_twice_keeps_one_set_of_photos(head, plan, places, in_may, tmp_path):
    form = visit_form(places)
    head.post(month_url(places, month=5, view="add_supervision"), form)
    for upload in form["visit-photos"]:
        upload.seek(0)
    again = head.post(month_url(places, month=5, view="add_supervision"), form, follow=True)
    assert "没有重复保存" in again.content.decode()
    assert Supervision.objects.count() == 1
    assert SupervisionPhoto.objects.count() == 2
    # No file of the second sending was left behind either.
    photos_dir = tmp_path / "media" / "photos"
    assert len([f for f in photos_dir.rglob("*") if f.is_file()]) == 2 * 3


@pytest.mark.parametrize(
    ("case", "year", "month", "status"),
    [
        ("M7 a month without the duty", 2021, 3, 404),
        ("M7 November", 2021, 11, 404),
        ("a year without a plan", 2019, 4, 404),
        ("a month that is no month", 2021, 13, 404),
    ],
)
def test_months_without_the_duty_have_no_page(
    case, year, month, status, head, plan, places, in_may
):
    assert head.get(month_url(places, year=year, month=month)).status_code == status, case
    posted = head.post(
        month_url(places, year=year, month=month, view="add_meeting"), meeting_form()
    )
    assert posted.status_code == status, case


def test_a_month_to_come_is_shown_without_forms(head, plan, places, in_may):
    page = head.get(month_url(places, month=6)).content.decode()
    assert "本月尚未开始" in page
    assert "记录一次督导" not in page


def test_the_other_heads_records_are_not_shown(client, plan, places, people, in_may):
    record_visit(plan, places, people, point="other_point", checked="苏内点的检查", month=4)
    client.force_login(people["head"])
    page = client.get(month_url(places)).content.decode()
    assert "苏内点的检查" not in page
    assert client.get(month_url(places, point="other_point")).status_code == 404


def test_the_month_page_states_the_duty_and_that_it_is_not_scored(
    head, plan, places, people, in_may
):
    record_meeting(plan, places, people)
    page = head.get(month_url(places)).content.decode()
    head_box = page.split('class="report-head duty-head"', 1)[1].split("</div>", 1)[0]
    assert "缺失" in head_box  # April is over without a visit
    assert "已完成" in head_box  # its meeting was held
    assert "不计分" in head_box


def test_a_get_of_a_forms_address_goes_to_the_month(head, plan, places, in_may):
    """Logged in again after the session ran out while filling in a form, the head is
    sent back to the form's address by GET: the month's page, not a bare 405."""
    for view in ("add_supervision", "add_meeting"):
        response = head.get(month_url(places, month=5, view=view))
        assert response.status_code == 302
        assert response["Location"] == month_url(places, month=5)
