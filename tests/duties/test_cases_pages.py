"""The fraud cases' pages (duties/cases.py): who reads the year and who records a month;
the year says 未录入 for a month not entered, never 0; the month's form is every community,
prefilled, saved all together or not at all, with who and when, a correction keeping the
earlier version; its refusals beside their fields; a page built on older figures refused;
a form sent twice harmless; months to come refused, to the second (Asia/Shanghai)."""

from datetime import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from duties.models import FraudCases
from reporting.periods import LOCAL
from tests.duties import cases_fixtures
from tests.duties.cases_fixtures import enter, more_communities
from tests.duties.conftest import make_unit_staff

clerk, may, police = cases_fixtures.clerk, cases_fixtures.may, cases_fixtures.police

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("may")]


def url(name, *args):
    return reverse(f"cases:{name}", args=args)


@pytest.fixture
def everyone(people, clerk, units):
    """Each role: the 派出所's clerk, another unit's staff, and the portal's people."""
    return {**people, "police": clerk, "edu": make_unit_staff("edu", units["edu"])}


# Who gets what (status), page by page. The police station's staff and the office record;
# the leadership reads the year; every other role is refused.
PAGES = {
    "home": ((), {"police": 302, "office": 302, "leader": 302}),
    "year": ((2021,), {"police": 200, "office": 200, "leader": 200}),
    "month": ((2021, 4), {"police": 200, "office": 200}),
    "template": ((2021, 4), {"police": 200, "office": 200}),
    "import": ((2021, 4), {"police": 200, "office": 200}),
}
ROLES = ("police", "office", "leader", "edu", "alice", "head", "nobody")


@pytest.mark.parametrize("page", PAGES)
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_its_answer(client, plan, everyone, page, role):
    args, allowed = PAGES[page]
    client.force_login(everyone[role])
    assert client.get(url(page, *args)).status_code == allowed.get(role, 403)


@pytest.mark.parametrize("page", PAGES)
def test_anonymous_is_sent_to_log_in(client, plan, page):
    response = client.get(url(page, *PAGES[page][0]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_leadership_cannot_record(client, plan, places, people):
    client.force_login(people["leader"])
    response = client.post(url("month", 2021, 4), {f"cases_{places['a'].pk}": "1"})
    assert response.status_code == 403
    assert not FraudCases.objects.exists()


def test_a_unit_not_reporting_cases_is_refused_even_as_unit_staff(client, plan, units):
    client.force_login(make_unit_staff("edu", units["edu"]))
    assert client.get(url("month", 2021, 4)).status_code == 403


def test_home_opens_the_year(client, plan, clerk):
    client.force_login(clerk)
    assert client.get(url("home"))["Location"] == url("year", 2021)


def test_a_year_neither_a_plans_nor_the_one_before_or_a_wrong_month_is_not_found(
    client, plan, clerk
):
    """2021 has a plan, 2020 is the year before it (tests/duties/test_cases_years.py)."""
    client.force_login(clerk)
    assert client.get(url("year", 2020)).status_code == 200
    assert client.get(url("year", 2019)).status_code == 404
    assert client.get(url("month", 2021, 13)).status_code == 404


# The year.


def test_the_year_says_not_entered_never_zero(client, plan, places, people, clerk):
    enter(plan, 4, clerk, {places["a"]: (3, "12000"), places["b"]: (0, "0")})
    client.force_login(people["leader"])
    response = client.get(url("year", 2021))
    grid = {community.name: cells for community, cells, _total in response.context["grid"]}
    april, march, june = (grid["甲社区"][m - 1] for m in (4, 3, 6))
    assert (april.figures.cases, april.losses) == (3, "12,000")
    assert march.figures is None and march.begun  # not entered: said so
    assert grid["丙社区"][3].figures is None  # April, not entered for 丙
    assert grid["乙社区"][3].figures.cases == 0  # entered as 0: shown as 0
    assert not june.begun
    page = response.content.decode()
    assert "未录入" in page and "未到" in page
    assert "3起" in page and "12,000元" in page
    # April's total: two of three communities entered.
    april_total = response.context["months"][3][2]
    assert (april_total.cases, april_total.entered, april_total.of) == (3, 2, 3)
    assert "已录入2/3个社区" in page
    # The leadership reads: no month to open for entry.
    assert url("month", 2021, 4) not in page


def test_the_recorder_opens_each_month_begun_from_the_year(client, plan, clerk):
    client.force_login(clerk)
    page = client.get(url("year", 2021)).content.decode()
    for month in range(1, 6):
        assert url("month", 2021, month) in page
    assert url("month", 2021, 6) not in page


# The month's form.


def form_data(response, values):
    """The page's form as sent: its hidden `seen` and `values` ({field: text})."""
    return {"seen": response.context["seen"], **values}


def fields(places, **by_key):
    """{"a": ("3", "1200")} → the form's fields for community a."""
    data = {}
    for key, (cases, losses) in by_key.items():
        data[f"cases_{places[key].pk}"] = cases
        data[f"losses_{places[key].pk}"] = losses
    return data


def test_the_form_lists_every_community_prefilled(client, plan, places, clerk):
    enter(plan, 4, clerk, {places["b"]: (2, "3500.5")})
    client.force_login(clerk)
    response = client.get(url("month", 2021, 4))
    page = response.content.decode()
    for name in ("甲社区", "乙社区", "丙社区"):
        assert name in page
    form = response.context["form"]
    assert form[f"cases_{places['b'].pk}"].value() == 2
    assert form[f"losses_{places['b'].pk}"].value() == "3500.50"
    assert form[f"cases_{places['a'].pk}"].value() is None


def test_saving_writes_every_community_with_who_and_when(client, plan, places, clerk, may):
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))
    data = form_data(page, fields(places, a=("3", "12,000"), b=("0", "0"), c=("", "")))
    response = client.post(url("month", 2021, 4), data)
    assert response.status_code == 302 and response["Location"] == url("year", 2021)
    rows = {r.community.name: r for r in FraudCases.objects.select_related("community")}
    assert set(rows) == {"甲社区", "乙社区"}  # 丙 left empty: not entered
    assert (rows["甲社区"].cases, rows["甲社区"].losses) == (3, Decimal("12000.00"))
    assert all(r.recorded_by == clerk and r.recorded_at == may for r in rows.values())
    assert all(r.history.get().history_user == clerk for r in rows.values())
    messages = [str(m) for m in response.wsgi_request._messages]
    assert messages == ["已保存2021年4月：新录入2个社区，更正0个，不变0个。"]


