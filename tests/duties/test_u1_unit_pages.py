"""U1: a unit's pages (duties/units.py): who sees a unit's month, who records and corrects
there, what a bad form says (in Chinese, beside its field and in the summary at the top),
that a refused form saves nothing, and who sees the photos."""

import uuid
from datetime import datetime

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from communities.models import Unit
from duties.models import UnitActivity, UnitActivityPhoto
from reporting.periods import LOCAL
from tests.conftest import jpeg_upload
from tests.duties.conftest import PLAN_UNITS, make_unit_staff, record_unit_activity

pytestmark = pytest.mark.django_db

# 教育办's month: its own staff read and record; the office and the leadership read; the
# staff of another unit are told nothing (404); roles that read no unit are refused (403).
READERS = {
    **dict.fromkeys(("edu", "office", "leader"), 200),
    "justice": 404,
    **dict.fromkeys(("head", "alice", "nobody"), 403),
}
RECORDERS = {**READERS, "office": 403, "leader": 403}


@pytest.fixture
def everyone(people, unit_staff):
    return {**people, **unit_staff}


def month_url(unit, month=5, year=2021, view="unit_month"):
    return reverse(f"duties:{view}", args=[unit.pk, year, month])


# 教育办's activity of May 2021 as its clerk fills it in, field by field.
FILLED_IN = {
    "held_at": "2021-05-12T09:30",
    "place": "罗山中心小学",
    "form": "集中宣讲",
    "form_other": "",
    "participants": "320",
    "caption": "反诈骗法制教育课",
    "count": "3",
}


def sent(values, overrides, prefix=""):
    """The form as sent: `values` with `overrides` over them (None: a field not sent),
    each under the form's `prefix`."""
    merged = {**values, **overrides}
    return {f"{prefix}{name}": value for name, value in merged.items() if value is not None}


def activity_form(**overrides):
    """The month page's new activity: the page's one-time key, the fields, two photos."""
    photos = [jpeg_upload("课堂1.jpg"), jpeg_upload("课堂2.jpg", color=(200, 10, 10))]
    values = {**FILLED_IN, "submission": str(uuid.uuid4()), "photos": photos}
    return sent(values, overrides, prefix="activity-")


def error_summary(response):
    return response.content.decode().split('id="error-summary"', 1)[1].split("</div>", 1)[0]


def files_under(tmp_path):
    media = tmp_path / "media"
    return [f for f in media.rglob("*") if f.is_file()] if media.exists() else []


@pytest.mark.parametrize(("who", "status"), READERS.items())
def test_a_units_month_by_role(who, status, client, everyone, units, plan, in_may):
    record_unit_activity(units["edu"], everyone["edu"], caption="走进罗山中心小学")
    client.force_login(everyone[who])
    response = client.get(month_url(units["edu"]))
    assert response.status_code == status
    page = response.content.decode()
    assert ("走进罗山中心小学" in page) is (status == 200)
    assert ("记录一项活动" in page) is (who == "edu")
    if who in ("office", "leader"):
        assert "本页只读" in page


@pytest.mark.parametrize(("who", "status"), RECORDERS.items())
def test_recording_by_role(who, status, client, everyone, units, plan, in_may):
    client.force_login(everyone[who])
    response = client.post(month_url(units["edu"], view="add_unit_activity"), activity_form())
    assert response.status_code == (302 if status == 200 else status)
    assert UnitActivity.objects.count() == (1 if who == "edu" else 0)
    assert UnitActivityPhoto.objects.count() == (2 if who == "edu" else 0)


@pytest.mark.parametrize(
    ("who", "answer"),
    [
        ("edu", "redirect"),
        ("justice", "redirect"),
        ("office", 200),
        ("leader", 200),
        ("head", 403),
        ("alice", 403),
        ("nobody", 403),
    ],
)
def test_the_units_home_by_role(who, answer, client, everyone, units, plan, in_may):
    """Unit staff land on their own unit's current month; the office and the leadership
    get the list of units, each linking to its month."""
    client.force_login(everyone[who])
    response = client.get(reverse("duties:unit_home"))
    if answer == "redirect":
        assert response.status_code == 302
        assert response["Location"] == month_url(units[who])
    else:
        assert response.status_code == answer
    if answer == 200:
        page = response.content.decode()
        assert month_url(units["edu"]) in page and month_url(units["justice"]) in page
        assert "记录一项活动" not in page


