"""Print a quarter's scores: `python manage.py quarter_scores 2021Q2 --format json`."""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from reporting.models import Plan
from reporting.periods import Quarter
from scoring.gather import PlanScores, score_record


class Command(BaseCommand):
    help = "Print every community's deductions, rank and strikes for a quarter (S1–S6, W1–W3)."

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="e.g. 2021Q2")
        parser.add_argument("--format", choices=("json", "table"), default="table")
        parser.add_argument(
            "--at", help="evaluate as of this moment (ISO 8601, e.g. 2021-07-01T12:00+08:00)"
        )

    def handle(self, *args, **options):
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError as error:
            raise CommandError(str(error)) from None
        at = timezone.now()
        if options["at"]:
            try:
                at = datetime.fromisoformat(options["at"])
            except ValueError:
                raise CommandError(f"--at: not an ISO date-time: {options['at']!r}") from None
            if timezone.is_naive(at):
                at = timezone.make_aware(at)
        plan = Plan.objects.filter(year=quarter.year).first()
        if plan is None:
            raise CommandError(f"no plan for {quarter.year}")
        scores = PlanScores(plan, at)
        records = []
        if quarter in scores.quarters():
            records = [score_record(s) for s in scores.quarter_scores(quarter)]
        else:
            self.stderr.write(f"{quarter} has no month with a report due: not assessed (S6)")
        if options["format"] == "json":
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        for r in records:
            flags = ("前三" if r["in_top_three"] else "") + (" 应警告" if r["warning_due"] else "")
            self.stdout.write(
                f"{r['rank']:>3}  {r['total']}分  {r['community']}（{r['work_point']}）"
                f"  累计{r['strikes']}次 {flags}".rstrip()
            )
            for item in r["items"]:
                self.stdout.write(f"       -{item['points']} [{item['rule']}] {item['reason']}")
