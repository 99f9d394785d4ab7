"""seed_demo's part for the duties beyond the monthly report: the communities' boards and
screens (B1), the units' activities (U1) and the reminders' channels and log (R1).

Each function leaves what exists as it is, as seed_demo does. `draw(seed, held, line, name,
title)` is seed_demo's picture maker: a photo of its own, taken at `held`, checked.
"""

import uuid
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from communities.models import Community, Measure, Unit, WorkPoint
from duties.forms import SMS_FORM
from duties.models import BoardUpdate, ScreenKind, ScreenUse, UnitActivity
from reminders.models import WeComGroup
from reminders.sending import send_due
from reporting.models import ActivityForm
from reporting.periods import LOCAL

# B1: every community updates its board each duty quarter begun, except this one.
MISSED_BOARD = ("沟头社区（示例）", 3)
BOARD_PLACES = ("社区党群服务中心门口宣传栏", "小区主入口平安建设宣传栏", "文化广场宣传栏")

# U1: one unit records nothing all year (the office sees it on the year overview).
IDLE_UNIT = "妇工委"
SCHOOLS = ("罗山中心小学", "罗山中学", "缺塘小学", "华洲小学", "上郭小学")
# 教育办's visits, (month, day, school): the spring term's, then the autumn's begun.
SCHOOL_VISITS = (
    (4, 9, 0),
    (4, 23, 1),
    (5, 14, 2),
    (6, 4, 3),
    (6, 18, 4),
    (9, 17, 0),
    (10, 15, 1),
)
# What the other units did, in words of their duty: (form, place, caption).
UNIT_WORK = {
    "社会治理办": (
        ActivityForm.TRAINING,
        "街道会议室",
        "召开各单位反诈骗宣传协作会，部署平安企业防骗培训",
    ),
    "企业办": (ActivityForm.LEAFLETS, "辖区企业", "组织企业反诈志愿者向员工分发反诈骗宣传手册"),
    "城管办": (
        ActivityForm.DISPLAY_BOARD,
        "小区物业服务中心",
        "组织小区物业在电梯、通道张贴反诈骗宣传海报",
    ),
    "派出所": (ActivityForm.DOOR_TO_DOOR, "辖区出租房屋", "走访出租房屋，与房东签订反诈骗责任书"),
    "司法所": (ActivityForm.TALK, "罗山司法所普法广场", "结合普法日开展反诈骗法律法规宣传"),
    "市场监督管理所": (
        ActivityForm.LEAFLETS,
        "沿街“五小场所”",
        "要求有显示屏的店铺播放反诈骗宣传标语",
    ),
    "运管站": (ActivityForm.DISPLAY_BOARD, "公交站场", "在出租车、公交车上张贴反诈骗宣传标语"),
    "广电站": (ActivityForm.LED_BROADCAST, "街道各主要道路", "广播车巡回播放反诈骗宣传音频"),
    "社区卫生服务中心": (
        ActivityForm.TALK,
        "社区卫生服务中心候诊区",
        "结合平安医院创建向候诊群众讲解防骗知识",
    ),
    "各银行网点": (
        ActivityForm.LED_BROADCAST,
        "罗山各银行网点",
        "在ATM、LED屏播放防骗提示，提醒大额转账客户",
    ),
    "电信": (ActivityForm.OTHER, "罗山全辖区", "向辖区手机用户发送防骗预警短信"),
    "移动": (ActivityForm.OTHER, "罗山全辖区", "向辖区手机用户发送防骗预警短信"),
    "联通": (ActivityForm.OTHER, "罗山全辖区", "向辖区手机用户发送防骗预警短信"),
}
# R1: the example group is off: the demo never posts outside the machine.
DEMO_GROUP = "罗山反诈骗宣传工作群（示例）"
DEMO_WEBHOOK = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=demo-not-a-real-key"
# The portal's reminders of October 2021, as the daily run would have logged them.
REMINDER_RUNS = ("2021-10-29T09:00", "2021-11-01T09:00")


