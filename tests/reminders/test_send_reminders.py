"""`manage.py send_reminders`: who is reminded when (R1), once each, never for a month
without the duty (M7); the dry run's JSON and the Chinese table; e-mail."""

import io
import json
from datetime import timedelta
from smtplib import SMTPException

import pytest
import time_machine
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.core.management import CommandError, call_command

from reminders.management.commands.send_reminders import NotDelivered
from reminders.models import Reminder
from reporting.models import MonthlyReport
from tests.conftest import add_activity
from tests.reminders.conftest import at, do_supervision, dry_run, run

pytestmark = pytest.mark.django_db


def due(records):
    """(kind, month, days before) of the portal's reminders: one per target and month."""
    return sorted(
        {(r["kind"], r["month"], r["days_before"]) for r in records if r["channel"] == "portal"}
    )


def reminded(records, kind="report"):
    return sorted({r["target"] for r in records if r["kind"] == kind})


# April's report (due 1 May) and the points' April supervision (due 30 April), 3 days
# before and on the day.
REPORT_3 = ("report", "2021-04", 3)
REPORT_0 = ("report", "2021-04", 0)
VISIT_3 = ("supervision", "2021-04", 3)
VISIT_0 = ("supervision", "2021-04", 0)


OCTOBER_3 = [("report", "2021-10", 3), ("supervision", "2021-10", 3)]


@pytest.mark.parametrize(
    ("rule", "clock", "expected"),
    [
        ("R1 nothing four days before either", "2021-04-26 23:59:59", []),
        ("R1 the supervision's 3 days start at 00:00", "2021-04-27 00:00:00", [VISIT_3]),
        ("R1 the report's last second before them", "2021-04-27 23:59:59", [VISIT_3]),
        ("R1 the report's 3 days start at 00:00", "2021-04-28 00:00:00", [REPORT_3, VISIT_3]),
        ("R1 2 days before: still the 3-day one", "2021-04-29 12:00:00", [REPORT_3, VISIT_3]),
        ("R1 the supervision's last day", "2021-04-30 00:00:00", [REPORT_3, VISIT_0]),
        ("R1 its last second", "2021-04-30 23:59:59", [REPORT_3, VISIT_0]),
        ("R1 the report's last day, first second", "2021-05-01 00:00:00", [REPORT_0]),
        ("R1 the report's last second", "2021-05-01 23:59:59", [REPORT_0]),
        ("R1 after the deadline: nothing", "2021-05-02 00:00:00", []),
        ("R1 October's report, due 1 November", "2021-10-29 08:00:00", OCTOBER_3),
        ("R1 October's report on its day", "2021-11-01 08:00:00", [("report", "2021-10", 0)]),
        # M7: 2021's duty months are April to October.
        ("M7 March's supervision: no duty", "2021-03-30 08:00:00", []),
        ("M7 March's report (due 1 April): no duty", "2021-04-01 08:00:00", []),
        ("M7 November's supervision: no duty", "2021-11-29 08:00:00", []),
        ("M7 November's report (due 1 December): no duty", "2021-12-01 08:00:00", []),
    ],
)
def test_r1_what_is_due_in_asia_shanghai(plan, places, rule, clock, expected):
    """The clock frozen (no --at): calendar days in Asia/Shanghai, 23:59:59 against 00:00."""
    assert due(dry_run(at(clock))) == expected, rule


def test_r1_the_edge_is_local_midnight_not_utc(plan, places):
    """2021-04-27T16:00Z is already 28 April in Luoshan: the report's reminder is due."""
    records = json.loads(run("--dry-run", "--format", "json", "--at", "2021-04-27T16:00:00Z"))
    assert REPORT_3 in due(records)
    earlier = json.loads(run("--dry-run", "--format", "json", "--at", "2021-04-27T15:59:59Z"))
    assert REPORT_3 not in due(earlier)


def test_r1_submitted_reports_are_not_reminded_drafts_are(plan, places, people, submitted):
    """A's April was submitted; B started a draft; C has nothing: B and C are reminded."""
    draft = MonthlyReport.start(places["b"].pk, plan, 4, by=people["bob"])
    add_activity(draft, people["bob"])
    assert reminded(dry_run(at("2021-04-28 09:00"))) == ["丙社区", "乙社区"]


def test_r1_a_returned_report_was_submitted_and_is_not_reminded(plan, places, people, submitted):
    submitted.return_(people["office"], "照片不清楚")
    assert "甲社区" not in reminded(dry_run(at("2021-05-01 09:00")))


