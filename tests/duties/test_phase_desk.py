"""The phases' papers at the office's desk (duties/phases_admin.py): a year's phase with
every community and unit, its current paper or 未上传 and the counts; the ZIP of every
current paper, one folder each; every version read only; a fixed number of queries."""

import io
import zipfile
from datetime import datetime
from urllib.parse import quote

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Community, Unit
from duties.models import Phase, PhaseDocument
from tests.duties.phase_files import docx_upload, hand_in_file, pdf_upload

pytestmark = pytest.mark.django_db

PAGE = "admin:duties_phasedocument_phases"
ZIP = "admin:duties_phasedocument_phases_zip"


@pytest.fixture
def handed_in(plan, places, people, unit_staff, units):
    """甲社区: a first draft then its final plan; 教育办: its plan; 乙社区's summary only."""
    hand_in_file(plan, Phase.PLAN, places["a"], people["alice"], file=pdf_upload("初稿.pdf"))
    final = hand_in_file(
        plan, Phase.PLAN, places["a"], people["alice"], file=docx_upload("甲社区实施方案.docx")
    )
    edu = hand_in_file(
        plan, Phase.PLAN, units["edu"], unit_staff["edu"], file=pdf_upload("教育办方案.pdf")
    )
    hand_in_file(plan, Phase.SUMMARY, places["b"], people["bob"], file=pdf_upload("总结.pdf"))
    return {"final": final, "edu": edu}


def test_the_desk_lists_every_community_and_unit_with_its_current_paper(office, handed_in):
    response = office.get(reverse(PAGE), {"year": 2021, "phase": "plan"})
    assert response.status_code == 200
    page = response.text
    communities, units = Community.objects.count(), Unit.objects.count()
    for owner in [*Community.objects.all(), *Unit.objects.all()]:
        assert owner.name in page
    assert "甲社区实施方案.docx" in page and "教育办方案.pdf" in page
    assert "初稿.pdf" not in page  # an earlier version: in the list of every version
    assert "共2个版本" in page
    assert page.count("未上传</strong>") == communities - 1 + units - 1
    assert f"未上传：{communities - 1}个社区，{units - 1}个单位" in page
    assert reverse(ZIP) in page


@pytest.mark.parametrize(
    "uploaded_at, late",
    [
        ("2021-03-31T23:59:59+08:00", False),  # the last second of its day, Beijing time
        ("2021-04-01T00:00:00+08:00", True),
    ],
)
def test_the_overview_names_who_has_not_uploaded_and_marks_a_late_paper(
    office, people, plan, places, uploaded_at, late
):
    """Who has not uploaded is named, not only counted; a paper handed in after 31 March
    (Asia/Shanghai) is marked 逾期上传, at the desk and on the leadership's overview."""
    hand_in_file(
        plan, Phase.PLAN, places["a"], people["alice"], at=datetime.fromisoformat(uploaded_at)
    )
    missing = "、".join(
        [
            *Community.objects.exclude(pk=places["a"].pk).values_list("name", flat=True),
            *Unit.objects.values_list("name", flat=True),
        ]
    )
    desk = office.get(reverse(PAGE), {"year": 2021, "phase": "plan"}).text
    leader = Client()
    leader.force_login(people["leader"])
    for page in (desk, leader.get(reverse("phases:home"), {"year": 2021}).text):
        assert f"尚未上传：{missing}。" in page
        assert ("逾期上传" in page) is late
        assert ("逾期上传：甲社区。" in page) is late


def test_the_summary_phase_is_its_own(office, handed_in):
    page = office.get(reverse(PAGE), {"year": 2021, "phase": "summary"}).text
    assert "总结.pdf" in page and "甲社区实施方案.docx" not in page
    assert "2021-12-31" in page


def test_a_phase_nobody_has_handed_in_offers_no_zip(office, plan, places):
    page = office.get(reverse(PAGE), {"year": 2021, "phase": "summary"}).text
    assert reverse(ZIP) not in page


