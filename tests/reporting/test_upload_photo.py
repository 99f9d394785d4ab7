"""Photos go up one by one as they are picked, and wait for the report to be saved."""

from datetime import timedelta

import pytest
import time_machine
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from reporting.models import ActivityPhoto, MonthlyReport, StagedPhoto
from tests.conftest import add_activity, jpeg_upload
from tests.reporting.test_photos import BAD_UPLOADS
from tests.reporting.test_report_view import activity_fields, formset_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(april):
    april.refresh_from_db()
    return april


def upload(client, report, photo=None, activity=None, version=None):
    return client.post(
        reverse("upload_photo", args=[report.pk]),
        {
            "photo": photo or jpeg_upload("现场.jpg"),
            "version": report.version if version is None else version,
            "activity": activity.pk if activity else "",
        },
    )


def test_a_picked_photo_is_checked_kept_and_shown_to_its_staff_only(client, people, draft):
    activity = draft.activities.get()
    client.force_login(people["alice"])
    response = upload(client, draft, activity=activity)
    assert response.status_code == 201
    staged = StagedPhoto.objects.get()
    assert response.json() == {
        "id": staged.pk,
        "thumbnail": reverse("staged_photo", args=[draft.pk, staged.pk]),
    }
    assert (staged.activity, staged.uploaded_by, staged.original_name) == (
        activity,
        people["alice"],
        "现场.jpg",
    )
    assert activity.photos.count() == 1  # not the activity's photo until the page is saved
    draft.refresh_from_db()
    assert draft.version == 1  # an upload changes no content
    thumbnail = client.get(response.json()["thumbnail"])
    assert thumbnail.status_code == 200
    assert thumbnail["Content-Type"] == "image/jpeg"
    for who in ("bob", "head", "office", "leader"):
        client.force_login(people[who])
        assert client.get(response.json()["thumbnail"]).status_code == 404, who


@pytest.mark.parametrize(("case", "make", "message"), BAD_UPLOADS, ids=[c[0] for c in BAD_UPLOADS])
def test_a_refused_photo_says_why_in_chinese(client, people, draft, case, make, message):
    client.force_login(people["alice"])
    response = upload(client, draft, photo=make())
    assert response.status_code == 400, case
    assert message in response.json()["error"], case
    assert not StagedPhoto.objects.exists()


@pytest.mark.parametrize(
    ("who", "status"),
    [("bob", 404), ("head", 403), ("office", 403), ("leader", 403), ("nobody", 404)],
)
def test_only_the_communitys_staff_upload(client, people, draft, who, status):
    client.force_login(people[who])
    assert upload(client, draft).status_code == status
    assert not StagedPhoto.objects.exists()


def test_upload_needs_a_login(client, draft):
    response = upload(client, draft)
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


def test_upload_refused_when_the_page_is_older_than_the_report(client, people, draft):
    client.force_login(people["alice"])
    response = upload(client, draft, version=draft.version - 1 or 99)
    assert response.status_code == 409
    assert "该报表已在其他设备上修改，请刷新后再改" in response.json()["error"]
    assert not StagedPhoto.objects.exists()


def test_upload_refused_once_submitted(client, people, draft):
    draft.submit(people["alice"], truth_confirmed=True)
    client.force_login(people["alice"])
    response = upload(client, draft)
    assert response.status_code == 409
    assert "报送" in response.json()["error"]


def test_upload_for_an_activity_of_another_report_is_refused(client, people, plan, places, draft):
    others = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    foreign = add_activity(others, people["bob"])
    client.force_login(people["alice"])
    response = upload(client, draft, activity=foreign)
    assert response.status_code == 400
    assert "请刷新页面" in response.json()["error"]
    assert not StagedPhoto.objects.exists()


