"""Scoring one quarter of a province: gathering the inputs and the rules (S1–S6, W1–W3).

    python -m bench.score_quarter [--communities 20000] [--runs 5] [--quick]

Goals: 20,000 communities in ≤ 1.0 s and ≤ 10 queries, as of a moment (`--at`:
worked out every time); a closed quarter asked for now, as the pages ask, from the
cache (scoring.gather; local memory here) in ≤ 50 ms.
"""

import time

from bench import common

args = common.start(__doc__.splitlines()[0], communities=20000, runs=3)

from datetime import datetime  # noqa: E402

from django.core.cache import cache  # noqa: E402

from reporting.models import Plan  # noqa: E402
from reporting.periods import LOCAL, Quarter  # noqa: E402
from scoring.gather import PlanScores  # noqa: E402

plan = Plan.objects.get(year=2021)
Q2 = Quarter(2021, 2)
at = datetime(2021, 11, 30, 12, tzinfo=LOCAL)


def cpu_and_wall(work):
    """CPU and wall seconds of one run: far apart, other work took the cores."""
    cpu, wall = time.process_time(), time.perf_counter()
    work()
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    return f"one run {common.amount(cpu, 's')} CPU of {common.amount(wall, 's')}"


def score(plan_scores):
    """Every community's quarter, ranked: the rows the pages read (gather, rules, ranking)."""
    ranking = plan_scores.ranking(Q2)
    assert len(ranking.rows) == args.communities
    return ranking


seconds, queries, _ranking = common.timed(lambda: score(PlanScores(plan, at)), args.runs)
began = time.perf_counter()
PlanScores(plan, at).quarter_scores(Q2)
every = time.perf_counter() - began
common.verdict(
    "score_quarter",
    seconds,
    1.0,
    detail=f"{args.communities} communities, {queries} queries, "
    + cpu_and_wall(lambda: score(PlanScores(plan, at)))
    + f"; with a CommunityScore made for each (the command, the workbook) {every:.2f} s",
)
common.verdict("score_quarter queries", queries, 10, unit="queries")

cache.clear()
began = time.perf_counter()
first = score(PlanScores.now(plan))
worked_out = time.perf_counter() - began
seconds, queries, cached = common.timed(lambda: score(PlanScores.now(plan)), args.runs)
assert cached.standing == first.standing
common.verdict(
    "score_quarter cached",
    seconds,
    0.05,
    detail=f"a closed quarter now, {queries} queries, "
    + cpu_and_wall(lambda: score(PlanScores.now(plan)))
    + f"; worked out the first time in {common.amount(worked_out, 's')}",
)
common.finish()