def test_r1_a_point_is_reminded_until_both_its_duties_are_recorded(plan, places, people):
    """duty_done: a supervision visit alone is not enough; with the work meeting it is."""
    do_supervision(plan, places["point"], people["head"], meeting=False)
    assert "缺塘点" in reminded(dry_run(at("2021-04-28 09:00")), "supervision")
    do_supervision(plan, places["point"], people["head"])
    points = reminded(dry_run(at("2021-04-28 09:00")), "supervision")
    assert "缺塘点" not in points and "苏内点" in points
    # May's duty is May's: April's records do not answer it.
    assert "缺塘点" in reminded(dry_run(at("2021-05-28 09:00")), "supervision")


def test_r1_each_reminder_goes_once(plan, places, people, email_on):
    people["alice"].email = "alice@example.org"
    people["alice"].save()
    run(clock=at("2021-04-28 09:00"))
    count = Reminder.objects.count()
    assert [m.to for m in mail.outbox if "甲社区" in m.subject] == [["alice@example.org"]]
    # Again the same day, and on a day in between: nothing new for A (the others, with
    # no address, have their e-mail tried again).
    assert "甲社区" not in run(clock=at("2021-04-28 18:00"))
    assert "甲社区" not in run(clock=at("2021-04-29 09:00"))
    assert Reminder.objects.count() == count
    assert len([m for m in mail.outbox if "甲社区" in m.subject]) == 1
    # The deadline day brings its own reminder, once.
    run(clock=at("2021-05-01 09:00"))
    run(clock=at("2021-05-01 10:00"))
    assert len([m for m in mail.outbox if "甲社区" in m.subject]) == 2
    assert set(
        Reminder.objects.filter(community=places["a"], channel="email").values_list(
            "days_before", flat=True
        )
    ) == {3, 0}


def test_r1_a_missed_day_is_caught_up_once_before_the_deadline(plan, places):
    """The timer was down on the 28th: the 29th sends the 3-day reminder, once."""
    assert REPORT_3 in due(dry_run(at("2021-04-29 09:00")))
    run(clock=at("2021-04-29 09:00"))
    assert REPORT_3 not in due(dry_run(at("2021-04-30 09:00")))
    assert Reminder.objects.filter(community=places["a"], days_before=3).count() == 1


def test_r1_an_occasion_overtaken_is_not_sent(plan, places):
    """No run until the deadline day: only the deadline day's reminder goes."""
    run(clock=at("2021-05-01 09:00"))
    assert set(Reminder.objects.filter(kind="report").values_list("days_before", flat=True)) == {0}


def test_r1_the_dry_run_json_exactly(plan, places, people, submitted, email_on, groups):
    """As of 2021-04-28 09:00: A submitted; 缺塘点 did its duty; a group per point."""
    do_supervision(plan, places["point"], people["head"])
    records = json.loads(run("--dry-run", "--at", "2021-04-28T09:00+08:00", "--format", "json"))
    report = {"kind": "report", "month": "2021-04", "deadline": "2021-05-01", "days_before": 3}
    visit = {"kind": "supervision", "month": "2021-04", "deadline": "2021-04-30", "days_before": 3}
    c, b = places["c"], places["b"]

    def rows(target, what, group):
        named = {"target": target.name, "target_id": target.pk}
        channels = [("portal", None), ("email", None), *([("wecom", group)] if group else [])]
        return [{**named, "channel": c, **what, "group": g} for c, g in channels]

    from communities.models import WorkPoint

    points = list(WorkPoint.objects.exclude(pk=places["point"].pk))
    assert [p.name for p in points] == ["苏内点", "后林点", "社店点", "梧垵点", "福埔点"]
    assert records == [
        *rows(c, report, "缺塘点反诈群"),
        *rows(b, report, "苏内点反诈群"),
        *rows(points[0], visit, "苏内点反诈群"),
        *(row for point in points[1:] for row in rows(point, visit, None)),
    ]
    assert {tuple(sorted(r)) for r in records} == {
        ("channel", "days_before", "deadline", "group", "kind", "month", "target", "target_id")
    }
    # Nothing sent, nothing recorded.
    assert Reminder.objects.count() == 0
    assert mail.outbox == []


def test_r1_the_text_is_a_chinese_table(plan, places):
    out = run("--dry-run", "--at", "2021-04-28T09:00+08:00")
    lines = out.splitlines()
    assert lines[0] == "2021-04-28 09:00：将发送 9 条提醒（试运行，未发送）。"
    assert lines[1].split() == ["提醒对象", "类型", "月份", "截止日期", "时机", "渠道"]
    assert lines[2].split() == [
        "丙社区",
        "月度报表",
        "2021年4月",
        "5月1日",
        "提前3天",
        "平台首页提示",
    ]
    assert lines[5].split() == [
        "缺塘点",
        "督导和工作会",
        "2021年4月",
        "4月30日",
        "提前3天",
        "平台首页提示",
    ]