def test_unit_staff_land_on_their_unit_from_the_portals_home(client, everyone, units, plan, in_may):
    client.force_login(everyone["telecom"])
    response = client.get(reverse("home"), follow=True)
    assert response.redirect_chain[-1][0] == month_url(units["telecom"])
    page = response.content.decode()
    assert "电信 2021年5月反诈骗宣传活动" in page
    assert "定期向罗山街道全辖区内所有手机用户发送防骗预警短信" in page  # its duty, as worded
    assert "不计分" in page
    assert reverse("duties:unit_home") in page  # the menu's 单位活动


@pytest.mark.parametrize("view", ["unit_month", "add_unit_activity", None])
def test_anonymous_visitors_are_sent_to_log_in(view, client, units, plan, in_may):
    url = month_url(units["edu"], view=view) if view else reverse("duties:unit_home")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.fixture
def edu(client, unit_staff):
    """教育办's clerk, logged in."""
    client.force_login(unit_staff["edu"])
    return client


def test_an_activity_is_recorded_with_its_photos_and_count(edu, units, unit_staff, plan, in_may):
    response = edu.post(month_url(units["edu"], view="add_unit_activity"), activity_form())
    assert response.status_code == 302
    assert response["Location"] == month_url(units["edu"])
    activity = UnitActivity.objects.get()
    assert (activity.unit, activity.year, activity.month, activity.recorded_by) == (
        units["edu"],
        2021,
        5,
        unit_staff["edu"],
    )
    assert activity.held_at == datetime(2021, 5, 12, 9, 30, tzinfo=LOCAL)
    assert (activity.place, activity.participants, activity.count) == ("罗山中心小学", 320, 3)
    assert [p.original_name for p in activity.photos.all()] == ["课堂1.jpg", "课堂2.jpg"]
    page = edu.get(month_url(units["edu"])).content.decode()
    assert "活动已记录。" in page
    assert "反诈骗法制教育课" in page and "集中宣讲" in page
    assert reverse("duties:unit_photo", args=[activity.photos.first().pk, "thumbnail"]) in page
    assert "补录" not in page


def test_the_count_is_named_as_the_units_duty_names_it(
    edu, client, units, unit_staff, plan, in_may
):
    page = edu.get(month_url(units["edu"])).content.decode()
    assert "覆盖学校（所）" in page and "本次到达的学校数" in page
    client.force_login(unit_staff["telecom"])
    page = client.get(month_url(units["telecom"])).content.decode()
    assert "短信接收人数" in page and "本次发送一批短信的接收人数" in page
    client.force_login(unit_staff["justice"])
    page = client.get(month_url(units["justice"])).content.decode()
    assert 'name="activity-count"' not in page  # 司法所's duty names no count


def test_a_count_sent_for_a_unit_without_one_is_refused(client, units, unit_staff, plan, in_may):
    client.force_login(unit_staff["justice"])
    response = client.post(
        month_url(units["justice"], view="add_unit_activity"),
        activity_form(count="5"),
    )
    assert response.status_code == 200
    assert "本单位的职责没有需要填写的数量，请留空" in error_summary(response)
    assert UnitActivity.objects.count() == 0
    assert UnitActivityPhoto.objects.count() == 0


def test_a_unit_without_a_count_records_without_one(client, units, unit_staff, plan, in_may):
    client.force_login(unit_staff["justice"])
    form = activity_form(count=None)
    response = client.post(month_url(units["justice"], view="add_unit_activity"), form)
    assert response.status_code == 302
    assert UnitActivity.objects.get().count is None


