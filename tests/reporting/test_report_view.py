"""The report page, as community staff use it: save, upload, submit, and bad input."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from reporting.models import ActivityPhoto, MonthlyReport, ReportState
from tests.conftest import add_activity, jpeg_bytes, jpeg_upload
from tests.reporting.test_photos import BAD_UPLOADS

pytestmark = pytest.mark.django_db
HTML = b"<html><script>alert(1)</script></html>"


def activity_fields(index, activity=None, **overrides):
    prefix = f"activities-{index}-"
    fields = {
        "id": activity.pk if activity else "",
        "position": index + 1,
        "held_at": "2021-04-12T10:00",
        "place": "老年活动中心",
        "form": "集中宣讲",
        "form_other": "",
        "participants": "25",
        "caption": "宣讲现场",
        **overrides,
    }
    return {prefix + key: value for key, value in fields.items()}


def formset_data(rows, initial=0, **extra):
    data = {
        "activities-TOTAL_FORMS": str(len(rows)),
        "activities-INITIAL_FORMS": str(initial),
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        **extra,
    }
    for row in rows:
        data.update(row)
    return data


@pytest.fixture
def draft(plan, places, people):
    return MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])


@pytest.fixture
def alice(client, people):
    client.force_login(people["alice"])
    return client


def test_start_opens_one_draft_even_when_tapped_twice(alice, plan):
    first = alice.post(reverse("start_report"), {"year": 2021, "month": 4})
    second = alice.post(reverse("start_report"), {"year": 2021, "month": 4})
    assert first["Location"] == second["Location"]
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize(("year", "month"), [(2021, 1), (2021, 13), (2030, 4), ("x", "y")])
def test_start_refuses_months_without_duty(alice, plan, year, month):
    assert alice.post(reverse("start_report"), {"year": year, "month": month}).status_code == 404
    assert MonthlyReport.objects.count() == 0


def test_save_draft_with_two_activities_and_photos(alice, draft):
    data = formset_data(
        [
            activity_fields(0, **{"photos_album": [jpeg_upload("a.jpg"), jpeg_upload("b.jpg")]}),
            activity_fields(1, place="社区文化广场", **{"photos_camera": jpeg_upload("c.jpg")}),
        ],
        save="1",
    )
    response = alice.post(draft.get_absolute_url(), data, follow=True)
    assert "草稿已保存" in response.content.decode()
    places = list(draft.activities.values_list("place", flat=True))
    assert places == ["老年活动中心", "社区文化广场"]
    assert [a.photos.count() for a in draft.activities.all()] == [2, 1]
    assert "新增活动" in draft.events.last().note
    assert draft.events.last().actor.username == "alice"


def test_save_and_submit_in_one_step(alice, draft):
    data = formset_data(
        [activity_fields(0, photos_album=[jpeg_upload()])], submit="1", truth_confirmed="on"
    )
    response = alice.post(draft.get_absolute_url(), data, follow=True)
    page = response.content.decode()
    assert "报表已报送" in page
    assert "报送时间" in page
    assert "保存草稿" not in page  # read-only now
    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED


def test_submit_without_photo_keeps_the_draft_and_says_why(alice, draft):
    data = formset_data([activity_fields(0)], submit="1", truth_confirmed="on")
    page = alice.post(draft.get_absolute_url(), data, follow=True).content.decode()
    assert "活动 1 还没有照片" in page
    assert "已保存为草稿" in page
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.activities.count() == 1


def test_submit_without_the_promise_is_refused(alice, draft):
    data = formset_data([activity_fields(0, photos_album=[jpeg_upload()])], submit="1")
    page = alice.post(draft.get_absolute_url(), data, follow=True).content.decode()
    assert "本人承诺所报内容真实" in page
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT


def test_double_submit_changes_nothing_the_second_time(alice, draft):
    data = formset_data(
        [activity_fields(0, photos_album=[jpeg_upload()])], submit="1", truth_confirmed="on"
    )
    alice.post(draft.get_absolute_url(), data)
    draft.refresh_from_db()
    submitted_at = draft.submitted_at
    again = formset_data(
        [activity_fields(0, place="改过的地点", photos_album=[jpeg_upload()])],
        submit="1",
        truth_confirmed="on",
    )
    page = alice.post(draft.get_absolute_url(), again, follow=True).content.decode()
    assert "已报送" in page
    draft.refresh_from_db()
    assert draft.submitted_at == submitted_at
    assert list(draft.activities.values_list("place", flat=True)) == ["老年活动中心"]
    assert ActivityPhoto.objects.count() == 1
    assert draft.events.filter(action="submitted").count() == 1


@pytest.mark.parametrize(("case", "make", "message"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_bad_upload_leaves_the_report_as_it_was(alice, draft, people, case, make, message):
    kept = add_activity(draft, people["alice"])
    events = draft.events.count()
    data = formset_data(
        [
            activity_fields(
                0, kept, place="新地点", photos_album=[jpeg_upload("good.jpg"), make()]
            ),
            activity_fields(1, place="另一项活动"),
        ],
        initial=1,
        save="1",
    )
    response = alice.post(draft.get_absolute_url(), data)
    assert response.status_code == 200, case
    page = response.content.decode()
    assert message in page, case
    assert "尚未保存" in page
    assert list(draft.activities.values_list("place", flat=True)) == ["社区文化广场"]
    assert ActivityPhoto.objects.count() == 1
    assert draft.events.count() == events


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("missing place", {"place": ""}, "这个字段是必填项"),
        ("activity in another month", {"held_at": "2021-05-03T10:00"}, "活动时间应在2021年04月内"),
        ("other form without words", {"form": "其他"}, "请填写具体的开展形式"),
        ("no participants", {"participants": "0"}, "大于或等于1"),
        ("not a number", {"participants": "很多"}, "输入整数"),
        ("unknown form", {"form": "<script>"}, "不在可用的选项中"),
    ],
)
def test_missing_or_wrong_field_is_named(alice, draft, case, overrides, message):
    data = formset_data([activity_fields(0, **overrides)], save="1")
    page = alice.post(draft.get_absolute_url(), data).content.decode()
    assert message in page, case
    assert draft.activities.count() == 0


def test_ten_photos_on_one_activity_are_refused(alice, draft):
    photos = [jpeg_upload(f"{n}.jpg") for n in range(10)]
    page = alice.post(
        draft.get_absolute_url(), formset_data([activity_fields(0, photos_album=photos)], save="1")
    ).content.decode()
    assert "最多上传9张照片" in page
    assert ActivityPhoto.objects.count() == 0


def test_reorder_delete_and_remove_a_photo(alice, draft, people):
    first = add_activity(draft, people["alice"], photos=2)
    second = add_activity(draft, people["alice"])
    second.place = "第二项"
    second.save()
    doomed = first.photos.first()
    data = formset_data(
        [
            activity_fields(0, first, position=2, place="第一项", remove_photos=[doomed.pk]),
            activity_fields(1, second, position=1, place="第二项"),
        ],
        initial=2,
        save="1",
    )
    alice.post(draft.get_absolute_url(), data)
    assert list(draft.activities.values_list("place", flat=True)) == ["第二项", "第一项"]
    assert first.photos.count() == 1
    assert doomed.original.storage.exists(doomed.original.name)  # evidence stays in storage
    data = formset_data(
        [
            activity_fields(0, second, position=1, place="第二项"),
            activity_fields(1, first, place="第一项", DELETE="on"),
        ],
        initial=2,
        save="1",
    )
    alice.post(draft.get_absolute_url(), data)
    assert list(draft.activities.values_list("place", flat=True)) == ["第二项"]


def test_returned_report_shows_the_reason_and_is_editable(alice, draft, people):
    add_activity(draft, people["alice"])
    draft.submit(people["alice"], truth_confirmed=True)
    draft.return_(people["office"], "照片看不清，请换一张")
    page = alice.get(reverse("home")).content.decode()
    assert "照片看不清，请换一张" in page
    page = alice.get(draft.get_absolute_url()).content.decode()
    assert "照片看不清，请换一张" in page
    assert "保存草稿" in page


def test_submitted_report_is_read_only_for_its_staff(alice, draft, people):
    add_activity(draft, people["alice"])
    draft.submit(people["alice"], truth_confirmed=True)
    page = alice.get(draft.get_absolute_url()).content.decode()
    assert "保存草稿" not in page
    assert "社区文化广场" in page


def test_photo_with_html_appended_is_served_only_as_an_image(alice, draft, people):
    activity = add_activity(draft, people["alice"], photos=0)
    data = formset_data(
        [
            activity_fields(
                0,
                activity,
                photos_album=[SimpleUploadedFile("x.jpg", jpeg_bytes() + HTML, "image/jpeg")],
            )
        ],
        initial=1,
        save="1",
    )
    alice.post(draft.get_absolute_url(), data)
    photo = ActivityPhoto.objects.get()
    for variant, content_type in (("original", "image/jpeg"), ("display", "image/jpeg")):
        response = alice.get(reverse("photo", args=[photo.pk, variant]))
        assert response["Content-Type"] == content_type
        assert response["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in response["Content-Security-Policy"]
    original = b"".join(alice.get(reverse("photo", args=[photo.pk, "original"])).streaming_content)
    assert original.endswith(HTML)
    assert (
        "attachment"
        in alice.get(reverse("photo", args=[photo.pk, "original"]))["Content-Disposition"]
    )
