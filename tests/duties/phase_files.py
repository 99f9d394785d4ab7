"""Real small files for the phases' papers: a .docx made with python-docx, PDFs made with
pypdf, and the files people send by mistake (an old .doc, a spreadsheet, a photo …)."""

import io
import uuid
import zipfile

import docx
import pypdf
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from duties.documents import check_document, hand_in
from tests.conftest import jpeg_bytes

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def docx_bytes(text="罗山街道反诈骗活动实施方案"):
    document = docx.Document()
    document.add_heading(text, level=1)
    document.add_paragraph("一、工作目标　二、工作措施　三、时间安排")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def pdf_bytes(pages=1, password=None):
    writer = pypdf.PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    if password:
        writer.encrypt(password)
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def xlsx_bytes():
    workbook = Workbook()
    workbook.active["A1"] = "实施方案"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def old_word_bytes(stream="WordDocument"):
    """The start of an old Office box (.doc, .wps, .xls), naming its stream as they do."""
    return OLE2 + b"\x00" * 56 + stream.encode("utf-16-le") + b"\x00" * 400


def zip_bomb_bytes():
    """A .docx whose one extra part unpacks to 101 MB of zeros (about 100 KB packed)."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as real,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb,
    ):
        for entry in real.infolist():
            bomb.writestr(entry, real.read(entry))
        with bomb.open("word/media/padding.bin", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1024 * 1024)
            for _ in range(101):
                part.write(chunk)
    return out.getvalue()


def upload(name, content, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type)


def docx_upload(name="甲社区实施方案.docx", **kwargs):
    return upload(name, docx_bytes(**kwargs))


def pdf_upload(name="甲社区实施方案.pdf", **kwargs):
    return upload(name, pdf_bytes(**kwargs), "application/pdf")


def image_bytes():
    return jpeg_bytes((64, 48))


def hand_in_file(plan, phase, owner, by, file=None, at=None):
    """A paper handed in as the page hands it in: checked, then stored."""
    return hand_in(
        plan=plan,
        phase=phase,
        owner=owner,
        checked=check_document(file or docx_upload()),
        by=by,
        submission=uuid.uuid4(),
        at=at,
    )
