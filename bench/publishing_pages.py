"""The year in figures (yearbook:year), its workbook, the police's cases year
(cases:year) and the phases' overview (phases:home), as the leadership opens them, at a
city's size and a province's.

    python -m bench.publishing_pages [--communities 400] [--runs 5] [--quick]

Goals: at 400 communities each page ≤ 300 ms, at 20,000 ≤ 3 s (the year page lists
every community: it is a page for a city, read a few times a year); the workbook ≤ 2 s
and ≤ 20 s. Each view is a logged-in leader's GET through django.test.Client in this
process, median of the views after a first one. The city gets two years of fraud cases
(every community, every month of 2020 and 2021) and an implementation plan's row for one
community in two. The query counts do not grow with the city: tests/publishing/
test_year_pages.py, tests/duties/test_cases_pages.py and tests/duties/test_phase_desk.py
count them at two sizes.
"""

from datetime import datetime

from bench import common

PAGE_GOALS = {400: 0.3, 20000: 3.0}
WORKBOOK_GOALS = {400: 2.0, 20000: 20.0}

args = common.start(__doc__.splitlines()[0], communities=400, runs=5)

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from communities.models import Community  # noqa: E402
from duties.models import FraudCases, Phase, PhaseDocument  # noqa: E402
from reporting.models import Plan  # noqa: E402
from reporting.periods import LOCAL  # noqa: E402


def two_years_of_cases(police):
    """Every community's every month of 2020 and 2021, once."""
    if FraudCases.objects.exists():
        return
    rows = [
        FraudCases(
            year=year,
            community_id=pk,
            month=month,
            cases=(pk + month) % 4,
            losses=((pk + month) % 4) * 12000,
            recorded_by=police,
        )
        for pk in Community.objects.values_list("pk", flat=True)
        for year in (2020, 2021)
        for month in range(1, 13)
    ]
    FraudCases.objects.bulk_create(rows, batch_size=5000)


def plans_handed_in(plan, by):
    """An implementation plan's row for one community in two (no file: not downloaded)."""
    if PhaseDocument.objects.exists():
        return
    at = datetime(2021, 3, 20, 10, tzinfo=LOCAL)
    rows = [
        PhaseDocument(
            plan=plan,
            phase=Phase.PLAN,
            community_id=pk,
            file=f"documents/bench/{pk}.pdf",
            original_name="实施方案.pdf",
            content_type="application/pdf",
            size=1000,
            sha256="0" * 64,
            recorded_by=by,
            recorded_at=at,
        )
        for pk in Community.objects.values_list("pk", flat=True)[::2]
    ]
    PhaseDocument.objects.bulk_create(rows, batch_size=5000)


leader = User.objects.get(username="leader")
plan = Plan.objects.get(year=2021)
two_years_of_cases(leader)
plans_handed_in(plan, leader)
client = Client()
client.force_login(leader)
size = args.communities
page_goal = PAGE_GOALS[400] if size <= 400 else PAGE_GOALS[20000]
for name, url in (
    ("year page", reverse("yearbook:year") + "?year=2021"),
    ("cases year", reverse("cases:year", args=[2021])),
    ("phases overview", reverse("phases:home") + "?year=2021"),
):
    measured = common.measure_page(client, url, args.runs)
    common.verdict(
        f"{name} {size}", measured["wall"], page_goal, detail=common.page_detail(measured, size)
    )
workbook_url = reverse("yearbook:xlsx", args=[2021])


def download():
    response = client.get(workbook_url)
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content)


seconds, _queries, book = common.timed(download, max(1, args.runs // 2))
common.verdict(
    f"year workbook {size}",
    seconds,
    WORKBOOK_GOALS[400] if size <= 400 else WORKBOOK_GOALS[20000],
    detail=f"{len(book) // 1024} KB, {size} communities",
)
common.finish()
