"""B1, the communities' quarterly board updates: each community × the plan's quarters that
carry a duty month, updated (with dates), not updated (the quarter has ended, Asia/Shanghai)
or not yet; the office's page and its workbook, mounted in the admin site by
duties.admin.BoardUpdateAdmin.get_urls(). A fixed number of queries at any size
(`board_quarters`: one for the communities, one for the updates). Not scored.
"""

from dataclasses import dataclass
from datetime import date

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import require_office
from communities.models import Community
from core.signals import data_exported
from core.spreadsheets import exported_at, write_rows, xlsx_response
from duties import rules
from duties.desk import chosen_plan
from duties.models import BoardUpdate
from duties.overview import BADGES
from duties.rules import DutyState
from reporting import periods

STATE_LABELS = {
    DutyState.DONE: gettext_lazy("Updated"),
    DutyState.MISSING: gettext_lazy("Not updated"),
    DutyState.NOT_YET: gettext_lazy("Not updated yet"),
}


@dataclass(frozen=True)
class BoardEntry:
    pk: int
    held_on: date


@dataclass(frozen=True)
class QuarterBoards:
    """One duty quarter of one community: its board updates and B1's verdict."""

    quarter: periods.Quarter
    updates: tuple
    state: str

    @property
    def label(self):
        return self.quarter.label

    @property
    def is_missing(self):
        return self.state == DutyState.MISSING

    @property
    def is_done(self):
        return self.state == DutyState.DONE

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def badge(self):
        return BADGES[self.state]


def judge(quarter, updates, now):
    """B1: updated once any update was recorded; not updated from the first local instant
    after the quarter (00:00:00 Asia/Shanghai of the next quarter's first day); not yet
    until then."""
    state = rules.duty_state(
        carries_duty=True, held=bool(updates), ends_at=quarter.ends_at, now=now
    )
    return QuarterBoards(quarter, tuple(updates), state)


def _updates(plan, community_id=None):
    """{(community id, quarter): [BoardEntry]} of the plan, in date order: one query."""
    found = {}
    updates = BoardUpdate.objects.filter(plan=plan)
    if community_id is not None:
        updates = updates.filter(community_id=community_id)
    rows = updates.order_by("held_on", "pk").values_list("pk", "community_id", "quarter", "held_on")
    for pk, community, quarter, held_on in rows:
        found.setdefault((community, quarter), []).append(BoardEntry(pk, held_on))
    return found


def community_quarters(plan, community_id, now):
    """[QuarterBoards] of each duty quarter of `plan` for one community: one query."""
    found = _updates(plan, community_id)
    return [
        judge(periods.Quarter(plan.year, q), found.get((community_id, q), ()), now)
        for q in rules.duty_quarters(plan.months())
    ]


def duty_quarters(plan):
    """The plan's quarters that carry a duty month, as periods.Quarter."""
    return [periods.Quarter(plan.year, q) for q in rules.duty_quarters(plan.months())]


def focus_quarter(plan, now):
    """The quarter the office looks at first: the running one if it carries a duty, else
    the latest duty quarter that has ended, else the first."""
    quarters = duty_quarters(plan)
    if not quarters:
        return None
    begun = [q for q in quarters if now >= periods.local_midnight(q.first_day)]
    return begun[-1] if begun else quarters[0]


def board_quarters(plan, communities, now):
    """[(community, [QuarterBoards])] for every community of `communities` (a queryset,
    read once): two queries for any number of communities and updates."""
    found = _updates(plan)
    quarters = duty_quarters(plan)
    return [
        (
            community,
            [judge(q, found.get((community.pk, q.number), ()), now) for q in quarters],
        )
        for community in communities.select_related("work_point")
    ]


def _table(request, plan, now):
    """The rows, those not updated in the focus quarter first (or only them)."""
    rows = board_quarters(plan, Community.objects.all(), now)
    focus = focus_quarter(plan, now)
    if focus is None:
        return rows, None, False

    def updated(row):
        return next(q for q in row[1] if q.quarter == focus).is_done

    only = request.GET.get("not_updated") == "1"
    if only:
        rows = [row for row in rows if not updated(row)]
    return sorted(rows, key=updated), focus, only


def boards_page(request, site):
    require_office(request.user)
    plans, plan = chosen_plan(request)
    now = timezone.now()
    rows, focus, only = _table(request, plan, now) if plan else ([], None, False)
    return TemplateResponse(
        request,
        "duties/admin_boards.html",
        {
            **site.each_context(request),
            "title": _("Communities' public boards, by quarter"),
            "years": [p.year for p in plans],
            "plan": plan,
            "quarters": duty_quarters(plan) if plan else [],
            "rows": rows,
            "focus": focus,
            "only_not_updated": only,
            "opts": BoardUpdate._meta,
        },
    )


def cell_text(quarter):
    lines = [str(quarter.state_label)]
    if quarter.updates:
        lines.append("、".join(f"{entry.held_on:%m-%d}" for entry in quarter.updates))
    return "\n".join(lines)


def boards_xlsx(request):
    """The same table as the page: one row per community, one column per duty quarter."""
    require_office(request.user)
    _plans, plan = chosen_plan(request)
    headers = [_("Work point"), _("Community")]
    rows = []
    if plan:
        table, _focus, _only = _table(request, plan, timezone.now())
        headers += [str(q.label) for q in duty_quarters(plan)]
        rows = [
            (community.work_point.name, community.name, *(cell_text(q) for q in quarters))
            for community, quarters in table
        ]
    year = plan.year if plan else timezone.localdate().year
    data_exported.send(
        sender=BoardUpdate,
        request=request,
        description=_("Export of the communities' board updates for %(year)d") % {"year": year},
    )
    heading = _("%(year)d communities' public board updates (not scored)") % {"year": year}
    return xlsx_response(
        write_rows(headers, rows, _("Boards"), f"{heading}　{exported_at()}"),
        f"宣传栏更新-{year}.xlsx",
    )
