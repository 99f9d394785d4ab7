"""C1 on the office's desk and the score pages: a quarter's (or an inspection's) circular
is drafted when its page is first opened, its texts edited, previewed (the document read
back), downloaded as a draft, and issued once; an issued circular is frozen, listed on
the score pages with its document for the office and the leadership, and a later change
of the scores is shown beside it ("已发布通报后有变更"), never written into it.

The quarter (Q2 2021, seen on 10 July): A files every month on time and has a team; B has
no team, misses April and files May late; C files nothing (tests/scoring/conftest.py).
"""

import io
from datetime import date

import docx
import pytest
import time_machine
from django.contrib.auth.models import User
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from communities.models import Role
from publishing import drafting, preview
from publishing.figures import changed_since_issue, quarter_figures
from publishing.models import Circular, CircularKind
from publishing.templatetags import circulars
from reporting.models import Finding
from reporting.periods import Quarter
from scoring.models import Inspection, InspectionResult
from tests.conftest import PASSWORD, make_user, verified_login
from tests.scoring.conftest import AFTER_Q2, q2  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db

Q2 = Quarter(2021, 2)
PAGE = reverse("admin:publishing_circular_quarter", args=["2021Q2"])
SCORES = reverse("scoring:quarter", args=["2021Q2"])
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
TITLE = "关于2021年第二季度反诈骗宣传工作考评情况的通报"
CHANGED = "已发布通报后有变更"
TEXTS = {
    "title": "关于2021年第二季度反诈骗宣传考评情况的通报",
    "reference": "罗综治〔2021〕5号",
    "opening": "各社区：\n街道综治办对第二季度反诈骗宣传工作进行了考评，现通报如下：",
    "remarks": "各社区要对照问题，限期整改。",
    "issuer": "罗山街道综治办",
}


@pytest.fixture(autouse=True)
def after_q2():
    with time_machine.travel(AFTER_Q2, tick=False):
        yield


@pytest.fixture
def desk(office, q2):  # noqa: F811
    """The office at its desk (second factor passed), with Q2 filed as the docstring says."""
    return office


def page_text(response):
    assert response.status_code == 200
    return response.content.decode()


def docx_text(content):
    """Every paragraph and table cell of a .docx, in order, one a line; a title broken
    over two lines (a line break in its paragraph) read as one."""
    document = docx.Document(io.BytesIO(content))
    lines = [p.text.replace("\n", "") for p in document.paragraphs]
    for table in document.tables:
        lines += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(lines)


def issue(client, circular):
    url = reverse("admin:publishing_circular_issue", args=[circular.pk])
    return client.post(url, {"confirm": "on"}, follow=True)


def quarter_circular():
    return Circular.objects.get(kind=CircularKind.QUARTER, quarter=2)


# --- Drafting, editing, previewing, downloading ------------------------------------------


def test_opening_the_quarters_page_starts_one_draft_with_the_standard_title(desk):
    page = page_text(desk.get(PAGE))
    circular = quarter_circular()
    assert (circular.title, circular.issuer, circular.is_issued) == (TITLE, "罗山街道综治办", False)
    assert circular.history.get().history_user.username == "office"
    # The preview is the draft document: its title, its mark, the ranking with its reasons.
    for words in (TITLE, "（征求意见稿）", "丙社区", "2021年4月报表未报送", "逾期3天"):
        assert words in page
    assert "发布通报" in page and "下载草稿（.docx）" in page
    page_text(desk.get(PAGE))
    assert Circular.objects.count() == 1


def test_the_office_edits_the_drafts_texts_and_sees_them_in_the_preview(desk):
    desk.get(PAGE)
    response = desk.post(PAGE, TEXTS, follow=True)
    page = page_text(response)
    assert "通报文字已保存。" in page
    circular = quarter_circular()
    assert {name: getattr(circular, name) for name in TEXTS} == TEXTS
    for words in (TEXTS["title"], TEXTS["reference"], "现通报如下：", "限期整改"):
        assert words in page
    assert circular.history.count() == 2


def test_a_text_with_a_control_character_is_refused_and_nothing_changes(desk):
    desk.get(PAGE)
    page = page_text(desk.post(PAGE, {**TEXTS, "remarks": "限期\x0b整改"}))
    assert "请删除不可见的控制字符。" in page
    assert "未作任何更改" in page
    assert quarter_circular().title == TITLE