NOT_A_PHOTO = b"these are minutes, not a photo"


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("no time", {"held_at": ""}, "时间不能为空"),
        ("no place", {"place": ""}, "地点不能为空"),
        ("no form of activity", {"form": ""}, "开展形式不能为空"),
        ("no caption", {"caption": ""}, "图片说明不能为空"),
        ("no participants", {"participants": ""}, "参加人数不能为空"),
        ("a time that is no time", {"held_at": "5月12日"}, "请填写日期和时间"),
        (
            "a day of another month",
            {"held_at": "2021-04-30T09:30"},
            "活动时间应在2021年05月内",
        ),
        ("a time to come", {"held_at": "2021-05-20T11:00"}, "活动时间不能晚于现在"),
        ("other, undescribed", {"form": "其他"}, "请填写具体的开展形式"),
        ("participants not a number", {"participants": "约50人"}, "参加人数"),
        ("a count below zero", {"count": "-1"}, "覆盖学校（所）"),
        ("a count not a number", {"count": "三所"}, "请填写整数"),
        ("an invisible control character", {"caption": "法制\x0b教育"}, "控制字符"),
        ("no photo", {"photos": None}, "请至少添加一张活动照片"),
        (
            "a file that is not a photo",
            {"photos": "BAD"},
            "“会议记录.jpg”不是照片或文件已损坏",
        ),
        ("ten photos", {"photos": "TEN"}, "每项活动最多上传9张照片"),
    ],
)
def test_a_bad_activity_is_refused_in_chinese_and_nothing_is_saved(
    case, overrides, message, edu, units, plan, in_may, tmp_path
):
    if overrides.get("photos") == "BAD":
        bad = SimpleUploadedFile("会议记录.jpg", NOT_A_PHOTO, "image/jpeg")
        overrides["photos"] = [jpeg_upload("好的.jpg"), bad]
    if overrides.get("photos") == "TEN":
        overrides["photos"] = [jpeg_upload(f"p{n}.jpg") for n in range(10)]
    data = activity_form(**overrides)
    response = edu.post(month_url(units["edu"], view="add_unit_activity"), data)
    assert response.status_code == 200, case
    summary = error_summary(response)
    assert message in summary, case
    # Photos sent with a refused form must be chosen again: said only when some were sent.
    assert ("照片没有保留，请重新选择" in summary) == bool(data.get("activity-photos")), case
    assert UnitActivity.objects.count() == 0, case
    assert UnitActivityPhoto.objects.count() == 0, case
    assert files_under(tmp_path) == [], case
    # What was typed is still there, and each problem is also said beside its field.
    page = response.content.decode()
    if overrides.get("place") != "":
        assert 'value="罗山中心小学"' in page, case
    assert page.count(message) >= 2, case


def test_a_page_that_did_not_arrive_whole_records_nothing(edu, units, plan, in_may):
    response = edu.post(
        month_url(units["edu"], view="add_unit_activity"), activity_form(submission=None)
    )
    assert response.status_code == 200
    assert "页面没有完整送达，请刷新后重试" in error_summary(response)
    assert "None" not in error_summary(response)
    assert UnitActivity.objects.count() == 0


def test_a_photo_taken_with_the_camera_counts_with_the_album(edu, units, plan, in_may):
    form = activity_form(photos=None, photos_camera=jpeg_upload("现场.jpg"))
    assert edu.post(month_url(units["edu"], view="add_unit_activity"), form).status_code == 302
    assert [p.original_name for p in UnitActivity.objects.get().photos.all()] == ["现场.jpg"]


def test_a_form_sent_twice_records_once(edu, units, plan, in_may, tmp_path):
    form = activity_form()
    first = edu.post(month_url(units["edu"], view="add_unit_activity"), form)
    for upload in form["activity-photos"]:
        upload.seek(0)
    again = edu.post(month_url(units["edu"], view="add_unit_activity"), form, follow=True)
    assert first.status_code == 302
    assert "该记录已保存（表单提交了两次），没有重复保存" in again.content.decode()
    assert UnitActivity.objects.count() == 1
    assert UnitActivityPhoto.objects.count() == 2
    assert len(files_under(tmp_path)) == 2 * 3  # original, display copy, thumbnail