def test_r1_at_needs_its_offset(plan):
    with pytest.raises(CommandError, match="不是带时区的时间"):
        run("--dry-run", "--at", "2021-04-28T09:00")


def test_r1_the_email_names_the_community_and_the_deadline(plan, places, people, email_on):
    """To the community's staff and to the point's head, in Chinese."""
    people["alice"].email = "alice@example.org"
    people["alice"].save()
    people["head"].email = "head@example.org"
    people["head"].save()
    run(clock=at("2021-04-28 09:00"))
    by_address = {tuple(m.to): m for m in mail.outbox}
    alice = by_address[("alice@example.org",)]
    assert alice.subject == "【反诈骗工作提醒】甲社区：4月报表将于5月1日截止，尚未报送"
    assert "2021年4月反诈骗活动开展情况报表将于5月1日截止，以下社区尚未报送：甲社区。" in alice.body
    head = by_address[("head@example.org",)]
    assert head.subject.startswith("【反诈骗工作提醒】缺塘点：4月督导活动和工作会将于4月30日截止")
    sent = Reminder.objects.get(community=places["a"], channel="email")
    assert sent.is_sent and sent.recipients == "alice@example.org"


def test_r1_without_an_address_the_email_waits_as_a_failure(plan, places, people, email_on):
    """B's staff have no e-mail address: the office sees why, and it is tried again."""
    run(clock=at("2021-04-28 09:00"))
    waiting = Reminder.objects.failed().get(community=places["b"], channel="email")
    assert "没有电子邮件地址" in waiting.last_error
    # The command exits 1 while any is not delivered: cron or systemd tells someone.
    with time_machine.travel(at("2021-04-28 10:00"), tick=False), pytest.raises(NotDelivered):
        call_command("send_reminders", stdout=io.StringIO())
    people["bob"].email = "bob@example.org"
    people["bob"].save()
    run(clock=at("2021-04-29 09:00"))
    waiting.refresh_from_db()
    assert waiting.is_sent and waiting.attempts == 3  # the 09:00 and 10:00 runs failed
    assert [m.to for m in mail.outbox if "乙社区" in m.subject] == [["bob@example.org"]]


class RefusingBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        raise SMTPException("550 mailbox unavailable")


def test_r1_a_refusing_mail_server_is_a_failure_retried(plan, places, people, email_on, settings):
    people["alice"].email = "alice@example.org"
    people["alice"].save()
    settings.EMAIL_BACKEND = f"{__name__}.RefusingBackend"
    run(clock=at("2021-04-28 09:00"))
    failed = Reminder.objects.get(community=places["a"], channel="email")
    assert failed.has_failed and "550 mailbox unavailable" in failed.last_error
    # The portal's own reminder does not wait for the mail.
    assert Reminder.objects.get(community=places["a"], channel="portal").is_sent
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    run(clock=at("2021-04-28 09:00") + timedelta(hours=1))
    failed.refresh_from_db()
    assert failed.is_sent and failed.last_error == ""


def test_r1_email_off_sends_none(plan, places, people):
    people["alice"].email = "alice@example.org"
    people["alice"].save()
    run(clock=at("2021-04-28 09:00"))
    assert mail.outbox == []
    assert not Reminder.objects.filter(channel="email").exists()


def test_r1_the_days_are_a_setting(plan, places, settings):
    settings.REMINDER_DAYS_BEFORE = (7, 0)
    assert due(dry_run(at("2021-04-24 09:00"))) == [
        ("report", "2021-04", 7),
        ("supervision", "2021-04", 7),
    ]
    assert due(dry_run(at("2021-04-23 23:59:59"))) == [("supervision", "2021-04", 7)]


def test_r1_two_runs_at_once_send_a_reminder_once(plan, places):
    """A run claims each reminder before sending it: another run at the same time finds it
    taken; one that died holding it lets it go after Reminder.CLAIM_EXPIRES."""
    now = at("2021-04-28 09:00")
    reminder = Reminder.objects.create(
        kind="report",
        community=places["a"],
        plan=plan,
        month=4,
        deadline=plan.deadline_day_of(4),
        days_before=3,
        channel="portal",
    )
    assert reminder.claim(now)
    assert not reminder.claim(now + timedelta(minutes=1))
    assert reminder.claim(now + Reminder.CLAIM_EXPIRES + timedelta(seconds=1))
    reminder.mark_sent(now)
    assert not reminder.claim(now + timedelta(days=1))
