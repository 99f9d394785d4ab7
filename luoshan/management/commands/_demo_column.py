"""seed_demo's part for the public 反诈骗 column (C2): two published posts and one draft,
each drawn from a month's accepted activities and a unit's activity, with their first
photos. Leaves what exists as it is: a post of the same title is not written again.

seed_demo calls `posts(plan, office)` after the reports and the units' activities exist.
"""

from datetime import datetime

from django.utils import timezone

from communities.models import Measure
from duties.models import UnitActivity
from publishing.models import Post, chosen_activities
from reporting import periods
from reporting.models import Activity
from reporting.periods import LOCAL

# (month, title, published): the posts of the demo's year, in the plan's words.
POSTS = (
    (5, "{year}年5月各社区反诈骗宣传活动掠影", True),
    (6, "“全民反诈”进社区、进校园：{year}年6月工作动态", True),
    (9, "{year}年9月反诈骗宣传活动（草稿）", False),
)
PARAGRAPHS = (
    "{month}月，罗山街道各社区和相关单位围绕“防范电信网络诈骗”主题，开展了形式多样的宣传活动。",
    "{who}等通过集中宣讲、摆放展板、入户走访等方式，向居民讲解刷单返利、冒充客服、"
    "虚假投资理财等常见诈骗手法，共有{people}人次参加。",
    "街道综治办提醒广大居民：不轻信、不转账，遇到可疑情况及时拨打96110咨询或报警。",
)


def posts(plan, office):
    """The demo's column: returns the posts written now (none when they exist already)."""
    written = []
    for month, title, published in POSTS:
        title = title.format(year=plan.year)
        if Post.objects.filter(title=title).exists():
            continue
        activities = list(
            Activity.objects.filter(chosen_activities(plan.year, month))
            .select_related("report__community")
            .order_by("report__community__position", "held_at")[:3]
        )
        # A unit's visit, not a carrier's SMS batch: its recipients are not participants.
        unit_activities = list(
            UnitActivity.objects.of_month(plan.year, month).exclude(unit__measure=Measure.SMS)[:1]
        )
        if not activities and not unit_activities:
            continue
        photos = [
            photo
            for activity in [*activities, *unit_activities]
            for photo in activity.photos.all()[:1]
        ]
        names = "、".join(dict.fromkeys(a.report.community.name for a in activities)) or "各单位"
        people = sum(a.participants for a in [*activities, *unit_activities])
        post = Post.write(
            office,
            year=plan.year,
            month=month,
            title=title,
            text="\n".join(p.format(month=month, who=names, people=people) for p in PARAGRAPHS),
            activities=activities,
            unit_activities=unit_activities,
            photos=photos,
        )
        if published:
            at = datetime(*periods.next_month(plan.year, month), 8, 10, tzinfo=LOCAL)
            post = post.publish(office, at=min(at, timezone.now()))
        written.append(post)
    return written
