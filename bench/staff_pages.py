"""A community's staff pages in a city: home, the report (a draft and a submitted one), the team.

    python -m bench.staff_pages [--communities 400] [--runs 9] [--quick]

Goals: each page in ≤ 30 ms, and a number of queries that does not grow with the
community's reports, activities or team (tests/reporting/test_staff_page_queries.py
asserts it at two sizes). Each view is a logged-in staff member's GET through
django.test.Client in this process (the middleware included, no network), the
median of the views after a first one, with its CPU time, and the time of one
view's SQL beside it (SQLite works in this process, so its time is in the CPU time
too, but for the COMMIT's wait for the disk: every page saves the session). The
machine is shared: when the wall-clock time is far above the CPU time and the
COMMIT, other work took the cores; run again.

The synthetic city's `staff` works for community 0, whose reports are all
submitted; the draft is another community's, read by a bench account of that
community's staff (`bench-draft`, made here once with an unusable password).
"""

from bench import common

GOAL = 0.03
# The queries of each page, the same at every size (tests/reporting/
# test_staff_page_queries.py), three of them the session's save (BEGIN, UPDATE, COMMIT:
# SESSION_SAVE_EVERY_REQUEST); the home's one more is the reminder banner's (R1).
QUERIES = {"home": 11, "report draft": 14, "report submitted": 12, "team": 10}

args = common.start(__doc__.splitlines()[0], communities=400, runs=9)

from django.contrib.auth.models import Group, User  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from communities.models import Assignment, Role  # noqa: E402
from reporting.models import MonthlyReport, ReportState  # noqa: E402


def staff_of(community):
    """A staff account of `community`: the city's own, or the bench's for the draft."""
    assignment = Assignment.objects.filter(community=community).select_related("user").first()
    if assignment:
        return assignment.user
    user = User(username="bench-draft", first_name="bench-draft")
    user.set_unusable_password()
    user.save()
    user.groups.add(Group.objects.get_or_create(name=Role.COMMUNITY_STAFF)[0])
    Assignment.objects.create(user=user, community=community)
    return user


def client_of(user):
    client = Client()
    client.force_login(user)
    return client


staff = User.objects.get(username="staff")
submitted = (
    MonthlyReport.objects.filter(community__staff__user=staff, state=ReportState.SUBMITTED)
    .order_by("plan__year", "month")
    .first()
)
draft = (
    MonthlyReport.objects.filter(state=ReportState.DRAFT, plan=submitted.plan)
    .order_by("community__position", "month")
    .first()
)
staff_client, draft_client = client_of(staff), client_of(staff_of(draft.community))
pages = (
    # The synthetic plan's year: this year has no plan, and its home would show none.
    ("home", staff_client, f"{reverse('home')}?year={submitted.plan.year}"),
    ("report draft", draft_client, draft.get_absolute_url()),
    ("report submitted", staff_client, submitted.get_absolute_url()),
    ("team", staff_client, reverse("team")),
)
for name, client, url in pages:
    measured = common.measure_page(client, url, args.runs)
    common.verdict(
        f"staff_pages {name}",
        measured["wall"],
        GOAL,
        detail=common.page_detail(measured, args.communities),
    )
    common.verdict(
        f"staff_pages {name} queries", measured["queries"], QUERIES[name], unit="queries"
    )
common.finish()
