"""The phases' papers (issue 14 part 3): each community's and unit's 实施方案 (动员部署,
March) and 总结 (总结巩固, November to December), as .docx or PDF.

A paper is judged by its bytes, never by its name or the browser's content type, as a
photo is (reporting.photos): a PDF must begin with %PDF-, open with pypdf, not be
encrypted and hold a page; a .docx must be a zip holding word/document.xml, not
unpacking to more than UNPACKED_MAX_BYTES, that python-docx opens. Everything else is
refused in Chinese, saying what to do (an old .doc or .wps: save it as .docx or PDF).

Handing one in (`hand_in`) stores the file under the model's random path and writes a
new row: the newest of a (plan, phase, community or unit) is its current paper, the
earlier ones are kept. The deadlines (`due_on`) are a decision of ours: the plan names
the phases' months, not a day.
"""

import hashlib
import io
import os
import zipfile
from dataclasses import dataclass
from datetime import date

import docx
import pypdf
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from zipstream import ZipStream

from communities.models import Community, Unit
from core.uploads import short_name
from duties.models import Phase, PhaseDocument
from reporting.periods import LOCAL
from reporting.photo_zip import safe

DOCUMENT_MAX_BYTES = 20 * 1024 * 1024  # a plan with photos in it; a scan of ten pages
# A .docx is a zip: what it unpacks to is what python-docx holds in memory. Text packs
# about ten to one, photos not at all, so a real 20 MB paper unpacks to well under this.
# zipfile reads an entry no further than the size its header declares (a longer one fails
# its CRC), so the declared sizes are a sound bound.
UNPACKED_MAX_BYTES = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 2000

PDF = "application/pdf"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: ".pdf", DOCX: ".docx"}
# What the file picker offers (a hint for the phone; the bytes decide).
ACCEPT_ATTRIBUTE = f".docx,.pdf,{DOCX},{PDF}"

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .doc, .xls, .wps, .et: the old Office box
IMAGE_STARTS = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"GIF87a",
    b"GIF89a",
    b"BM",  # BMP
    b"II*\x00",  # TIFF
    b"MM\x00*",
)


@dataclass(frozen=True)
class CheckedDocument:
    """A paper that passed `check_document`: its bytes and what the row records of it."""

    content: bytes
    original_name: str
    content_type: str
    size: int
    sha256: str