def test_a_correction_overwrites_and_keeps_the_earlier_version(client, plan, places, clerk, people):
    first = enter(plan, 4, clerk, {places["a"]: (3, "12000")}).created
    assert first
    client.force_login(people["office"])
    page = client.get(url("month", 2021, 4))
    client.post(url("month", 2021, 4), form_data(page, fields(places, a=("4", "15000"))))
    row = FraudCases.objects.get()
    assert (row.cases, row.losses, row.recorded_by) == (4, Decimal("15000"), people["office"])
    versions = [(v.cases, v.history_user) for v in row.history.order_by("history_date", "pk")]
    assert versions == [(3, clerk), (4, people["office"])]


# Each refusal, beside its field: (cases typed, losses typed, field refused, words).
REFUSALS = [
    ("-1", "0", "cases", "数字不能为负数"),
    ("abc", "0", "cases", "“abc”不是案件数"),
    ("1.5", "100", "cases", "发案数须为整数"),
    ("1001", "0", "cases", "一个社区一个月发案超过1,000起不合常理"),
    ("三", "100", "cases", "“三”不是案件数"),
    ("1", "-5", "losses", "数字不能为负数"),
    ("1", "5万", "losses", "“5万”不是金额"),
    ("1", "100.123", "losses", "金额最多保留两位小数"),
    ("1", "100000001", "losses", "损失超过100,000,000元不合常理"),
    ("0", "500", "losses", "有损失金额却没有案件"),
    ("", "500", "cases", "请同时填写发案数"),
    ("2", "", "losses", "请同时填写损失金额"),
    ("1" * 31, "0", "cases", "30"),
]


