"""The phases' papers as people live them: a community clerk on a phone uploads 甲社区's
实施方案 in March (first an old .doc, refused saying to save it as .docx or PDF; then the
PDF) and sees it listed; the office at its desk sees who has not uploaded and downloads
every current 实施方案 as one ZIP; the leadership reads the year's overview. Only what a
person sees and taps; choosing a file is set_input_files on the visible file input."""

import zipfile
from datetime import datetime

import pytest
import time_machine
from playwright.sync_api import expect

from communities.models import Unit
from communities.permissions import grant_office_permissions
from duties.models import Phase, PhaseDocument
from tests.browser.conftest import (
    PHONE,
    csp_complaints,
    fits_the_width,
    log_in,
    log_in_to_desk,
    serious_violations,
)
from tests.conftest import PASSWORD
from tests.duties.phase_files import docx_upload, hand_in_file, old_word_bytes, pdf_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
    pytest.mark.usefixtures("march_2021"),
]


@pytest.fixture
def march_2021():
    """20 March 2021, in 动员部署; the clock ticks, so browser and server agree."""
    with time_machine.travel(datetime.fromisoformat("2021-03-20T10:00:00+08:00")):
        yield


@pytest.fixture
def files(tmp_path):
    """The old .doc the clerk tries first, and the PDF the office asked for."""
    old = tmp_path / "甲社区反诈骗实施方案.doc"
    old.write_bytes(old_word_bytes())
    good = tmp_path / "甲社区反诈骗实施方案.pdf"
    good.write_bytes(pdf_bytes(pages=2))
    return {"old": str(old), "pdf": str(good)}


def checked(page, name, snap):
    assert fits_the_width(page), name
    assert serious_violations(page) == [], name
    snap(page, name)


def test_a_clerk_uploads_the_plan_and_the_office_collects_them(
    phone, desktop, live_server, plan, places, people, files, snap
):
    # A unit (on a flushed database the migration's rows are gone) that has uploaded already.
    unit = Unit.objects.get_or_create(name="教育办")[0]
    Unit.objects.get_or_create(name="司法所")
    hand_in_file(plan, Phase.PLAN, unit, people["office"], file=docx_upload("教育办实施方案.docx"))

    page = phone
    log_in(page, live_server, "alice", PASSWORD)
    page.get_by_role("link", name="上传或查看实施方案与总结").click()  # on her home page
    expect(page.get_by_role("heading", level=1)).to_have_text("甲社区 2021年实施方案与工作总结")
    box = page.locator("#phase-plan")
    expect(box).to_contain_text("截止日期：2021-03-31")
    expect(box.get_by_text("尚未上传。")).to_be_visible()
    checked(page, "phase-empty-375", snap)

    # First try: the old .doc from the office's computer.
    box.get_by_label("文档（.docx 或 PDF）").set_input_files(files["old"])
    box.get_by_role("button", name="上传文档").click()
    summary = page.locator("#error-summary")
    expect(summary).to_contain_text("是旧版 Word（.doc）或 WPS（.wps）文件，请另存为 .docx 或 PDF")
    box = page.locator("#phase-plan")
    expect(box.locator(".invalid-feedback")).to_contain_text("请另存为 .docx 或 PDF")
    assert not PhaseDocument.objects.filter(community=places["a"]).exists()
    checked(page, "phase-refused-375", snap)

    # Saved as PDF, chosen again.
    box.get_by_label("文档（.docx 或 PDF）").set_input_files(files["pdf"])
    box.get_by_role("button", name="上传文档").click()
    expect(page.get_by_text("实施方案已上传。")).to_be_visible()
    box = page.locator("#phase-plan")
    expect(box.get_by_role("link", name="下载 甲社区反诈骗实施方案.pdf")).to_be_visible()
    expect(box.get_by_role("button", name="上传新版本")).to_have_count(0)
    expect(box.get_by_text("上传新版本")).to_be_visible()  # one tap away, folded
    checked(page, "phase-uploaded-375", snap)
    with page.expect_download() as download:
        box.get_by_role("link", name="下载 甲社区反诈骗实施方案.pdf").click()
    assert download.value.suggested_filename == "甲社区反诈骗实施方案.pdf"

    # The office, at its desk: who has not uploaded, and every current 实施方案 as one ZIP.
    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    wide = desktop
    log_in_to_desk(wide, live_server, "office", PASSWORD)
    wide.goto(f"{live_server.url}/admin/duties/phasedocument/phases/?year=2021")
    expect(wide.locator(".phase-counts")).to_contain_text(
        f"未上传：2个社区，{Unit.objects.count() - 1}个单位。"
    )
    communities = wide.locator("#phase-communities")
    expect(communities.locator("tr", has_text="乙社区")).to_contain_text("未上传")
    expect(communities.locator("tr", has_text="甲社区")).to_contain_text("甲社区反诈骗实施方案.pdf")
    checked(wide, "phase-desk-1280", snap)
    wide.get_by_role("link", name="全部上传版本").click()
    expect(wide.locator("#result_list tbody tr")).to_have_count(2)
    checked(wide, "phase-versions-1280", snap)
    wide.go_back()
    with wide.expect_download() as download:
        wide.get_by_role("link", name="下载全部当前实施方案（ZIP）").click()
    assert download.value.suggested_filename == "2021年各社区各单位实施方案.zip"
    with zipfile.ZipFile(download.value.path()) as archive:
        names = archive.namelist()
    assert sorted(names) == [
        "各单位/教育办/教育办实施方案.docx",
        "各社区/甲社区/甲社区反诈骗实施方案.pdf",
    ]

    # The same desk page on the office's phone (its own browser), and 甲社区's page as the
    # office reads it at the desk.
    context = phone.context.browser.new_context(viewport=PHONE, locale="zh-CN")
    small = context.new_page()
    heard = csp_complaints(small)
    log_in_to_desk(small, live_server, "office", PASSWORD)
    small.goto(f"{live_server.url}/admin/duties/phasedocument/phases/?year=2021")
    expect(small.locator(".phase-counts")).to_contain_text("未上传：2个社区")
    checked(small, "phase-desk-375", snap)
    small.get_by_role("link", name="全部上传版本").click()
    expect(small.locator("#result_list")).to_contain_text("甲社区反诈骗实施方案.pdf")
    checked(small, "phase-versions-375", snap)
    context.close()
    assert heard == []
    wide.goto(f"{live_server.url}/phases/communities/{places['a'].pk}/")
    expect(wide.get_by_role("link", name="下载 甲社区反诈骗实施方案.pdf")).to_be_visible()
    expect(wide.get_by_role("button", name="上传文档")).to_have_count(0)  # the office reads
    checked(wide, "phase-owner-1280", snap)


def test_the_leadership_reads_who_has_not_uploaded(
    phone, desktop, live_server, plan, people, places, snap
):
    hand_in_file(
        plan, Phase.PLAN, places["a"], people["alice"], file=docx_upload("甲社区实施方案.docx")
    )
    for page, width in ((phone, 375), (desktop, 1280)):
        log_in(page, live_server, "leader", PASSWORD)
        page.goto(f"{live_server.url}/phases/")
        expect(page.get_by_role("heading", level=1)).to_have_text("2021年实施方案与工作总结")
        expect(page.get_by_text(f"未上传：2个社区，{Unit.objects.count()}个单位。")).to_be_visible()
        checked(page, f"phase-overview-{width}", snap)
