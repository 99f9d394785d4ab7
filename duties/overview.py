"""A plan's duty months as P1 judges them, for one point or all: read in a fixed number
of queries (one for the visits, one for the meetings, whatever the number of points
and records), judged by duties.rules."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duties import rules
from duties.models import Supervision, WorkMeeting
from duties.rules import DutyState
from reporting import periods

# A visit's or a meeting's state as the head reads it for its month.
ITEM_LABELS = {
    DutyState.DONE: gettext_lazy("Done"),
    DutyState.MISSING: gettext_lazy("Missing"),
    DutyState.NOT_YET: gettext_lazy("Not done yet"),
    DutyState.NO_DUTY: gettext_lazy("No duty this month"),
}
# The portal's badges (static/css/portal.css): green, red, grey.
BADGES = {
    DutyState.DONE: "state-accepted",
    DutyState.MISSING: "state-returned",
    DutyState.NOT_YET: "state-none",
    DutyState.NO_DUTY: "state-none",
}


@dataclass(frozen=True)
class Entry:
    """A visit or a meeting as the tables list it: its date, and whether it was 补录."""

    pk: int
    held_on: date
    recorded_late: bool


@dataclass(frozen=True)
class MonthDuty:
    """One duty month of one point: what was held, and P1's verdicts."""

    year: int
    month: int
    supervisions: tuple
    meetings: tuple
    supervision_state: str
    meeting_state: str
    state: str

    @property
    def label(self):
        return f"{self.year}-{self.month:02d}"

    @property
    def is_done(self):
        return self.state == DutyState.DONE

    @property
    def is_missing(self):
        return self.state == DutyState.MISSING

    @property
    def state_label(self):
        return DutyState(self.state).label

    @property
    def badge(self):
        return BADGES[self.state]

    @property
    def supervision_label(self):
        return ITEM_LABELS[self.supervision_state]

    @property
    def supervision_badge(self):
        return BADGES[self.supervision_state]

    @property
    def meeting_label(self):
        return ITEM_LABELS[self.meeting_state]

    @property
    def meeting_badge(self):
        return BADGES[self.meeting_state]

    @property
    def missing_items(self):
        """What the month lacks, in words: 督导, 工作会 or both."""
        return [
            label
            for label, state in (
                (_("supervision visit"), self.supervision_state),
                (_("work meeting"), self.meeting_state),
            )
            if state != DutyState.DONE
        ]


def judge(plan, month, supervisions, meetings, now):
    """P1 for one month of one point, from the entries held that month."""
    carries_duty = plan.carries_duty(month)
    ends_at = periods.month_bounds(plan.year, month)[1]

    def state(held):
        return rules.duty_state(carries_duty=carries_duty, held=held, ends_at=ends_at, now=now)

    return MonthDuty(
        year=plan.year,
        month=month,
        supervisions=tuple(supervisions),
        meetings=tuple(meetings),
        supervision_state=state(bool(supervisions)),
        meeting_state=state(bool(meetings)),
        state=state(bool(supervisions) and bool(meetings)),
    )


def _entries(model, plan, work_point_id=None):
    """{(work point id, month): [Entry]} of `model` in `plan` (of one point, or of every
    point), in date order: one query, filtered by the plan, never by a list of ids."""
    found = {}
    records = model.objects.filter(plan=plan)
    if work_point_id is not None:
        records = records.filter(work_point_id=work_point_id)
    rows = records.order_by("held_on", "pk").values_list(
        "pk", "work_point_id", "month", "held_on", "recorded_at"
    )
    for pk, work_point_id, month, held_on, recorded_at in rows:
        ends_at = periods.month_bounds(plan.year, month)[1]
        entry = Entry(pk, held_on, rules.recorded_late(recorded_at, ends_at))
        found.setdefault((work_point_id, month), []).append(entry)
    return found


def plan_duties(plan, work_points, now):
    """[(work point, [MonthDuty of each duty month])] of `plan` for every point of
    `work_points` (a queryset, read once here): three queries for any number of points
    and records."""
    work_points = list(work_points)
    visits, meetings = _entries(Supervision, plan), _entries(WorkMeeting, plan)
    return [
        (
            point,
            [
                judge(
                    plan,
                    month,
                    visits.get((point.pk, month), ()),
                    meetings.get((point.pk, month), ()),
                    now,
                )
                for month in plan.months()
            ],
        )
        for point in work_points
    ]


def point_duties(plan, work_point_id, now):
    """[MonthDuty of each duty month] of `plan` for one point: two queries."""
    visits = _entries(Supervision, plan, work_point_id)
    meetings = _entries(WorkMeeting, plan, work_point_id)
    return [
        judge(
            plan,
            month,
            visits.get((work_point_id, month), ()),
            meetings.get((work_point_id, month), ()),
            now,
        )
        for month in plan.months()
    ]