@pytest.mark.parametrize(("cases", "losses", "field", "words"), REFUSALS)
def test_a_bad_figure_is_refused_beside_its_field_and_nothing_is_saved(
    client, plan, places, clerk, cases, losses, field, words
):
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))
    data = form_data(page, fields(places, a=("2", "800"), b=(cases, losses)))
    response = client.post(url("month", 2021, 4), data)
    assert response.status_code == 200
    name = f"{field}_{places['b'].pk}"
    form = response.context["form"]
    assert any(words in error for error in form.errors[name])
    # Beside the field (its own message, named by the field's aria-describedby) and at the top.
    page = response.content.decode()
    assert f'id="id_{name}_error"' in page and f'aria-describedby="id_{name}_error"' in page
    assert f'href="#div_id_{name}"' in page
    # The form is sent to #error-summary: refused, the page opens at the summary.
    assert f'action="{url("month", 2021, 4)}#error-summary"' in page
    assert cases in page or len(cases) > 30  # what was typed comes back
    assert not FraudCases.objects.exists()  # 甲's good figures are not saved either


def test_recorded_figures_cannot_be_emptied(client, plan, places, clerk):
    enter(plan, 4, clerk, {places["a"]: (3, "12000")})
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))
    response = client.post(url("month", 2021, 4), form_data(page, fields(places, a=("", ""))))
    assert response.status_code == 200
    assert "该社区本月已录入，只能更正，不能清空。" in response.content.decode()
    assert FraudCases.objects.get().cases == 3


def test_figures_are_read_as_clerks_type_them(client, plan, places, clerk):
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))
    data = form_data(page, fields(places, a=("３", "1，234.5"), b=(" 2 ", "52,000.00")))
    assert client.post(url("month", 2021, 4), data).status_code == 302
    got = {r.community.name: (r.cases, r.losses) for r in FraudCases.objects.all()}
    assert got == {"甲社区": (3, Decimal("1234.50")), "乙社区": (2, Decimal("52000"))}


# Older pages and double taps.


def test_a_page_built_on_older_figures_does_not_overwrite_them(client, plan, places, clerk, people):
    client.force_login(clerk)
    old_page = client.get(url("month", 2021, 4))
    # Meanwhile the office enters 甲's April.
    enter(plan, 4, people["office"], {places["a"]: (5, "9000")})
    data = form_data(old_page, fields(places, a=("3", "12000"), b=("1", "100")))
    response = client.post(url("month", 2021, 4), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "未保存：您打开本页后，有人修改了本月的数字。" in page
    assert "现已录入：5起，9,000元（office，" in page and "您打开本页时：未录入。" in page
    assert {(r.community_id, r.cases) for r in FraudCases.objects.all()} == {(places["a"].pk, 5)}
    # What was typed is still there; saving again, now knowingly, replaces it.
    assert response.context["form"][f"cases_{places['a'].pk}"].value() == "3"
    again = client.post(url("month", 2021, 4), {**data, "seen": response.context["seen"]})
    assert again.status_code == 302
    assert FraudCases.objects.get(community=places["a"]).cases == 3
    assert FraudCases.objects.get(community=places["b"]).cases == 1


def test_figures_changed_meanwhile_to_the_same_are_no_conflict(client, plan, places, clerk, people):
    client.force_login(clerk)
    old_page = client.get(url("month", 2021, 4))
    enter(plan, 4, people["office"], {places["a"]: (3, "12000")})
    data = form_data(old_page, fields(places, a=("3", "12000"), b=("1", "100")))
    assert client.post(url("month", 2021, 4), data).status_code == 302
    assert FraudCases.objects.count() == 2
    assert FraudCases.objects.get(community=places["a"]).recorded_by == people["office"]


def test_a_form_sent_twice_saves_once(client, plan, places, clerk):
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))
    data = form_data(page, fields(places, a=("3", "12000"), b=("1", "100")))
    client.post(url("month", 2021, 4), data)
    second = client.post(url("month", 2021, 4), data)
    assert second.status_code == 302
    messages = [str(m) for m in second.wsgi_request._messages]
    assert messages[-1] == "没有变化：2021年4月的数字已按此录入。"
    assert [r.history.count() for r in FraudCases.objects.all()] == [1, 1]


def test_a_forged_seen_key_counts_as_a_page_that_saw_nothing(client, plan, places, clerk, people):
    enter(plan, 4, people["office"], {places["a"]: (5, "9000")})
    client.force_login(clerk)
    data = {"seen": "forged", **fields(places, a=("3", "12000"))}
    response = client.post(url("month", 2021, 4), data)
    assert response.status_code == 200 and response.context["stale"]
    assert FraudCases.objects.get().cases == 5


# All or nothing.