def test_another_units_pages_are_not_found_and_nothing_is_recorded(
    edu, units, unit_staff, plan, in_may
):
    theirs = record_unit_activity(units["justice"], unit_staff["justice"], place="司法所")
    assert edu.get(month_url(units["justice"])).status_code == 404
    posted = edu.post(month_url(units["justice"], view="add_unit_activity"), activity_form())
    assert posted.status_code == 404
    url = reverse("duties:correct_unit_activity", args=[theirs.pk])
    assert edu.get(url).status_code == 404
    forged = {"version": "1", "held_at": "2021-05-12T10:00", "place": "教育办改的"}
    assert edu.post(url, forged).status_code == 404
    photo = theirs.photos.get()
    assert edu.get(reverse("duties:unit_photo", args=[photo.pk, "thumbnail"])).status_code == 404
    theirs.refresh_from_db()
    assert (theirs.place, theirs.version) == ("司法所", 1)
    assert UnitActivity.objects.count() == 1


def test_a_get_of_the_add_address_goes_to_the_month(edu, units, plan, in_may):
    response = edu.get(month_url(units["edu"], view="add_unit_activity"))
    assert response.status_code == 302 and response["Location"] == month_url(units["edu"])


@pytest.mark.parametrize(
    ("case", "year", "month"),
    [("a year without a plan", 2019, 5), ("a month that is no month", 2021, 13)],
)
def test_a_month_without_a_page_is_not_found(case, year, month, edu, units, plan, in_may):
    assert edu.get(month_url(units["edu"], year=year, month=month)).status_code == 404, case
    posted = edu.post(
        month_url(units["edu"], year=year, month=month, view="add_unit_activity"),
        activity_form(),
    )
    assert posted.status_code == 404, case
    assert UnitActivity.objects.count() == 0


def test_the_months_run_to_this_month_and_one_to_come_has_no_form(edu, units, plan, in_may):
    page = edu.get(month_url(units["edu"], month=1)).content.decode()
    assert month_url(units["edu"], month=5) in page  # January to May, months without duty too
    assert month_url(units["edu"], month=6) not in page
    later = edu.get(month_url(units["edu"], month=6)).content.decode()
    assert "本月尚未开始" in later
    assert "记录一项活动" not in later


def test_an_activity_entered_after_its_month_is_marked(edu, units, unit_staff, plan, in_may):
    record_unit_activity(
        units["edu"], unit_staff["edu"], month=4, at=datetime(2021, 5, 3, 9, 0, tzinfo=LOCAL)
    )
    page = edu.get(month_url(units["edu"], month=4)).content.decode()
    assert "补录" in page and "月份结束后补录" in page


def test_the_counts_are_summed_for_the_month_and_the_school_term(
    edu, units, unit_staff, plan, in_may
):
    """教育办: each school, each term (duties.rules.school_term: February to July is the
    spring term) at least once; the page sums the schools reached."""
    for month, count in ((2, 4), (4, 3), (5, 2), (5, 5)):
        record_unit_activity(units["edu"], unit_staff["edu"], month=month, count=count)
    page = edu.get(month_url(units["edu"])).content.decode()
    assert "2021年5月覆盖学校（所）合计：<strong>7</strong>" in page
    assert "2021年春季学期覆盖学校（所）合计：<strong>14</strong>" in page


# Corrections: in the activity's month and the next (duties.rules.correctable).

IN_MAY_EARLY = datetime(2021, 5, 3, 10, 0, tzinfo=LOCAL)


@pytest.fixture
def april_activity(units, unit_staff, plan):
    with time_machine.travel(datetime(2021, 4, 25, 10, 0, tzinfo=LOCAL), tick=False):
        return record_unit_activity(units["edu"], unit_staff["edu"], month=4)


