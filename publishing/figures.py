"""C1: the figures a circular shows, as plain JSON-ready values: drawn from the scores
(scoring.gather.PlanScores) at a moment, frozen into the circular when it is issued, and
drawn again later to tell whether the scores have changed since ("已发布通报后有变更").

A quarter's figures: every community's rank, total and deductions with their reasons
(S1–S6), the worst three (W2), strikes and warnings due (W3), the warnings issued, and
the inspections held in the quarter. An inspection's: each community's points and rank.
"""

from reporting import periods
from scoring.gather import PlanScores, score_record


def quarter_figures(plan, quarter, at):
    """The figures of `quarter` (a reporting.periods.Quarter) of `plan`, as of `at`."""
    scores = PlanScores(plan, at)
    assessed = quarter in scores.quarters()
    rows = [score_record(s) for s in scores.quarter_scores(quarter)] if assessed else []
    first, last = quarter.months[0], quarter.months[-1]
    in_quarter = [
        inspection
        for inspection in scores.inspections
        if inspection.held_on.month in quarter.months and inspection.held_on.year == plan.year
    ]
    return {
        "kind": "quarter",
        "quarter": str(quarter),
        "year": plan.year,
        "months": [first, last],
        "assessed": assessed,
        "rows": rows,
        "top_three": [row["community"] for row in rows if row["in_top_three"]],
        "warnings_due": [row["community"] for row in rows if row["warning_due"]],
        "warnings": [
            {
                "community": warning.community.name,
                "issued_on": warning.issued_on.isoformat(),
                "strikes": warning.strikes,
            }
            for warning in sorted(scores.warnings.values(), key=lambda w: w.issued_on)
            if warning.issued_on <= periods.local(at).date()
        ],
        "inspections": [_inspection(scores, inspection) for inspection in in_quarter],
    }


def inspection_figures(inspection, at):
    """The figures of one inspection (督查): each community's points and rank (W1, W2)."""
    scores = PlanScores(inspection.plan, at)
    return {"kind": "inspection", "year": inspection.plan.year, **_inspection(scores, inspection)}


def _inspection(scores, inspection):
    return {
        "title": inspection.title,
        "held_on": inspection.held_on.isoformat(),
        "results": [
            {
                "community": row.community.name,
                "points": row.points,
                "rank": row.rank,
                "in_top_three": row.in_top_three,
            }
            for row in scores.inspection_scores(inspection)
        ],
    }


def changed_since_issue(circular, at):
    """C1: whether the figures drawn now differ from those the circular froze."""
    if not circular.is_issued:
        return False
    return figures_of(circular, at) != circular.figures


def figures_of(circular, at):
    """The circular's figures as the scores stand at `at`."""
    if circular.inspection_id:
        return inspection_figures(circular.inspection, at)
    quarter = periods.Quarter(circular.plan.year, circular.quarter)
    return quarter_figures(circular.plan, quarter, at)
