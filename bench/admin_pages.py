"""The office's desk at a province's size: the admin index and the lists of reports and activities.

    python -m bench.admin_pages [--communities 20000] [--runs 7] [--quick]

Goals: the admin index (待审核, 未报送 of the month due), the report list and the
activity list filtered by a month, each in ≤ 200 ms at 20,000 communities, with a
number of queries that does not grow with the province (tests/reporting/
test_admin_lists.py and tests/luoshan/test_desk_index.py assert it at two sizes).
The report list of one community, and of the communities whose name has some
words (the community filter's box), are measured too, against the same goal.

Each view is the office's GET, past the second factor as tests/conftest.py's
`verified_login` is, through django.test.Client in this process (the middleware
included, no network): the median of the views after a first one, with its CPU
time, and the time of one view's SQL beside it (SQLite works in this process, so
its time is in the CPU time too, but for the COMMIT's wait for the disk). The
machine is shared: when the wall-clock time is far above the CPU time and the
COMMIT, other work took the cores; run again.
"""

from urllib.parse import urlencode

from bench import common

GOAL = 0.2
# The queries of each page, the same at every size (tests/reporting/test_admin_lists.py,
# tests/luoshan/test_desk_index.py), three of them the session's save (BEGIN, UPDATE,
# COMMIT: SESSION_SAVE_EVERY_REQUEST); the index's count of the evidence flags waiting
# for the office (E1) among them.
QUERIES = {
    "admin index": 19,
    "admin report list": 17,
    "admin activity list": 16,
    "admin report list by community": 18,
    "admin report list by name": 18,
}

args = common.start(__doc__.splitlines()[0], communities=20000, runs=7)

from django.contrib.auth.models import User  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402
from django_otp import DEVICE_ID_SESSION_KEY  # noqa: E402
from django_otp.plugins.otp_totp.models import TOTPDevice  # noqa: E402

from communities.models import Community  # noqa: E402
from communities.permissions import grant_office_permissions  # noqa: E402
from reporting.models import Plan  # noqa: E402


def office_client():
    """The office at its desk: signed in, and past the second factor (as tests/conftest.py's
    verified_login records it in the session)."""
    grant_office_permissions()
    office = User.objects.get(username="office")
    device = TOTPDevice.objects.filter(user=office, confirmed=True).first()
    if device is None:
        device = TOTPDevice.objects.create(user=office, name="bench", confirmed=True)
    client = Client()
    client.force_login(office)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return client


plan = Plan.objects.get(year=2021)
some_community = Community.objects.order_by("position")[args.communities // 2]
client = office_client()
month = {"plan__id__exact": plan.pk, "month": 6}
pages = (
    ("admin index", reverse("admin:index")),
    ("admin report list", reverse("admin:reporting_monthlyreport_changelist"), month),
    (
        "admin activity list",
        reverse("admin:reporting_activity_changelist"),
        {"report__plan__id__exact": plan.pk, "report__month": 6},
    ),
    (
        "admin report list by community",
        reverse("admin:reporting_monthlyreport_changelist"),
        {"community": some_community.pk},
    ),
    (
        "admin report list by name",
        reverse("admin:reporting_monthlyreport_changelist"),
        {"community_name": some_community.name[:-1]},  # ten communities have it
    ),
)
for name, url, *query in pages:
    if query:
        url += "?" + urlencode(query[0])
    measured = common.measure_page(client, url, args.runs)
    common.verdict(
        name, measured["wall"], GOAL, detail=common.page_detail(measured, args.communities)
    )
    common.verdict(f"{name} queries", measured["queries"], QUERIES[name], unit="queries")
common.finish()