# The April activity as its clerk corrects it: another school, a form of its own.
CORRECTED = {
    **FILLED_IN,
    "held_at": "2021-04-12T10:00",
    "place": "罗山第二小学",
    "form": "其他",
    "form_other": "带法回家",
    "count": "1",
}


def correction(activity, **overrides):
    """The correction page's form as sent, built on the activity's current version."""
    return sent({**CORRECTED, "version": str(activity.version)}, overrides)


def test_an_activity_is_corrected_and_photos_are_added(edu, unit_staff, april_activity):
    url = reverse("duties:correct_unit_activity", args=[april_activity.pk])
    with time_machine.travel(IN_MAY_EARLY, tick=False):
        assert edu.get(url).status_code == 200
        response = edu.post(
            url, correction(april_activity, photos=[jpeg_upload("补拍.jpg")]), follow=True
        )
    assert "更正已保存" in response.content.decode()
    april_activity.refresh_from_db()
    assert (april_activity.place, april_activity.form_label, april_activity.count) == (
        "罗山第二小学",
        "带法回家",
        1,
    )
    assert april_activity.version == 2
    assert [p.original_name for p in april_activity.photos.all()] == ["u0.jpg", "补拍.jpg"]
    assert april_activity.history.count() == 2
    assert april_activity.history.latest().history_user == unit_staff["edu"]


def test_a_correction_built_on_an_older_page_is_refused(edu, april_activity):
    url = reverse("duties:correct_unit_activity", args=[april_activity.pk])
    with time_machine.travel(IN_MAY_EARLY, tick=False):
        edu.post(url, correction(april_activity, place="手机上改的"))
        response = edu.post(url, correction(april_activity, place="电脑上的旧页面"))
    assert response.status_code == 200
    assert "该记录已在其他设备上修改，请刷新后再更正" in error_summary(response)
    april_activity.refresh_from_db()
    assert (april_activity.place, april_activity.version) == ("手机上改的", 2)


def test_a_correction_after_the_window_is_refused(edu, april_activity):
    url = reverse("duties:correct_unit_activity", args=[april_activity.pk])
    with time_machine.travel(datetime(2021, 6, 1, 0, 0, tzinfo=LOCAL), tick=False):
        response = edu.post(url, correction(april_activity), follow=True)
        page = response.content.decode()
    assert "记录只能在当月及次月内更正" in page
    assert "更正此记录" not in page
    april_activity.refresh_from_db()
    assert (april_activity.place, april_activity.version) == ("罗山中心小学", 1)


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("moved to another month", {"held_at": "2021-05-02T10:00"}, "活动时间应在2021年04月内"),
        ("no place", {"place": ""}, "地点不能为空"),
        ("a file that is not a photo", {"photos": "BAD"}, "不是照片或文件已损坏"),
    ],
)
def test_a_bad_correction_changes_nothing(case, overrides, message, edu, april_activity):
    if overrides.get("photos") == "BAD":
        overrides["photos"] = [SimpleUploadedFile("x.jpg", NOT_A_PHOTO, "image/jpeg")]
    url = reverse("duties:correct_unit_activity", args=[april_activity.pk])
    with time_machine.travel(IN_MAY_EARLY, tick=False):
        response = edu.post(url, correction(april_activity, **overrides))
    assert response.status_code == 200, case
    assert message in error_summary(response), case
    april_activity.refresh_from_db()
    assert (april_activity.version, april_activity.photos.count()) == (1, 1), case
    assert april_activity.history.count() == 1, case


@pytest.mark.parametrize(("who", "status"), RECORDERS.items())
def test_only_the_units_staff_correct(who, status, client, everyone, april_activity):
    client.force_login(everyone[who])
    url = reverse("duties:correct_unit_activity", args=[april_activity.pk])
    with time_machine.travel(IN_MAY_EARLY, tick=False):
        assert client.get(url).status_code == status
        response = client.post(url, correction(april_activity, place="改过"))
    assert response.status_code == (302 if status == 200 else status)
    april_activity.refresh_from_db()
    assert april_activity.version == (2 if who == "edu" else 1)