def test_the_draft_downloads_as_a_docx_made_from_the_scores_now(desk):
    desk.get(PAGE)
    circular = quarter_circular()
    response = desk.get(reverse("admin:publishing_circular_docx", args=[circular.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == DOCX
    assert "%E8%8D%89%E7%A8%BF.docx" in response["Content-Disposition"]  # …-草稿.docx
    text = docx_text(response.content)
    assert TITLE in text and "（征求意见稿）" in text and "丙社区" in text


@pytest.mark.parametrize(
    ("url", "why"),
    [
        (reverse("admin:publishing_circular_quarter", args=["2021Q1"]), "Q1 has no duty month"),
        (reverse("admin:publishing_circular_quarter", args=["2022Q2"]), "no plan for 2022"),
        (reverse("admin:publishing_circular_quarter", args=["2021Q5"]), "no such quarter"),
        (reverse("admin:publishing_circular_inspection", args=[999]), "no such inspection"),
    ],
)
def test_a_quarter_not_assessed_or_unknown_has_no_circular(desk, url, why):
    assert desk.get(url).status_code == 404, why
    assert not Circular.objects.exists()


# --- Issuing ---------------------------------------------------------------------------


def test_issuing_needs_the_box_ticked(desk):
    desk.get(PAGE)
    circular = quarter_circular()
    url = reverse("admin:publishing_circular_issue", args=[circular.pk])
    page = page_text(desk.post(url, {}, follow=True))
    assert "请先勾选确认框，再发布通报。" in page
    assert not quarter_circular().is_issued
    assert desk.get(url).status_code == 405


def test_the_office_issues_the_circular_with_the_figures_and_document_of_that_moment(
    desk, people, plan
):
    desk.get(PAGE)
    desk.post(PAGE, TEXTS)
    page = page_text(issue(desk, quarter_circular()))
    circular = quarter_circular()
    assert circular.is_issued
    assert (circular.issued_on, circular.issued_by) == (date(2021, 7, 10), people["office"])
    assert circular.figures == quarter_figures(plan, Q2, AFTER_Q2)
    text = docx_text(bytes(circular.document))
    assert TEXTS["title"] in text and "（征求意见稿）" not in text and "2021年7月10日" in text
    assert "通报已发布" in page
    assert "已发布" in page and "office于2021-07-10 00:00发布" in page
    assert "下载已发布的通报（.docx）" in page
    assert 'name="title"' not in page and "发布通报</button>" not in page
    assert CHANGED not in page
    # The desk's download is the frozen document.
    download = desk.get(reverse("admin:publishing_circular_docx", args=[circular.pk]))
    assert download.content == bytes(circular.document)


def test_a_second_issue_is_refused_in_chinese_and_changes_nothing(desk):
    desk.get(PAGE)
    issue(desk, quarter_circular())
    first = quarter_circular()
    with time_machine.travel("2021-07-10 00:05 +0800", tick=False):  # a second press
        page = page_text(issue(desk, first))
    assert "该通报已于2021-07-10由office发布，未重复发布。" in page
    again = quarter_circular()
    assert (again.issued_at, again.figures) == (first.issued_at, first.figures)
    assert bytes(again.document) == bytes(first.document)
    # The same refusal where two presses race past the page's check.
    with pytest.raises(Exception) as refused:
        drafting.issue(first, first.issued_by)
    assert refused.value.messages == ["该通报已发布，保持发布时的内容不变。"]


def test_an_issued_circulars_texts_cannot_be_changed(desk, people):
    desk.get(PAGE)
    issue(desk, quarter_circular())
    issued = quarter_circular()
    page = page_text(desk.post(PAGE, {**TEXTS, "title": "改过的标题"}, follow=True))
    assert "该通报已发布，保持发布时的内容不变。" in page
    # Nor in the admin: its page is read only, a POST refused; it is never deleted.
    change = reverse("admin:publishing_circular_change", args=[issued.pk])
    assert 'name="title"' not in page_text(desk.get(change))
    assert desk.post(change, {**TEXTS, "title": "改过的标题"}).status_code == 403
    superuser = verified_login(Client(), User.objects.create_superuser("root", password=PASSWORD))
    delete = reverse("admin:publishing_circular_delete", args=[issued.pk])
    assert superuser.post(delete, {"post": "yes"}).status_code == 403
    after = quarter_circular()
    assert (after.title, after.issued_at) == (issued.title, issued.issued_at)
    assert bytes(after.document) == bytes(issued.document)


def test_c1_a_later_finding_is_shown_beside_the_issued_circular_never_written_into_it(
    desk,
    people,
    plan,
    q2,  # noqa: F811
):
    """C1: issued at midnight on 10 July; twenty minutes later the office finds A's April
    report falsified (S3), which changes A's score. The circular keeps its figures and its
    document byte for byte; its page and the score page say "已发布通报后有变更"; the
    leadership still downloads the document as issued."""
    desk.get(PAGE)
    issue(desk, quarter_circular())
    issued = quarter_circular()
    frozen_figures, frozen_document = issued.figures, bytes(issued.document)
    leader = Client()
    leader.force_login(people["leader"])
    assert CHANGED not in page_text(leader.get(SCORES))

    with time_machine.travel("2021-07-10 00:20 +0800", tick=False):
        Finding.record(by=people["office"], reason="照片与往月重复", report=q2["a", 4])
        after = quarter_circular()
        assert changed_since_issue(after, timezone.now())
        assert after.figures == frozen_figures
        assert bytes(after.document) == frozen_document
        assert CHANGED in page_text(desk.get(PAGE))
        scores = page_text(leader.get(SCORES))
        assert CHANGED in scores
        download = leader.get(reverse("publishing:document", args=[after.pk]))
    assert download.status_code == 200 and download["Content-Type"] == DOCX
    assert download.content == frozen_document
    assert "甲社区" in docx_text(download.content)


# --- The score pages --------------------------------------------------------------------


def test_the_score_page_lists_only_an_issued_circular(desk, people):
    leader = Client()
    leader.force_login(people["leader"])
    # Not started: the office is offered its page; the leadership sees nothing.
    office_page = page_text(desk.get(SCORES))
    assert PAGE in office_page and "起草、预览和发布" in office_page
    assert "季度通报" not in page_text(leader.get(SCORES))
    desk.get(PAGE)
    circular = quarter_circular()
    document = reverse("publishing:document", args=[circular.pk])
    # A draft: still nothing for the leadership, and its document is not served.
    assert document not in page_text(leader.get(SCORES))
    assert leader.get(document).status_code == 404
    assert desk.get(document).status_code == 404
    issue(desk, circular)
    scores = page_text(leader.get(SCORES))
    assert document in scores and TITLE in scores and "2021-07-10发布" in scores
    assert PAGE not in scores  # the desk is the office's
    assert leader.get(document).content == bytes(quarter_circular().document)


def test_an_issued_document_is_for_the_office_and_the_leadership_only(desk, people, places):
    desk.get(PAGE)
    issue(desk, quarter_circular())
    url = reverse("publishing:document", args=[quarter_circular().pk])
    people["unit"] = make_user("unit", Role.UNIT_STAFF)
    expected = {"alice": 403, "head": 403, "unit": 403, "nobody": 403, "leader": 200}
    for role, status in expected.items():
        client = Client()
        client.force_login(people[role])
        assert client.get(url).status_code == status, role
    assert Client().get(url).status_code == 302  # to the login page
    leader = Client()
    leader.force_login(people["leader"])
    assert leader.get(reverse("publishing:document", args=[9999])).status_code == 404


# --- An inspection's circular ----------------------------------------------------------


def test_an_inspection_has_its_own_circular_drafted_issued_and_listed(desk, people, plan, places):
    inspection = Inspection.objects.create(plan=plan, held_on=date(2021, 6, 1), title="六月督查")
    InspectionResult.objects.create(inspection=inspection, community=places["c"], points=2)
    url = reverse("admin:publishing_circular_inspection", args=[inspection.pk])
    page = page_text(desk.get(url))
    circular = Circular.objects.get(inspection=inspection)
    assert circular.kind == CircularKind.INSPECTION
    assert circular.title == "关于六月督查情况的通报"
    assert "丙社区" in page and "督查通报：六月督查" in page
    issue(desk, circular)
    circular.refresh_from_db()
    assert circular.is_issued and circular.figures["results"][0]["community"] == "丙社区"
    leader = Client()
    leader.force_login(people["leader"])
    inspection_page = page_text(leader.get(reverse("scoring:inspection", args=[inspection.pk])))
    assert reverse("publishing:document", args=[circular.pk]) in inspection_page
    assert "督查通报" in inspection_page
    # The quarter's circular is another one.
    desk.get(PAGE)
    assert Circular.objects.count() == 2


# --- The year's circulars and the admin's list -----------------------------------------


def test_the_years_page_and_the_admins_list_show_each_circulars_state(desk, plan):
    inspection = Inspection.objects.create(plan=plan, held_on=date(2021, 6, 1), title="六月督查")
    year = page_text(desk.get(reverse("admin:publishing_circular_year") + "?year=2021"))
    assert PAGE in year and "未起草" in year and "六月督查" in year
    desk.get(PAGE)
    issue(desk, quarter_circular())
    desk.get(reverse("admin:publishing_circular_inspection", args=[inspection.pk]))
    year = page_text(desk.get(reverse("admin:publishing_circular_year") + "?year=2021"))
    assert "已发布（2021-07-10）" in year and "草稿" in year
    listed = page_text(desk.get(reverse("admin:publishing_circular_changelist")))
    assert TITLE in listed and "2021Q2" in listed and "已发布" in listed and "草稿" in listed
    index = page_text(desk.get(reverse("admin:index")))
    assert reverse("admin:publishing_circular_year") in index


def test_the_admin_saves_a_drafts_texts_through_its_model_method(desk):
    desk.get(PAGE)
    circular = quarter_circular()
    change = reverse("admin:publishing_circular_change", args=[circular.pk])
    refused = page_text(desk.post(change, {**TEXTS, "opening": "各\x0c社区："}))
    assert "请删除不可见的控制字符。" in refused
    assert quarter_circular().opening == ""
    response = desk.post(change, TEXTS)
    assert response.status_code == 302
    assert quarter_circular().reference == TEXTS["reference"]
    assert desk.get(reverse("admin:publishing_circular_add")).status_code == 403


def test_the_score_pages_draw_the_figures_again_once_for_each_version_of_the_scores(
    desk,
    people,
    monkeypatch,
    q2,  # noqa: F811
):
    """A page read by many compares the figures once, until a fact changes the scores."""
    desk.get(PAGE)
    issue(desk, quarter_circular())
    drawn = []
    real = circulars.changed_since_issue
    monkeypatch.setattr(
        circulars, "changed_since_issue", lambda *args: drawn.append(1) or real(*args)
    )
    leader = Client()
    leader.force_login(people["leader"])
    for _ in range(3):
        assert CHANGED not in page_text(leader.get(SCORES))
    assert len(drawn) == 1
    with time_machine.travel("2021-07-10 00:20 +0800", tick=False):
        Finding.record(by=people["office"], reason="照片与往月重复", report=q2["a", 4])
        assert CHANGED in page_text(leader.get(SCORES))
        assert CHANGED in page_text(leader.get(SCORES))
    assert len(drawn) == 2


def test_the_preview_reads_the_document_word_for_word(desk, plan):
    """The preview is the document read back: every paragraph with text, in order, and
    every table's cells, as python-docx reads them; the head in red over its rule."""
    circular = drafting.quarter_circular(plan, Q2)
    content = drafting.document(circular, AFTER_Q2)
    blocks = preview.read(content)
    document = docx.Document(io.BytesIO(content))
    lines = [block for block in blocks if not block.is_table]
    assert [line.text for line in lines] == [p.text for p in document.paragraphs if p.text.strip()]
    grids = [block for block in blocks if block.is_table]
    assert [[grid.header, *grid.rows] for grid in grids] == [
        [tuple(tuple(p.text for p in cell.paragraphs) for cell in row.cells) for row in table.rows]
        for table in document.tables
    ]
    head, title = lines[0], next(line for line in lines if line.kind == "title" and not line.red)
    assert (head.text, head.red, head.align) == ("罗山街道综治办", True, "centre")
    assert title.text.replace("\n", "") == TITLE and title.align == "centre"
    assert any(line.kind == "heading" and line.text == "一、考评结果" for line in lines)
    assert grids[0].header == (("名次",), ("社区",), ("工作点",), ("扣分",), ("扣分原因",))
    assert grids[0].rows[0][1] == ("丙社区",)


def test_a_quarter_still_running_is_said_to_be_so_before_it_is_issued(desk, people):
    with time_machine.travel("2021-06-20 10:00 +0800", tick=False):
        page = page_text(verified_login(Client(), people["office"]).get(PAGE))
    assert "本季度尚未结束，考评数据还可能变化。" in page
    assert "本季度尚未结束" not in page_text(desk.get(PAGE))


def test_c1_the_draft_says_what_is_not_judged_yet_before_it_is_issued(desk, q2, people):  # noqa: F811
    """Reports waiting for review (and open evidence flags) may still change the figures
    an issued circular freezes: the draft says how many, and says nothing once none are."""
    page = page_text(desk.get(PAGE))
    assert "本季度尚有5份报表待审核、0个疑点未处理" in page
    for report in q2.values():
        report.accept(people["office"])
    assert "待审核" not in page_text(desk.get(PAGE)).split('id="circular-draft"', 1)[1]