@pytest.mark.parametrize(
    ("query", "status"),
    [({"year": "1999"}, 200), ({"phase": "bogus"}, 200), ({"year": "x' OR 1"}, 200)],
)
def test_a_forged_year_or_phase_falls_back_to_the_latest(office, handed_in, query, status):
    response = office.get(reverse(PAGE), query)
    assert response.status_code == status
    assert "甲社区实施方案.docx" in response.text  # 2021's 实施方案


def test_the_zip_holds_every_current_paper_one_folder_each(office, handed_in):
    response = office.get(reverse(ZIP), {"year": 2021, "phase": "plan"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"] == "attachment; filename*=utf-8''" + quote(
        "2021年各社区各单位实施方案.zip"
    )
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    expected = {
        "各社区/甲社区/甲社区实施方案.docx": handed_in["final"],
        "各单位/教育办/教育办方案.pdf": handed_in["edu"],
    }
    assert sorted(archive.namelist()) == sorted(expected)
    for name, document in expected.items():
        assert archive.read(name) == document.file.open("rb").read()


@pytest.mark.parametrize("who", ["leader", "alice", "head"])
def test_only_the_office_reaches_the_desk(client, people, handed_in, who):
    client.force_login(people[who])
    for url in (reverse(PAGE), reverse(ZIP)):
        response = client.get(url)
        assert response.status_code == 302  # the admin's login: not for them
        assert "/admin/login/" in response.url


def test_every_version_is_read_only_at_the_desk(office, handed_in):
    changelist = office.get(reverse("admin:duties_phasedocument_changelist"))
    assert changelist.status_code == 200
    assert "初稿.pdf" in changelist.text and "甲社区实施方案.docx" in changelist.text
    document = handed_in["final"]
    change = office.get(reverse("admin:duties_phasedocument_change", args=[document.pk]))
    assert change.status_code == 200
    assert 'name="_save"' not in change.text
    assert reverse("phases:download", args=[document.pk]) in change.text
    assert office.get(reverse("admin:duties_phasedocument_add")).status_code == 403
    delete = reverse("admin:duties_phasedocument_delete", args=[document.pk])
    assert office.post(delete, {"post": "yes"}).status_code == 403
    assert PhaseDocument.objects.count() == 4


def queries_of(client, url, query):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, query).status_code == 200
    return len(captured)


def test_the_desk_page_costs_the_same_queries_at_any_size(office, plan, places, people):
    query = {"year": 2021, "phase": "plan"}
    hand_in_file(plan, Phase.PLAN, places["a"], people["alice"])
    small = queries_of(office, reverse(PAGE), query)
    for n in range(6):
        community = Community.objects.create(name=f"新社区{n}", work_point=places["point"])
        unit = Unit.objects.create(name=f"新单位{n}")
        for owner in (community, unit, places["a"]):
            hand_in_file(plan, Phase.PLAN, owner, people["office"])
    assert queries_of(office, reverse(PAGE), query) == small


def test_the_zip_costs_the_same_queries_at_any_size(office, plan, places, people):
    query = {"year": 2021, "phase": "plan"}

    def zip_queries():
        with CaptureQueriesContext(connection) as captured:
            response = office.get(reverse(ZIP), query)
            b"".join(response.streaming_content)
        return len(captured)

    hand_in_file(plan, Phase.PLAN, places["a"], people["alice"])
    small = zip_queries()
    for n in range(5):
        community = Community.objects.create(name=f"新社区{n}", work_point=places["point"])
        hand_in_file(plan, Phase.PLAN, community, people["office"])
    assert zip_queries() == small


def test_same_named_papers_never_collide_in_the_zip(office, plan, places, people):
    """Two communities' papers both called 方案.pdf: each in its own folder."""
    for community in (places["a"], places["b"]):
        hand_in_file(plan, Phase.PLAN, community, people["office"], file=pdf_upload("方案.pdf"))
    response = office.get(reverse(ZIP), {"year": 2021, "phase": "plan"})
    names = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()
    assert sorted(names) == ["各社区/乙社区/方案.pdf", "各社区/甲社区/方案.pdf"]