# Photos: the copies to the unit's readers, the original (GPS and all) to its own staff
# and the office only. (who, its answer for a copy, for the original)
PHOTO_ANSWERS = [
    (who, status, 403 if who == "leader" else status) for who, status in READERS.items()
]


@pytest.fixture
def photo(units, unit_staff, plan, in_may):
    return record_unit_activity(units["edu"], unit_staff["edu"]).photos.get()


@pytest.mark.parametrize(("who", "copy", "original"), PHOTO_ANSWERS)
def test_the_photos_by_role(who, copy, original, client, everyone, photo):
    client.force_login(everyone[who])
    answers = {
        variant: client.get(reverse("duties:unit_photo", args=[photo.pk, variant]))
        for variant in ("thumbnail", "display", "original")
    }
    assert [r.status_code for r in answers.values()] == [copy, copy, original]
    if copy == 200:
        assert answers["display"]["Content-Type"] == "image/jpeg"
        assert b"".join(answers["thumbnail"].streaming_content)[:2] == b"\xff\xd8"
    if original == 200:
        disposition = answers["original"]["Content-Disposition"]
        assert disposition.startswith('attachment; filename="unit-activity-photo-')


def test_an_unknown_photo_variant_is_not_found(edu, photo):
    assert edu.get(f"/duties/unit-photos/{photo.pk}/bogus/").status_code == 404


@pytest.fixture
def carrier(client, plan, in_may):
    """电信 as the plan words its duty (its count: the SMS recipients), and its clerk."""
    measure, duty = PLAN_UNITS["电信"]
    unit = Unit.objects.get_or_create(name="电信", defaults={"measure": measure, "duty": duty})[0]
    client.force_login(make_unit_staff("dianxin", unit))
    return unit


def test_u1_an_sms_batch_asks_its_recipients_once(client, carrier):
    """A carrier's activity is a batch of warning SMS: no 参加人数 box beside the
    recipients; the place and the form are offered; the recipients are its participants."""
    url = month_url(carrier)
    page = client.get(url).content.decode()
    assert "参加人数" not in page.split('id="activity-form"', 1)[1]
    assert 'value="罗山街道全辖区"' in page and 'value="发送防骗预警短信"' in page
    data = activity_form(participants=None, count="86000", place="罗山街道全辖区")
    data["activity-form"], data["activity-form_other"] = "其他", "发送防骗预警短信"
    response = client.post(month_url(carrier, view="add_unit_activity"), data)
    assert response.status_code == 302
    batch = UnitActivity.objects.get(unit=carrier)
    assert (batch.count, batch.participants) == (86000, 86000)


def test_u1_an_sms_batch_without_its_recipients_is_refused(client, carrier):
    data = activity_form(participants=None, count="")
    data["activity-form"], data["activity-form_other"] = "其他", "发送防骗预警短信"
    response = client.post(month_url(carrier, view="add_unit_activity"), data)
    assert response.status_code == 200
    assert "短信接收人数不能为空" in error_summary(response)
    assert not UnitActivity.objects.exists()


@pytest.mark.parametrize(
    ("unit_name", "required"),
    [("教育办", True), ("电信", True), ("派出所", False), ("城管办", False)],
)
def test_u1_the_count_is_required_where_every_activity_has_one(
    unit_name, required, client, plan, in_may
):
    measure, duty = PLAN_UNITS[unit_name]
    unit = Unit.objects.get_or_create(name=unit_name, defaults={"measure": measure, "duty": duty})[
        0
    ]
    client.force_login(make_unit_staff("clerk", unit))
    data = activity_form(count="")
    if measure == "sms":
        data.pop("activity-participants")
    response = client.post(month_url(unit, view="add_unit_activity"), data)
    assert (response.status_code == 200) == required
    assert UnitActivity.objects.exists() != required