def board_updates(plan, communities, staff_of, draw, rng):
    """B1: each community's board update in each duty quarter begun (one missed), with a
    photo, and a few LED screen or broadcast uses."""
    for number, community in enumerate(communities, start=1):
        staff = staff_of(community)
        for quarter in (2, 3, 4):
            start = date(plan.year, 3 * quarter - 2, 1)
            if start > timezone.localdate() or (community.name, quarter) == MISSED_BOARD:
                continue
            if BoardUpdate.objects.filter(plan=plan, community=community, quarter=quarter):
                continue
            held_on = start + timedelta(days=rng.randint(3, 40))
            held = datetime.combine(held_on, time(10, 0), tzinfo=LOCAL)
            place = BOARD_PLACES[number % len(BOARD_PLACES)]
            BoardUpdate.record(
                community=community,
                plan=plan,
                by=staff,
                submission=uuid.uuid4(),
                photos=[
                    draw(
                        f"宣传栏/{community.name}/{held_on}",
                        held,
                        f"{community.name} {held_on}",
                        f"BOARD_{number:02d}_{quarter}.jpg",
                        "平安建设宣传栏",
                    )
                ],
                held_on=held_on,
                place=place,
                at=held + timedelta(hours=2),
            )
        if number % 3 == 0 and not ScreenUse.objects.filter(community=community).exists():
            ScreenUse.record(
                community=community,
                by=staff,
                submission=uuid.uuid4(),
                at=datetime(plan.year, 5, 20, 18, tzinfo=LOCAL),
                held_on=date(plan.year, 5, 20),
                kind=ScreenKind.LED if number % 2 else ScreenKind.BROADCAST,
                place="社区党群服务中心",
                content="循环播放“反诈五不要”宣传标语",
                times=30,
            )


def unit_activities(plan, user_of, draw, rng):
    """U1: the units' activities of the plan's months begun, each with a photo and, where
    the duty names one, its count; 教育办 visits five schools in the spring term and two
    in the autumn term; one unit records nothing. Returns the units' accounts."""
    accounts = []
    for unit in Unit.objects.all():
        account = user_of(unit)
        accounts.append(account)
        if unit.name == IDLE_UNIT or UnitActivity.objects.filter(unit=unit).exists():
            continue
        for month, day, place, caption, count in _unit_plan(unit, plan, rng):
            held = datetime(plan.year, month, day, 9, 30, tzinfo=LOCAL)
            if held > timezone.now():
                continue
            form, _place, _caption = UNIT_WORK.get(unit.name, UNIT_WORK["社会治理办"])
            UnitActivity.record(
                unit=unit,
                year=plan.year,
                month=month,
                by=account,
                submission=uuid.uuid4(),
                photos=[
                    draw(
                        f"单位/{unit.name}/{held:%Y-%m-%d}",
                        held,
                        f"{unit.name} {held:%Y-%m-%d}",
                        f"UNIT_{unit.position:02d}_{month:02d}_{day:02d}.jpg",
                        "防范电信网络诈骗",
                    )
                ],
                at=held + timedelta(hours=6),
                held_at=held,
                place=place,
                form=form,
                form_other=SMS_FORM if form == ActivityForm.OTHER else "",
                participants=count if unit.measure == Measure.SMS else rng.randint(20, 120),
                caption=caption,
                count=count,
            )
    return accounts


def _unit_plan(unit, plan, rng):
    """(month, day, place, caption, count) of each of `unit`'s activities."""
    _form, place, caption = UNIT_WORK.get(unit.name, UNIT_WORK["社会治理办"])
    if unit.measure == Measure.SCHOOLS:
        return [
            (month, day, SCHOOLS[school], f"{SCHOOLS[school]}开展防骗宣传教育课，师生共同参与", 1)
            for month, day, school in SCHOOL_VISITS
        ]
    counts = {
        Measure.SMS: lambda: rng.randint(60, 90) * 1000,
        Measure.LANDLORDS: lambda: rng.randint(8, 25),
        Measure.PROPERTY: lambda: rng.randint(1, 3),
        Measure.NONE: lambda: None,
    }[unit.measure]
    months = plan.months() if unit.measure else plan.months()[::3]
    return [(month, rng.randint(5, 25), place, caption, counts()) for month in months]


def reminder_channels(plan):
    """R1: the example WeCom group (off), and the portal's reminders of October 2021 as
    the daily run would have logged them."""
    group, created = WeComGroup.objects.get_or_create(
        name=DEMO_GROUP, defaults={"webhook_url": DEMO_WEBHOOK, "enabled": False}
    )
    if created:
        group.work_points.set(WorkPoint.objects.all())
    if plan.carries_duty(10) and Community.objects.exists():
        for at in REMINDER_RUNS:
            send_due(datetime.fromisoformat(at).replace(tzinfo=LOCAL))
