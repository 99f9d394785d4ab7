"""The report page, as community staff use it: save, upload, submit, and bad input."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reporting.models import ActivityPhoto, MonthlyReport, ReportState, StagedPhoto
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


def blank_card(index):
    """A new card nobody touched, as the browser sends it (the script numbers it)."""
    return activity_fields(
        index, position=index + 1, held_at="", place="", form="", participants="", caption=""
    )


def formset_data(rows, initial=0, version=1, **extra):
    data = {
        "version": str(version),
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


def summary_links(page):
    """The list of problems at the top of the page: (text, anchor) of each link."""
    box = re.search(r'<div id="error-summary".*?</div>', page, re.S)
    assert box, "no summary of problems on the page"
    return re.findall(r'<a href="#([^"]+)">([^<]+)</a>', box.group(0))


def test_start_opens_one_draft_even_when_tapped_twice(alice, plan):
    first = alice.post(reverse("start_report"), {"year": 2021, "month": 4})
    second = alice.post(reverse("start_report"), {"year": 2021, "month": 4})
    assert first["Location"] == second["Location"]
    assert MonthlyReport.objects.count() == 1


@pytest.mark.parametrize(("year", "month"), [(2021, 1), (2021, 13), (2030, 4), ("x", "y")])
def test_start_refuses_months_without_duty(alice, plan, year, month):
    assert alice.post(reverse("start_report"), {"year": year, "month": month}).status_code == 404
    assert MonthlyReport.objects.count() == 0


def test_a_new_draft_shows_one_card_a_saved_report_none_blank(alice, draft, people):
    def cards(page):
        return re.findall(r'id="(card-activities-\d+|activity-\d+)"', page.split("<template")[0])

    page = alice.get(draft.get_absolute_url()).content.decode()
    assert 'name="activities-TOTAL_FORMS" value="1"' in page
    assert cards(page) == ["card-activities-0"]
    activity = add_activity(draft, people["alice"])
    page = alice.get(draft.get_absolute_url()).content.decode()
    assert 'name="activities-TOTAL_FORMS" value="1"' in page
    assert cards(page) == [f"activity-{activity.pk}"]
    page = alice.get(draft.get_absolute_url(), {"add": "1"}).content.decode()
    assert 'name="activities-TOTAL_FORMS" value="2"' in page  # 再添一项活动 without the script


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
    assert not StagedPhoto.objects.exists()
    assert "新增活动 1" in draft.events.last().note
    assert draft.events.last().actor.username == "alice"


def test_a_photo_added_to_a_saved_activity_ignores_the_untouched_new_card(alice, draft, people):
    """The bug: with a file in the request, the blank new card was validated and refused."""
    kept = add_activity(draft, people["alice"])
    data = formset_data(
        [activity_fields(0, kept, photos_album=[jpeg_upload("more.jpg")]), blank_card(1)],
        initial=1,
        save="1",
    )
    response = alice.post(draft.get_absolute_url(), data, follow=True)
    assert "草稿已保存" in response.content.decode()
    assert draft.activities.count() == 1
    assert kept.photos.count() == 2


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
    assert list(draft.events.values_list("action", flat=True)) == [
        "created",
        "edited",
        "submitted",
    ]


def test_m1_submit_without_photo_saves_the_draft_and_names_the_activity(alice, draft, people):
    kept = add_activity(draft, people["alice"])
    data = formset_data(
        [activity_fields(0, kept), activity_fields(1, place="无照片的活动")],
        initial=1,
        submit="1",
        truth_confirmed="on",
    )
    response = alice.post(draft.get_absolute_url(), data)
    assert response["Location"].endswith("#error-summary")
    page = alice.get(response["Location"]).content.decode()
    second = draft.activities.get(place="无照片的活动")
    assert summary_links(page) == [(f"activity-{second.pk}-photos", "活动 2：还没有照片")]
    assert f'id="activity-{second.pk}-photos"' in page  # the link lands on its photos
    assert "已保存为草稿，报表尚未报送" in page
    assert "还没有照片：每项活动至少要有1张照片才能报送" in page  # said on the card itself
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.activities.count() == 2


def test_m4_submit_without_the_promise_saves_the_draft_and_points_at_the_box(alice, draft):
    data = formset_data([activity_fields(0, photos_album=[jpeg_upload()])], submit="1")
    page = alice.post(draft.get_absolute_url(), data, follow=True).content.decode()
    assert summary_links(page) == [("truth_confirmed", "请勾选确认“本人承诺所报内容真实”。")]
    assert 'id="truth_confirmed"' in page
    draft.refresh_from_db()
    assert draft.state == ReportState.DRAFT
    assert draft.activities.get().photos.count() == 1


def test_every_problem_is_listed_by_activity_and_field(alice, draft, people):
    kept = add_activity(draft, people["alice"])
    data = formset_data(
        [
            activity_fields(0, kept, place=""),
            activity_fields(1, participants="", form="其他", photos_album=[jpeg_upload()]),
        ],
        initial=1,
        save="1",
    )
    page = alice.post(draft.get_absolute_url(), data).content.decode()
    assert summary_links(page) == [
        ("id_activities-0-place", "活动 1：地点不能为空"),
        ("id_activities-1-form_other", "活动 2：其他形式：选择“其他”时，请填写具体的开展形式。"),
        ("id_activities-1-participants", "活动 2：参加人数不能为空"),
    ]
    assert 'action="/reports/' in page and '#error-summary"' in page  # opens at the list
    assert kept.place == draft.activities.get().place  # nothing saved
    # The photo picked on the refused card is kept and shown, ready for the next save.
    upload = StagedPhoto.objects.get()
    assert reverse("staged_photo", args=[draft.pk, upload.pk]) in page
    assert f'name="activities-1-staged" value="{upload.pk}"' in page
    data = formset_data(
        [
            activity_fields(0, kept),
            activity_fields(1, **{"staged": [upload.pk]}),
        ],
        initial=1,
        save="1",
    )
    alice.post(draft.get_absolute_url(), data)
    assert [a.photos.count() for a in draft.activities.all()] == [1, 1]
    assert not StagedPhoto.objects.exists()


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
    assert StagedPhoto.objects.count() == 1  # the good photo waits for the corrected save


@pytest.mark.parametrize(
    ("case", "overrides", "message"),
    [
        ("missing place", {"place": ""}, "地点不能为空"),
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
    assert any(message in text for _anchor, text in summary_links(page)), case
    assert draft.activities.count() == 0


def test_ten_photos_on_one_activity_are_refused_and_kept(alice, draft):
    photos = [jpeg_upload(f"{n}.jpg") for n in range(10)]
    page = alice.post(
        draft.get_absolute_url(), formset_data([activity_fields(0, photos_album=photos)], save="1")
    ).content.decode()
    assert "最多上传9张照片" in page
    assert ActivityPhoto.objects.count() == 0
    assert StagedPhoto.objects.count() == 10  # the person removes one, nothing is picked again


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
    assert list(draft.activities.values_list("place", "position")) == [("第二项", 1), ("第一项", 2)]
    assert first.photos.count() == 1
    assert doomed.original.storage.exists(doomed.original.name)  # evidence stays in storage
    assert "调整了活动顺序" in draft.events.last().note


@pytest.mark.parametrize("position", ["", "2"], ids=["script blanked 序号", "no script"])
def test_deleting_a_saved_activity_renumbers_the_rest(alice, draft, people, position):
    """The script used to blank the deleted card's 序号, which answered 500."""
    activities = [add_activity(draft, people["alice"]) for _ in range(3)]
    data = formset_data(
        [
            activity_fields(0, activities[0], position=1),
            activity_fields(1, activities[1], position=position, DELETE="on"),
            activity_fields(2, activities[2], position=2, place="第三项"),
        ],
        initial=3,
        save="1",
    )
    response = alice.post(draft.get_absolute_url(), data, follow=True)
    assert "草稿已保存" in response.content.decode()
    assert list(draft.activities.values_list("place", "position")) == [
        ("老年活动中心", 1),
        ("第三项", 2),
    ]
    assert "删除活动" in draft.events.last().note


