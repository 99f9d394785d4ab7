"""seed_demo's part for the phases' papers (issue 14 part 3): most communities and units
have uploaded their 实施方案 for 动员部署 in March, a .docx made with python-docx; a few
have not (the office's desk shows them 未上传 in red); one community uploaded a draft and
then its final version; one unit uploaded after 31 March. No 总结 yet: 总结巩固 has not
ended.

Leaves what exists as it is, as seed_demo does; handed in through duties.documents, as the
page hands them in (checked by content, stored under a random path).
"""

import io
import uuid
from datetime import datetime

import docx
from django.core.files.uploadedfile import SimpleUploadedFile

from communities.models import Assignment, Community, Unit
from duties.documents import check_document, hand_in
from duties.models import Phase, PhaseDocument
from reporting.periods import LOCAL

# Those that have not uploaded: every SKIP_EVERY-th community, and these units.
SKIP_EVERY = 5
SILENT_UNITS = ("妇工委", "运管站")
# One community's first draft, replaced by its final version a week later.
TWO_VERSIONS = 2  # the second community
# One unit uploaded after the day (31 March): the page says 逾期上传.
LATE_UNIT = "广电站"

SECTIONS = (
    ("一、指导思想", "以预防和减少电信网络诈骗案件为目标，坚持宣传发动与打击防范相结合。"),
    ("二、工作目标", "力争实现诈骗案件持续减少，辖区群众防骗意识和能力明显提升。"),
    (
        "三、工作措施",
        "紧盯老年人、企业员工、在校学生等重点群体，每月至少开展一次集中宣传活动，"
        "更新平安建设宣传栏，联合派出所走进企业、小区开展宣传。",
    ),
    ("四、时间安排", "动员部署（3月）、活动实施（4月—10月）、总结巩固（11月—12月底）。"),
    ("五、工作要求", "明确责任人，按时报送活动情况，确保各项措施落到实处。"),
)


def plan_docx(owner_name, year, draft=False):
    """An 实施方案 as a community or unit writes one: a title and the plan's five parts."""
    document = docx.Document()
    title = f"{owner_name}{year}年反诈骗宣传活动实施方案"
    document.add_heading(f"{title}（征求意见稿）" if draft else title, level=1)
    for heading, text in SECTIONS:
        document.add_heading(heading, level=2)
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _staff(owner):
    assignment = (
        Assignment.objects.filter(**{_field(owner): owner})
        .select_related("user")
        .order_by("pk")
        .first()
    )
    return assignment.user if assignment else None


def _hand_in(plan, owner, by, at, draft=False):
    name = f"{owner.name}{plan.year}年实施方案{'（初稿）' if draft else ''}.docx"
    checked = check_document(SimpleUploadedFile(name, plan_docx(owner.name, plan.year, draft)))
    return hand_in(
        plan=plan,
        phase=Phase.PLAN,
        owner=owner,
        checked=checked,
        by=by,
        submission=uuid.uuid4(),
        at=at,
    )


def phase_documents(plan):
    """The 实施方案 of the communities and units that have handed theirs in; returns how
    many papers were added. Call after the communities' and units' accounts exist."""
    added = 0
    owners = [
        *(
            (community, n % SKIP_EVERY == 0, n)
            for n, community in enumerate(Community.objects.all(), start=1)
        ),
        *((unit, unit.name in SILENT_UNITS, 0) for unit in Unit.objects.all()),
    ]
    for position, (owner, silent, number) in enumerate(owners):
        by = _staff(owner)
        handed_in = PhaseDocument.objects.filter(
            plan=plan, phase=Phase.PLAN, **{_field(owner): owner}
        ).exists()
        if silent or by is None or handed_in:
            continue
        day = 5 + position % 24  # spread over March
        at = datetime(plan.year, 3, day, 16, 30, tzinfo=LOCAL)
        if getattr(owner, "name", "") == LATE_UNIT:
            at = datetime(plan.year, 4, 6, 10, 0, tzinfo=LOCAL)
        if number == TWO_VERSIONS:
            _hand_in(plan, owner, by, at.replace(day=3), draft=True)
            added += 1
        _hand_in(plan, owner, by, at)
        added += 1
    return added


def _field(owner):
    return "unit" if isinstance(owner, Unit) else "community"