def check_document(upload):
    """The CheckedDocument of `upload`, or ValidationError in Chinese saying what to do."""
    name = short_name(getattr(upload, "name", "") or "")
    if not upload.size:
        raise ValidationError(
            _("“%(name)s” is empty; please choose the document again.") % {"name": name},
            code="empty",
        )
    if upload.size > DOCUMENT_MAX_BYTES:
        raise ValidationError(
            _(
                "“%(name)s” is larger than %(limit)d MB; please make it smaller (for example, "
                "compress its pictures, or save it as PDF) and upload it again."
            )
            % {"name": name, "limit": DOCUMENT_MAX_BYTES // (1024 * 1024)},
            code="too_large",
        )
    upload.seek(0)
    content = upload.read()
    if content.startswith(b"%PDF-"):
        _check_pdf(content, name)
        content_type = PDF
    elif content.startswith(b"PK\x03\x04"):
        _check_docx(content, name)
        content_type = DOCX
    else:
        raise _refusal_of(content, name)
    return CheckedDocument(
        content=content,
        original_name=name,
        content_type=content_type,
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


def _check_pdf(content, name):
    damaged = ValidationError(
        _("“%(name)s” is not a PDF that opens (it may be damaged); please save it as PDF again.")
        % {"name": name},
        code="damaged",
    )
    try:
        reader = pypdf.PdfReader(io.BytesIO(content))
        if reader.is_encrypted:
            raise ValidationError(
                _(
                    "“%(name)s” is protected by a password; please save it again without "
                    "a password and upload it."
                )
                % {"name": name},
                code="encrypted",
            )
        pages = len(reader.pages)
    except ValidationError:
        raise
    except Exception:  # pypdf raises many kinds on a damaged file; all mean the same here
        raise damaged from None
    if pages < 1:
        raise damaged


def _check_docx(content, name):
    not_word = ValidationError(
        _("“%(name)s” is not a Word document (.docx); please save it as .docx or PDF.")
        % {"name": name},
        code="format",
    )
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            entries = package.infolist()
            names = {entry.filename for entry in entries}
            unpacked = sum(entry.file_size for entry in entries)
    except (zipfile.BadZipFile, ValueError, OSError):
        raise not_word from None
    if "word/document.xml" not in names:
        if "xl/workbook.xml" in names:
            raise _spreadsheet(name)
        raise not_word
    if len(entries) > ZIP_MAX_ENTRIES or unpacked > UNPACKED_MAX_BYTES:
        raise ValidationError(
            _(
                "“%(name)s” unpacks to more than %(limit)d MB, more than a document holds; "
                "please save it again as .docx or PDF."
            )
            % {"name": name, "limit": UNPACKED_MAX_BYTES // (1024 * 1024)},
            code="bomb",
        )
    try:
        docx.Document(io.BytesIO(content))
    except Exception:  # python-docx's refusals (a .docm, a template, a broken part) vary
        raise not_word from None


def _spreadsheet(name):
    return ValidationError(
        _(
            "“%(name)s” is a spreadsheet; the plan asks for a document: please upload it "
            "as .docx or PDF."
        )
        % {"name": name},
        code="spreadsheet",
    )


def _refusal_of(content, name):
    """What to say of bytes that are neither a PDF nor a zip."""
    if content.startswith(OLE2):
        # The old box's directory names its streams in UTF-16: Excel's is "Workbook" (or
        # "Book"), WPS spreadsheets' too; Word's and WPS text's are not.
        if "Workbook".encode("utf-16-le") in content or "Book".encode("utf-16-le") in content:
            return _spreadsheet(name)
        return ValidationError(
            _(
                "“%(name)s” is an old Word (.doc) or WPS (.wps) file; please save it as "
                ".docx or PDF (另存为 .docx 或 PDF) and upload that."
            )
            % {"name": name},
            code="old_format",
        )
    if content.startswith(IMAGE_STARTS) or content[8:12] in (b"WEBP", b"heic", b"mif1"):
        return ValidationError(
            _(
                "“%(name)s” is a picture; please upload the document itself as .docx or "
                "PDF (a scanned paper can be saved as PDF)."
            )
            % {"name": name},
            code="image",
        )
    return ValidationError(
        _(
            "“%(name)s” is not a .docx or PDF document (whatever its name says); please "
            "save it as .docx or PDF."
        )
        % {"name": name},
        code="format",
    )


def download_name(document):
    """The name the paper is downloaded under: the name it was uploaded with, ending as its
    content is (方案.doc holding a PDF downloads as 方案.pdf, so it opens)."""
    stem, extension = os.path.splitext(document.original_name)
    right = EXTENSIONS.get(document.content_type, extension)
    return document.original_name if extension.lower() == right else f"{stem}{right}"


# --- Handing a paper in.


def hand_in(*, plan, phase, owner, checked, by, submission, at=None):
    """A new PhaseDocument of `owner` (a Community or a Unit) for `phase` of `plan`, its
    file stored under the model's random path; it becomes the current one. A second
    sending of the same page is refused (SENT_TWICE) and its file not kept."""
    document = PhaseDocument(
        plan=plan,
        phase=Phase(phase),
        community=owner if isinstance(owner, Community) else None,
        unit=owner if isinstance(owner, Unit) else None,
        original_name=checked.original_name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        recorded_by=by,
        recorded_at=at or timezone.now(),
        submission=submission,
    )
    # The model's path ends with the name given: ours, never the user's.
    document.file.save(
        f"document{EXTENSIONS[checked.content_type]}", ContentFile(checked.content), save=False
    )
    try:
        with transaction.atomic():
            document.save_once()
    except BaseException:
        document.file.storage.delete(document.file.name)
        raise
    return document


# --- When each phase's paper is due (a decision: the plan names months, not days).


def due_on(phase, year):
    """实施方案 by 31 March (the end of 动员部署), 总结 by 31 December (the end of 总结巩固)."""
    return date(year, 3, 31) if phase == Phase.PLAN else date(year, 12, 31)


def handed_in_late(document, due=None):
    """Handed in after its phase's day (Asia/Shanghai); `due` when the caller knows it."""
    due = due or due_on(document.phase, document.plan.year)
    return timezone.localtime(document.recorded_at, LOCAL).date() > due


# --- Who has handed in what: every community and every unit, with its current paper.


@dataclass(frozen=True)
class Holder:
    """A community or a unit, its current paper for the phase (None: not handed in), and
    how many versions it has handed in."""

    owner: object
    is_unit: bool
    current: PhaseDocument | None
    versions: int
    due: date

    @property
    def missing(self):
        return self.current is None

    @property
    def late(self):
        """Its current paper was handed in after the phase's day (Asia/Shanghai)."""
        return self.current is not None and handed_in_late(self.current, self.due)

    @property
    def folder(self):
        return ("各单位" if self.is_unit else "各社区", self.owner.name)


@dataclass(frozen=True)
class PhaseOverview:
    plan: object
    phase: str
    communities: tuple
    units: tuple

    @property
    def label(self):
        return Phase(self.phase).label

    @property
    def due(self):
        return due_on(self.phase, self.plan.year)

    @property
    def holders(self):
        return self.communities + self.units

    @property
    def missing_communities(self):
        return sum(holder.missing for holder in self.communities)

    @property
    def missing_units(self):
        return sum(holder.missing for holder in self.units)

    @property
    def missing_names(self):
        """Who has not handed in: the communities', then the units' names."""
        return "、".join(holder.owner.name for holder in self.holders if holder.missing)

    @property
    def late_names(self):
        """Whose current paper came after the phase's day."""
        return "、".join(holder.owner.name for holder in self.holders if holder.late)

    @property
    def handed_in(self):
        return sum(not holder.missing for holder in self.holders)


def phase_overview(plan, phase):
    """Every community and unit with its current paper for `phase` of `plan`: three
    queries whatever the number of communities, units and versions."""
    documents = PhaseDocument.objects.filter(plan=plan, phase=phase).order_by("-recorded_at", "-pk")
    current, versions = {}, {}
    for document in documents.select_related("recorded_by"):
        key = (
            ("unit", document.unit_id) if document.unit_id else ("community", document.community_id)
        )
        current.setdefault(key, document)
        versions[key] = versions.get(key, 0) + 1

    def holders(owners, kind):
        return tuple(
            Holder(
                owner,
                kind == "unit",
                current.get((kind, owner.pk)),
                versions.get((kind, owner.pk), 0),
                due_on(phase, plan.year),
            )
            for owner in owners
        )

    communities = Community.objects.select_related("work_point")
    return PhaseOverview(
        plan=plan,
        phase=phase,
        communities=holders(communities, "community"),
        units=holders(Unit.objects.all(), "unit"),
    )


def phase_zip(overview):
    """The current papers of a phase, streamed: 各社区/<社区>/<name>, 各单位/<单位>/<name>."""
    stream = ZipStream(sized=False)
    for holder in overview.holders:
        if holder.current is None:
            continue
        group, owner = holder.folder
        name = _entry(download_name(holder.current))
        stream.add_path(holder.current.file.path, f"{group}/{safe(owner)}/{name}")
    return stream


def _entry(name):
    """A ZIP entry's name: no path or control characters in its stem."""
    stem, extension = os.path.splitext(name)
    return safe(stem) + extension  # download_name ends it .pdf or .docx