def test_add_another_activity_without_the_script(alice, draft, people):
    kept = add_activity(draft, people["alice"])
    data = formset_data([activity_fields(0, kept)], initial=1, add_activity="1")
    response = alice.post(draft.get_absolute_url(), data)
    assert response["Location"].endswith("?add=1#card-activities-1")
    page = alice.get(response["Location"]).content.decode()
    assert 'id="card-activities-1"' in page


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


# One writer at a time ---------------------------------------------------------


def test_a_save_from_an_older_page_is_refused_and_changes_nothing(alice, draft, people):
    """Two devices: the second one's page was built before the first one saved."""
    kept = add_activity(draft, people["alice"])
    draft.refresh_from_db()
    old_page = draft.version
    first = formset_data([activity_fields(0, kept, place="手机上改的")], initial=1, save="1")
    alice.post(draft.get_absolute_url(), {**first, "version": old_page})
    second = formset_data(
        [activity_fields(0, kept, place="电脑上的旧内容", photos_album=[jpeg_upload()])],
        initial=1,
        save="1",
    )
    page = alice.post(draft.get_absolute_url(), {**second, "version": old_page}).content.decode()
    assert "该报表已在其他设备上修改，请刷新后再改" in page
    assert "电脑上的旧内容" in page  # what was typed stays on the screen
    assert list(draft.activities.values_list("place", flat=True)) == ["手机上改的"]
    assert kept.photos.count() == 1
    # The photo picked on the old page is kept; it comes back on the reloaded page.
    upload = StagedPhoto.objects.get()
    page = alice.get(draft.get_absolute_url()).content.decode()
    assert f'name="activities-0-staged" value="{upload.pk}"' in page