def test_a_failure_while_writing_leaves_the_month_as_it_was(
    client, plan, places, clerk, monkeypatch
):
    enter(plan, 4, clerk, {places["a"]: (3, "12000")})
    client.force_login(clerk)
    page = client.get(url("month", 2021, 4))

    def broken(*args, **kwargs):
        raise RuntimeError("the disk is full")

    monkeypatch.setattr("duties.cases_records.bulk_update_with_history", broken)
    data = form_data(page, fields(places, a=("4", "12000"), b=("1", "100")))
    with pytest.raises(RuntimeError):
        client.post(url("month", 2021, 4), data)
    assert {(r.community_id, r.cases) for r in FraudCases.objects.all()} == {(places["a"].pk, 3)}


# The month's edge, in Beijing time.

LAST_SECOND_OF_APRIL = datetime(2021, 4, 30, 23, 59, 59, tzinfo=LOCAL)
FIRST_SECOND_OF_MAY = datetime(2021, 5, 1, 0, 0, 0, tzinfo=LOCAL)


@pytest.mark.parametrize(
    ("moment", "may_is_open"), [(LAST_SECOND_OF_APRIL, False), (FIRST_SECOND_OF_MAY, True)]
)
def test_a_month_is_entered_from_its_first_second(client, plan, places, clerk, moment, may_is_open):
    client.force_login(clerk)
    with time_machine.travel(moment, tick=False):
        page = client.get(url("month", 2021, 5))
        assert (page.context["form"] is not None) == may_is_open
        data = {"seen": page.context["seen"], **fields(places, a=("1", "100"))}
        response = client.post(url("month", 2021, 5), data)
        year = client.get(url("year", 2021)).content.decode()
    assert FraudCases.objects.exists() == may_is_open
    assert (url("month", 2021, 5) in year) == may_is_open
    if not may_is_open:
        assert "2021年5月还没到，不能录入" in response.content.decode()


def test_the_import_refuses_a_month_to_come_too(client, plan, clerk):
    client.force_login(clerk)
    with time_machine.travel(LAST_SECOND_OF_APRIL, tick=False):
        response = client.post(url("import", 2021, 5), {"confirm": "1", "signed": "x"})
    assert response.status_code == 302 and response["Location"] == url("month", 2021, 5)
    assert not FraudCases.objects.exists()


# The same number of queries for a sub-district of 3 communities and of 23.


def queries(client, method, path, data=None):
    with CaptureQueriesContext(connection) as captured:
        response = getattr(client, method)(path, data or {})
    assert response.status_code in (200, 302)
    return len(captured)


def measure(client, plan, places, clerk):
    enter(plan, 3, clerk, {c: (1, "100") for c in places["a"].work_point.communities.all()})
    page = client.get(url("month", 2021, 4))
    everything = {"seen": page.context["seen"]}
    for community in page.context["form"].communities:
        everything[f"cases_{community.pk}"] = "2"
        everything[f"losses_{community.pk}"] = "300"
    return [
        queries(client, "get", url("year", 2021)),
        queries(client, "get", url("month", 2021, 4)),
        queries(client, "get", url("template", 2021, 4)),
        queries(client, "post", url("month", 2021, 4), everything),
    ]


def test_queries_do_not_grow_with_the_communities(client, plan, places, clerk):
    client.force_login(clerk)
    few = measure(client, plan, places, clerk)
    FraudCases.objects.all().delete()
    more_communities(places, 20)
    many = measure(client, plan, places, clerk)
    assert few == many


def test_a_refused_form_keeps_the_key_of_the_page_it_was_built_on(
    client, plan, places, clerk, people
):
    """A page refused for a bad number, sent again, is still the page opened before the
    office's change: the change is not overwritten silently."""
    client.force_login(clerk)
    old_page = client.get(url("month", 2021, 4))
    enter(plan, 4, people["office"], {places["a"]: (5, "9000")})
    refused = client.post(
        url("month", 2021, 4), form_data(old_page, fields(places, a=("3", "1"), b=("x", "1")))
    )
    assert refused.status_code == 200 and not refused.context["stale"]
    data = form_data(refused, fields(places, a=("3", "1"), b=("1", "1")))
    response = client.post(url("month", 2021, 4), data)
    assert response.status_code == 200 and response.context["stale"]
    assert FraudCases.objects.get().cases == 5
