"""C2 on the office's desk: a post written from a month's accepted activities and the
units' activities, previewed, published (after a confirmation), unpublished, published
again; a double press changes nothing and says so; only the office works here."""

import uuid

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from communities.models import Role
from publishing.models import Post, PostState
from reporting.models import MonthlyReport
from tests.conftest import add_activity, make_user, verified_login
from tests.publishing import column_data
from tests.publishing.column_data import accepted_report, unit_activity

# The C2 fixtures (tests/publishing/column_data.py), by name.
column, column_root = column_data.column, column_data.column_root


def desk(name, *args):
    return reverse(f"admin:publishing_post_{name}", args=args)


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.fixture
def month(plan, places, people):
    """April 2021: A's report accepted (two photos), B's submitted only, C's accepted then
    found falsified, and 电信's activity (one photo)."""
    office_user = people["office"]
    accepted = accepted_report(plan, places["a"], people["alice"], office_user)
    waiting = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(waiting, people["bob"])
    waiting.submit(people["bob"], truth_confirmed=True)
    carol = make_user("carol", Role.COMMUNITY_STAFF, community=places["c"])
    falsified = accepted_report(plan, places["c"], carol, office_user)
    falsified.mark_falsified(office_user, "照片为往年活动照片")
    return {
        "activity": accepted.activities.get(),
        "waiting": waiting.activities.get(),
        "falsified": falsified.activities.get(),
        "unit_activity": unit_activity(),
    }


def test_c2_new_post_offers_only_accepted_and_units_activities(office, month):
    """The month's accepted activities (not one found falsified, not one waiting for
    review) and the units' activities are offered, each with its photos' thumbnails."""
    page = office.get(desk("new") + "?month=2021-04")
    assert page.status_code == 200
    offered = set(page.context["offer"].activity_keys)
    assert offered == {f"a-{month['activity'].pk}", f"u-{month['unit_activity'].pk}"}
    content = page.content.decode()
    for photo in month["activity"].photos.all():
        assert reverse("photo", args=[photo.pk, "thumbnail"]) in content


def post_data(picked, **extra):
    photo = picked["activity"].photos.first()
    return {
        "month": "2021-04",
        "submission": str(uuid.uuid4()),
        "title": "甲社区开展集中宣讲",
        "text": "第一段。\n第二段。",
        "chosen": [f"u-{picked['unit_activity'].pk}"],
        "photos": [f"a-{photo.pk}"],
        **extra,
    }


def test_c2_office_writes_a_draft_a_photo_brings_its_activity(office, month):
    answer = office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    assert answer.status_code == 302 and answer["Location"] == desk("desk", post.pk)
    assert post.state == PostState.DRAFT
    assert list(post.activities.all()) == [month["activity"]]
    assert list(post.unit_activities.all()) == [month["unit_activity"]]
    assert [p.activity_photo for p in post.photos.all()] == [month["activity"].photos.first()]
    assert post.photos.get().alt == month["activity"].caption
    assert post.history.count() == 1
    page = office.get(desk("desk", post.pk))
    assert page.status_code == 200 and "第二段。" in page.content.decode()


def test_c2_form_sent_twice_writes_one_draft(office, month):
    data = post_data(month)
    office.post(desk("new"), data)
    again = office.post(desk("new"), data, follow=True)
    assert Post.objects.count() == 1
    assert "两次" in " ".join(messages_of(again))


@pytest.mark.parametrize(
    "change, problem",
    [
        ({"title": ""}, "title"),
        ({"text": ""}, "text"),
        ({"chosen": [], "photos": []}, "no_activity"),
        ({"chosen": ["a-999999"]}, "chosen"),
        ({"photos": ["a-999999"]}, "photos"),
        ({"month": "2021-13"}, "month"),
    ],
)
def test_c2_refused_post_keeps_nothing(office, month, change, problem):
    """Missing or forged input: a clear message, nothing saved, never a 500."""
    answer = office.post(desk("new"), post_data(month, **change), follow=True)
    assert answer.status_code == 200
    assert Post.objects.count() == 0
    content = answer.content.decode()
    assert "未保存" in content or "请重新选择活动月份" in content


def test_c2_falsified_or_waiting_activity_cannot_be_forced_in(office, month):
    """An id of a falsified or unreviewed report's activity, typed in, is refused."""
    for key in (month["falsified"], month["waiting"]):
        office.post(desk("new"), post_data(month, chosen=[f"a-{key.pk}"]))
    assert Post.objects.count() == 0


def test_c2_publish_asks_for_confirmation(office, month, column_root):
    office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    answer = office.post(desk("publish", post.pk), {"version": post.version}, follow=True)
    post.refresh_from_db()
    assert post.state == PostState.DRAFT
    assert "请先勾选确认，再发布文章。" in messages_of(answer)
    assert not list(column_root.rglob("*.jpg"))


