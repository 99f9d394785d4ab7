"""The WeCom group robot (R1): one message per group per run, WeCom's documented JSON,
posted to a stand-in on 127.0.0.1; a refusal or no answer is retried by the next run and
shown to the office in the admin."""

import pytest
from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from communities.models import Role
from reminders.models import Reminder
from tests.conftest import verified_login
from tests.reminders.conftest import at, do_supervision, run

pytestmark = pytest.mark.django_db

FIRST_GROUP_TEXT = (
    "【罗山街道反诈骗工作提醒】\n"
    "2021年4月反诈骗活动开展情况报表将于5月1日截止，以下社区尚未报送：丙社区、甲社区。\n"
    "2021年4月的督导活动和工作会将于4月30日截止，以下工作点尚未完成：缺塘点。\n"
    "请登录罗山街道反诈骗活动报送平台办理。"
)


def test_r1_one_message_per_group_naming_its_targets_and_the_deadline(plan, places, groups, robot):
    run(clock=at("2021-04-28 09:00"))
    assert len(robot.posts) == 2
    for post in robot.posts:
        assert post["path"] == "/cgi-bin/webhook/send"
        assert post["content_type"] == "application/json; charset=utf-8"
        assert set(post["json"]) == {"msgtype", "text"} and post["json"]["msgtype"] == "text"
    assert robot.contents("first") == [FIRST_GROUP_TEXT]
    (second,) = robot.contents("second")
    assert "以下社区尚未报送：乙社区。" in second and "以下工作点尚未完成：苏内点。" in second
    assert "甲社区" not in second
    sent = Reminder.objects.filter(channel="wecom")
    assert sent.count() == 5 and all(r.is_sent for r in sent)  # 3 communities, 2 points
    assert set(sent.values_list("recipients", flat=True)) == {"缺塘点反诈群", "苏内点反诈群"}


def test_r1_the_group_is_posted_to_once(plan, places, groups, robot):
    run(clock=at("2021-04-28 09:00"))
    run(clock=at("2021-04-28 09:00"))
    run(clock=at("2021-04-29 09:00"))  # a day in between
    assert len(robot.posts) == 2
    run(clock=at("2021-04-30 09:00"))  # the points' deadline day: the supervision only
    assert len(robot.posts) == 4
    assert "报表" not in robot.contents("first")[-1]
    assert "4月30日截止，以下工作点尚未完成：缺塘点" in robot.contents("first")[-1]


def test_r1_a_disabled_group_or_a_target_it_does_not_cover_gets_nothing(
    plan, places, groups, robot
):
    groups["second"].enabled = False
    groups["second"].save()
    run(clock=at("2021-04-28 09:00"))
    assert [post["key"] for post in robot.posts] == ["first"]


def test_r1_a_community_named_alone_is_covered(plan, places, groups, robot):
    """A group may cover one community without its point."""
    groups["second"].work_points.clear()
    groups["second"].communities.add(places["c"])
    run(clock=at("2021-04-28 09:00"))
    (text,) = robot.contents("second")
    assert "以下社区尚未报送：丙社区。" in text and "工作点" not in text


def test_r1_done_targets_are_left_out_of_the_message(plan, places, people, groups, robot):
    do_supervision(plan, places["point"], people["head"])
    run(clock=at("2021-04-28 09:00"))
    (text,) = robot.contents("first")
    assert "缺塘点" not in text and "丙社区、甲社区" in text


@pytest.mark.parametrize(
    ("rule", "answer", "error"),
    [
        ("R1 HTTP 500", {"status": 500}, "企业微信机器人返回 HTTP 500"),
        (
            "R1 HTTP 200 with errcode≠0",
            {"body": {"errcode": 93000, "errmsg": "invalid webhook url"}},
            "errcode 93000，invalid webhook url",
        ),
        ("R1 no answer within the timeout", {"delay": 1.5}, "无法连接企业微信机器人"),
    ],
)
def test_r1_a_failed_post_is_retried_by_the_next_run(
    plan, places, groups, robot, settings, rule, answer, error
):
    settings.REMINDER_WECOM_TIMEOUT = 0.5
    robot.answer(**answer)  # the first post fails; the second group's is answered ok
    run(clock=at("2021-04-28 09:00"))
    first_key = robot.posts[0]["key"]
    failed = Reminder.objects.failed()
    assert failed.count() > 0, rule
    assert {r.wecom_group.webhook_url.rsplit("=", 1)[1] for r in failed} == {first_key}, rule
    assert all(error in r.last_error for r in failed), rule
    # The next run (a day in between: nothing new) posts that group's message again.
    run(clock=at("2021-04-29 09:00"))
    assert [post["key"] for post in robot.posts].count(first_key) == 2, rule
    assert robot.contents(first_key)[0] == robot.contents(first_key)[1], rule
    assert not Reminder.objects.failed().exists(), rule
    assert set(Reminder.objects.filter(channel="wecom").values_list("attempts", flat=True)) == {
        1,
        2,
    }


def office_reading_reminders(client, people):
    """The office at its desk, with the rights communities/permissions.py is to give it
    over reminders (the lines in the report of this change)."""
    office = people["office"]
    office.is_staff = True
    office.save()
    rights = Permission.objects.filter(content_type__app_label="reminders")
    Group.objects.get(name=Role.OFFICE).permissions.add(*rights)
    return verified_login(client, office)


def test_r1_the_office_sees_the_failures_in_the_admin(client, plan, places, people, groups, robot):
    robot.answer(status=500)
    run(clock=at("2021-04-28 09:00"))
    office = office_reading_reminders(client, people)
    url = reverse("admin:reminders_reminder_changelist")
    failed = office.get(url, {"status": "failed"}).content.decode()
    assert "企业微信机器人返回 HTTP 500" in failed
    assert "发送失败" in failed
    assert failed.count('class="action-checkbox"') == 0  # read only: no bulk actions
    shown = Reminder.objects.failed()
    assert shown.exists()
    for reminder in shown:
        assert f"/{reminder.pk}/change/" in failed
    for reminder in Reminder.objects.sent():
        assert f"/{reminder.pk}/change/" not in failed
    assert (
        office.get(reverse("admin:reminders_reminder_change", args=[shown[0].pk])).status_code
        == 200
    )


@pytest.mark.parametrize("who", ["alice", "head", "leader"])
def test_r1_the_reminder_pages_are_the_offices_only(client, plan, people, who):
    client.force_login(people[who])
    for name in ("reminder", "wecomgroup", "emailchannel"):
        answer = client.get(reverse(f"admin:reminders_{name}_changelist"))
        assert answer.status_code == 302 and "/admin/login/" in answer["Location"]


def test_r1_the_admin_shows_a_groups_address_shortened(client, plan, people, groups):
    office = office_reading_reminders(client, people)
    page = office.get(reverse("admin:reminders_wecomgroup_changelist")).content.decode()
    assert "key=firs…" in page and "key=first" not in page
    assert "缺塘点反诈群" in page and "苏内点" in page


def test_r1_a_long_list_is_cut_to_what_wecom_takes(plan, places, groups, robot):
    """WeCom takes 2048 bytes of text: the names that fit, and how many are left out."""
    from communities.models import Community

    for n in range(150):
        Community.objects.create(name=f"罗山街道示例第{n:03d}号社区", work_point=places["point"])
    run(clock=at("2021-04-28 09:00"))
    (text,) = robot.contents("first")
    assert len(text.encode()) <= 2048
    assert "未列出）" in text and "以下工作点尚未完成：缺塘点。" in text
    assert text.startswith("【罗山街道反诈骗工作提醒】\n") and text.endswith("平台办理。")