def test_saving_claims_the_uploads_as_the_activitys_photos(client, people, draft):
    activity = draft.activities.get()
    client.force_login(people["alice"])
    first = upload(client, draft, activity=activity).json()["id"]
    second = upload(client, draft, activity=activity).json()["id"]
    staged = StagedPhoto.objects.get(pk=first)
    data = formset_data(
        [activity_fields(0, activity, staged=[first, second], unstage=[second])],
        initial=1,
        save="1",
    )
    response = client.post(draft.get_absolute_url(), data, follow=True)
    assert "草稿已保存" in response.content.decode()
    photos = list(activity.photos.all())
    assert len(photos) == 2
    claimed = photos[-1]
    assert (claimed.sha256, claimed.original.name, claimed.uploaded_at) == (
        staged.sha256,
        staged.original.name,
        staged.uploaded_at,
    )
    assert not StagedPhoto.objects.exists()  # the second was removed by its tick box
    assert claimed.original.storage.exists(claimed.original.name)
    assert "为活动 1 添加照片1张" in draft.events.last().note


def test_uploads_not_saved_come_back_on_the_next_visit(client, people, draft):
    """The phone reloaded the page after the camera: the picked photos are still there."""
    activity = draft.activities.get()
    client.force_login(people["alice"])
    kept = upload(client, draft, activity=activity).json()["id"]
    loose = upload(client, draft).json()["id"]  # picked on a card not saved yet
    page = client.get(draft.get_absolute_url()).content.decode()
    assert f'name="activities-0-staged" value="{kept}"' in page
    assert f'name="activities-1-staged" value="{loose}"' in page
    client.force_login(people["bob"])
    assert upload(client, draft).status_code == 404


def test_uploads_nobody_saves_are_cleared_after_a_day(client, people, draft):
    client.force_login(people["alice"])
    old = StagedPhoto.objects.get(pk=upload(client, draft).json()["id"])
    files = [old.original.name, old.display.name, old.thumbnail.name]
    storage = old.original.storage
    with time_machine.travel(timezone.now() + timedelta(hours=23)):
        call_command("purge_uploads")
        assert StagedPhoto.objects.filter(pk=old.pk).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=25)):
        client.force_login(people["alice"])  # a new day, a new session
        fresh = upload(client, draft).json()["id"]  # each upload clears out expired ones too
        assert not StagedPhoto.objects.filter(pk=old.pk).exists()
        assert not any(storage.exists(name) for name in files)
        assert StagedPhoto.objects.filter(pk=fresh).exists()
    with time_machine.travel(timezone.now() + timedelta(hours=50)):
        call_command("purge_uploads")
        assert not StagedPhoto.objects.exists()
    assert ActivityPhoto.objects.count() == 1  # a saved photo is evidence, never purged


def test_an_expired_upload_named_by_a_page_is_explained(client, people, draft):
    activity = draft.activities.get()
    client.force_login(people["alice"])
    gone = upload(client, draft, activity=activity).json()["id"]
    StagedPhoto.objects.all().purge()
    data = formset_data([activity_fields(0, activity, staged=[gone])], initial=1, save="1")
    page = client.post(draft.get_absolute_url(), data).content.decode()
    assert "本页上的某张照片已被移除或已过期" in page
    assert activity.photos.count() == 1


def test_a_deleted_card_takes_its_uploads_with_it(client, people, draft):
    """A new card with a photo, then deleted: the photo must not bring the card back."""
    activity = draft.activities.get()
    client.force_login(people["alice"])
    loose = upload(client, draft).json()["id"]
    data = formset_data(
        [
            activity_fields(0, activity),
            activity_fields(1, place="", participants="", staged=[loose], DELETE="on"),
        ],
        initial=1,
        save="1",
    )
    response = client.post(draft.get_absolute_url(), data, follow=True)
    assert "草稿已保存" in response.content.decode()
    assert not StagedPhoto.objects.exists()
    page = client.get(draft.get_absolute_url()).content.decode()
    assert 'name="activities-TOTAL_FORMS" value="1"' in page
    assert draft.activities.count() == 1
