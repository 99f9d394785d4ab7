"""The phases' papers are judged by their content (duties.documents.check_document): a
.docx python-docx opens or a PDF pypdf opens with a page; everything else is refused in
Chinese, saying what to do. No database: the check never sees one."""

from datetime import date, datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from duties.documents import (
    DOCUMENT_MAX_BYTES,
    DOCX,
    PDF,
    check_document,
    download_name,
    due_on,
    handed_in_late,
)
from duties.models import Phase, PhaseDocument
from reporting.models import Plan
from tests.duties.phase_files import (
    docx_bytes,
    image_bytes,
    old_word_bytes,
    pdf_bytes,
    upload,
    xlsx_bytes,
    zip_bomb_bytes,
)


@pytest.fixture(autouse=True)
def chinese():
    with translation.override("zh-hans"):
        yield


ACCEPTED = [
    # (name sent, bytes, content type recorded)
    ("实施方案.docx", docx_bytes, DOCX),
    ("实施方案.pdf", pdf_bytes, PDF),
    ("三页总结.pdf", lambda: pdf_bytes(pages=3), PDF),
    # The browser's type and the name do not matter: the bytes decide.
    ("实施方案.DOCX", docx_bytes, DOCX),
    ("扫描件", pdf_bytes, PDF),
]


@pytest.mark.parametrize(("name", "make", "content_type"), ACCEPTED)
def test_a_real_docx_or_pdf_is_accepted(name, make, content_type):
    content = make()
    checked = check_document(upload(name, content, "image/jpeg"))
    assert checked.content_type == content_type
    assert checked.content == content
    assert checked.size == len(content)
    assert checked.original_name == name
    assert len(checked.sha256) == 64


REFUSED = [
    # (what it is, name sent, bytes, code, words the message must hold)
    ("old Word", "方案.doc", lambda: old_word_bytes("WordDocument"), "old_format", "另存为"),
    ("WPS text", "方案.wps", lambda: old_word_bytes("WpsContent"), "old_format", ".docx 或 PDF"),
    ("old Excel", "方案.xls", lambda: old_word_bytes("Workbook"), "spreadsheet", "表格"),
    ("xlsx", "方案.xlsx", xlsx_bytes, "spreadsheet", "表格"),
    ("xlsx renamed .docx", "方案.docx", xlsx_bytes, "spreadsheet", "表格"),
    ("photo", "方案.jpg", image_bytes, "image", "图片"),
    ("photo renamed .pdf", "方案.pdf", image_bytes, "image", "图片"),
    ("text renamed .docx", "方案.docx", lambda: "一、工作目标".encode(), "format", ".docx 或 PDF"),
    ("empty", "方案.docx", lambda: b"", "empty", "空文件"),
    ("encrypted PDF", "方案.pdf", lambda: pdf_bytes(password="123456"), "encrypted", "密码"),
    ("PDF without a page", "方案.pdf", lambda: pdf_bytes(pages=0), "damaged", "PDF"),
    ("damaged PDF", "方案.pdf", lambda: b"%PDF-1.7\n\x00\x01 not a pdf", "damaged", "PDF"),
    ("zip, not Word", "方案.docx", lambda: b"PK\x03\x04broken", "format", ".docx"),
    ("zip bomb", "方案.docx", zip_bomb_bytes, "bomb", "MB"),
]


@pytest.mark.parametrize(
    ("kind", "name", "make", "code", "words"), REFUSED, ids=[row[0] for row in REFUSED]
)
def test_anything_else_is_refused_saying_what_to_do(kind, name, make, code, words):
    with pytest.raises(ValidationError) as refused:
        check_document(upload(name, make(), "application/pdf"))
    assert refused.value.code == code
    message = refused.value.message
    assert name in message
    assert words in message


def test_a_file_over_the_limit_is_refused_before_it_is_read():
    content = pdf_bytes()
    big = upload("大文件.pdf", content + b"\x00" * (DOCUMENT_MAX_BYTES + 1 - len(content)))
    with pytest.raises(ValidationError) as refused:
        check_document(big)
    assert refused.value.code == "too_large"
    assert "20 MB" in refused.value.message


def test_a_file_at_the_limit_is_judged_by_its_content():
    content = pdf_bytes()
    padded = content + b"\n" * (DOCUMENT_MAX_BYTES - len(content))  # trailing whitespace
    assert check_document(upload("满额.pdf", padded)).size == DOCUMENT_MAX_BYTES


def test_a_long_name_is_shortened_as_every_upload_is():
    checked = check_document(upload("很长" * 100 + ".docx", docx_bytes()))
    assert len(checked.original_name.encode()) <= 120
    assert checked.original_name.endswith(".docx")


@pytest.mark.parametrize(
    ("original_name", "content_type", "downloaded_as"),
    [
        ("实施方案.docx", DOCX, "实施方案.docx"),
        ("实施方案.PDF", PDF, "实施方案.PDF"),
        # Named one thing, holding another: downloaded under the name its content needs.
        ("实施方案.doc", PDF, "实施方案.pdf"),
        ("扫描件", PDF, "扫描件.pdf"),
    ],
)
def test_a_paper_downloads_under_its_name_ending_as_its_content(
    original_name, content_type, downloaded_as
):
    document = PhaseDocument(original_name=original_name, content_type=content_type)
    assert download_name(document) == downloaded_as


# --- The days (a decision: the plan names the phases' months, not a day).


@pytest.mark.parametrize(
    ("phase", "year", "due"),
    [
        (Phase.PLAN, 2021, date(2021, 3, 31)),  # the end of 动员部署
        (Phase.SUMMARY, 2021, date(2021, 12, 31)),  # the end of 总结巩固
        (Phase.PLAN, 2024, date(2024, 3, 31)),
    ],
)
def test_each_phase_is_due_on_the_last_day_of_its_months(phase, year, due):
    assert due_on(phase, year) == due


@pytest.mark.parametrize(
    ("phase", "handed_in_at", "late"),
    [
        (Phase.PLAN, "2021-03-31T23:59:59+08:00", False),
        (Phase.PLAN, "2021-04-01T00:00:00+08:00", True),
        # 31 March 20:00 UTC is already 1 April in Luoshan: Asia/Shanghai decides.
        (Phase.PLAN, "2021-03-31T16:00:00+00:00", True),
        (Phase.PLAN, "2021-01-15T09:00:00+08:00", False),
        (Phase.SUMMARY, "2021-12-31T18:00:00+08:00", False),
        (Phase.SUMMARY, "2022-01-02T09:00:00+08:00", True),
    ],
)
def test_a_paper_handed_in_after_its_day_is_late(phase, handed_in_at, late):
    document = PhaseDocument(
        plan=Plan(year=2021), phase=phase, recorded_at=datetime.fromisoformat(handed_in_at)
    )
    assert handed_in_late(document) is late