def test_c2_unpublish_asks_for_confirmation(office, month, column_root):
    """撤下 takes the post out at once: a press without the tick changes nothing."""
    office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    office.post(desk("publish", post.pk), {"confirm": "on", "version": post.version})
    answer = office.post(desk("unpublish", post.pk), follow=True)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert "请先勾选确认，再撤下文章。" in messages_of(answer)
    assert len(list(column_root.rglob("*.jpg"))) == 1


def test_c2_publish_unpublish_and_double_presses(
    office, month, people, column_root, django_capture_on_commit_callbacks
):
    """发布 makes the public copies; a second press says so and changes nothing; 撤下
    deletes them, a second 撤下 says so; published again, new copies."""
    office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    form = {"confirm": "on", "version": post.version}
    office.post(desk("publish", post.pk), form)
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED and post.published_by == people["office"]
    published_at, version = post.published_at, post.version
    assert len(list(column_root.rglob("*.jpg"))) == 1

    again = office.post(desk("publish", post.pk), form, follow=True)
    post.refresh_from_db()
    assert (post.published_at, post.version) == (published_at, version)
    assert "未再次发布" in " ".join(messages_of(again))
    assert len(list(column_root.rglob("*.jpg"))) == 1

    assert office.get(desk("edit", post.pk)).status_code == 302  # unpublish before editing

    with django_capture_on_commit_callbacks(execute=True):
        office.post(desk("unpublish", post.pk), {"confirm": "on"})
    post.refresh_from_db()
    assert post.state == PostState.UNPUBLISHED
    assert not list(column_root.rglob("*.jpg"))
    twice = office.post(desk("unpublish", post.pk), {"confirm": "on"}, follow=True)
    assert "未作改动" in " ".join(messages_of(twice))

    office.post(desk("publish", post.pk), {"confirm": "on", "version": post.version})
    post.refresh_from_db()
    assert post.state == PostState.PUBLISHED
    assert post.published_at == published_at  # published again: the day it first appeared
    assert len(list(column_root.rglob("*.jpg"))) == 1
    states = [h.state for h in post.history.order_by("history_date", "history_id")]
    assert states == ["draft", "published", "unpublished", "published"]


def test_c2_publishing_a_stale_preview_is_refused(office, month):
    """A publish built on a preview older than the post's last edit is refused."""
    office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    office.post(desk("edit", post.pk), post_data(month, version=post.version, title="新标题"))
    office.post(desk("publish", post.pk), {"confirm": "on", "version": post.version})
    post.refresh_from_db()
    assert post.title == "新标题" and post.state == PostState.DRAFT


def test_c2_finding_after_drafting_stops_publishing(office, month, people):
    """A report found falsified after the post was written: publishing is refused."""
    office.post(desk("new"), post_data(month))
    post = Post.objects.get()
    month["activity"].report.mark_falsified(people["office"], "活动照片与报表不符")
    office.post(desk("publish", post.pk), {"confirm": "on", "version": post.version})
    post.refresh_from_db()
    assert post.state == PostState.DRAFT


def test_c2_desk_pages_open_for_the_office(office, column):
    post = column["post"]
    for url in (
        reverse("admin:publishing_post_changelist"),
        desk("new"),
        desk("desk", post.pk),
        desk("edit", post.pk),
        desk("wechat", post.pk),
        desk("wechat_html", post.pk),
    ):
        assert office.get(url).status_code == 200, url
    assert office.get(reverse("admin:publishing_post_add"))["Location"] == desk("new")
    assert office.get(reverse("admin:publishing_post_change", args=[post.pk]))["Location"] == desk(
        "desk", post.pk
    )


@pytest.mark.parametrize("who", ["leader", "alice", "head", "nobody", "telecom", "unverified"])
def test_c2_only_the_office_works_the_desk(who, client, column, people):
    """Everyone but the office (past its second factor) is sent to the desk's login, and a
    publish they send changes nothing."""
    post = column["post"]
    if who == "unverified":
        people["office"].is_staff = True
        people["office"].save()
        client.force_login(people["office"])
    else:
        user = people.get(who) or User.objects.get(username=who)
        verified_login(client, user)
    for url in (desk("new"), desk("desk", post.pk), desk("wechat_html", post.pk)):
        answer = client.get(url)
        assert answer.status_code == 302 and "/admin/login/" in answer["Location"], url
    client.post(desk("publish", post.pk), {"confirm": "on", "version": post.version})
    post.refresh_from_db()
    assert post.state == PostState.DRAFT