def test_a_double_submit_from_two_sessions_submits_once_and_says_so(client, draft, people):
    kept = add_activity(draft, people["alice"])
    draft.refresh_from_db()
    data = formset_data(
        [activity_fields(0, kept, place="甲的内容")],
        initial=1,
        version=draft.version,
        submit="1",
        truth_confirmed="on",
    )
    client.force_login(people["alice"])
    page = client.post(draft.get_absolute_url(), data, follow=True).content.decode()
    assert "报表已报送" in page
    other = type(client)()
    other.force_login(people["alice"])
    data["activities-0-place"] = "乙的内容"
    page = other.post(draft.get_absolute_url(), data, follow=True).content.decode()
    assert "报表已报送" not in page
    assert "该报表已于" in page and "报送，您本页的修改没有保存" in page
    draft.refresh_from_db()
    assert draft.state == ReportState.SUBMITTED
    assert draft.activities.get().place == "甲的内容"
    assert draft.events.filter(action="submitted").count() == 1


def test_an_activity_deleted_elsewhere_is_explained(alice, draft, people):
    kept = add_activity(draft, people["alice"])
    draft.refresh_from_db()
    data = formset_data(
        [activity_fields(0, kept), activity_fields(1, place="新的")],
        initial=1,
        version=draft.version,
        save="1",
    )
    data["activities-0-id"] = "999999"  # a card whose activity no longer exists
    page = alice.post(draft.get_absolute_url(), data).content.decode()
    assert (
        "card-activities-0",
        "活动 1：本页上的某项活动已在其他设备上删除或修改，请刷新页面后再改。",
    ) in [(anchor, text) for anchor, text in summary_links(page)]
    assert list(draft.activities.values_list("place", flat=True)) == ["社区文化广场"]


def test_too_many_files_in_one_post_get_a_chinese_answer(alice, draft):
    files = [SimpleUploadedFile(f"{n}.jpg", b"x", "image/jpeg") for n in range(101)]
    response = alice.post(
        draft.get_absolute_url(), formset_data([activity_fields(0, photos_album=files)])
    )
    assert response.status_code == 400
    assert "请求有误" in response.content.decode() or "文件" in response.content.decode()
    assert draft.activities.count() == 0


def test_the_report_page_costs_the_same_queries_for_one_activity_or_many(alice, draft, people):
    add_activity(draft, people["alice"], photos=2)
    with CaptureQueriesContext(connection) as one:
        alice.get(draft.get_absolute_url())
    for _ in range(5):
        add_activity(draft, people["alice"], photos=2)
    with CaptureQueriesContext(connection) as six:
        alice.get(draft.get_absolute_url())
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]
