"""Importing the Attachment 2 sheets communities e-mailed before the portal.

The office uploads a workbook; the preview shows, sheet by sheet, the community,
the month, 报送时间 and whether it counts as on time (M2, M3), the activities as
they will be stored, and every problem by sheet, Excel row and column. Nothing
is written until the office confirms; the confirmation reads the stored upload
again, checks it again against the database as it is then, and writes every
sheet in one transaction or nothing at all.

A month that already has a report, in any state, is never merged into: its
sheet is shown as 已有报表，不导入, and the other sheets are imported only when
the office says so. Sheets that are not a report (instructions, empty) are
listed as skipped, with why.

The views are mounted in the admin site by MonthlyReportAdmin.get_urls() and
ask communities.access themselves, like the rest of the desk.
"""

import difflib
from dataclasses import dataclass

from django.contrib import messages
from django.core import signing
from django.db import IntegrityError, transaction
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.access import require_office
from communities.models import Community
from reporting import periods
from reporting.forms import ImportForm
from reporting.models import (
    Activity,
    ImportUpload,
    MonthlyReport,
    Plan,
    ReportEvent,
    ReportState,
)
from reporting.sheets import read_workbook, squash

IMPORT, EXISTS, SKIPPED, ERROR = "import", "exists", "skipped", "error"
SIGNING_SALT = "reporting.imports.shown"


@dataclass
class SheetPlan:
    """What the import would do with one sheet, and why."""

    sheet: object  # reporting.sheets.Sheet
    outcome: str = ERROR
    community: Community | None = None
    plan: Plan | None = None
    month: int | None = None
    reason: str = ""
    existing_report: int | None = None  # the report the month already has, by id

    @property
    def on_time(self):
        """M2/M3: would the report count as on time at its 报送时间?"""
        if self.plan is None or self.sheet.submitted_at is None:
            return None
        return periods.is_on_time(self.sheet.submitted_at, self.plan.late_from(self.month))

    @property
    def outcome_label(self):
        return outcome_label(self.outcome)


def outcome_label(outcome):
    return {
        IMPORT: _("will be imported"),
        EXISTS: _("already has a report; not imported"),
        SKIPPED: _("skipped"),
        ERROR: _("has problems"),
    }[outcome]


@dataclass
class ImportPreview:
    """Every sheet of an upload, held against the database as it is now."""

    sheets: list

    @property
    def problems(self):
        return [p for s in self.sheets for p in sorted(s.sheet.problems, key=lambda p: p.row or 0)]

    def having(self, outcome):
        return [s for s in self.sheets if s.outcome == outcome]

    @property
    def to_import(self):
        return self.having(IMPORT)

    @property
    def existing(self):
        return self.having(EXISTS)

    @property
    def skipped(self):
        return self.having(SKIPPED)

    @property
    def can_import(self):
        return not self.problems and bool(self.to_import)

    def shown(self):
        """What the page showed, signed, so the confirmation knows if anything changed."""
        return signing.dumps([[s.sheet.title, s.outcome] for s in self.sheets], salt=SIGNING_SALT)

    def changes_since(self, shown):
        """The sheets whose outcome is not what the page showed, in words."""
        try:
            before = dict(signing.loads(shown, salt=SIGNING_SALT))
        except (signing.BadSignature, TypeError, ValueError):
            return [_("the preview could not be read; please look at it again")]
        now = {s.sheet.title: s for s in self.sheets}
        changes = [
            _("sheet “%(sheet)s”: was “%(before)s”, is now “%(now)s”")
            % {
                "sheet": title,
                "before": outcome_label(before[title]),
                "now": now[title].outcome_label,
            }
            for title in before
            if title in now and now[title].outcome != before[title]
        ]
        if set(before) != set(now):
            changes.append(_("the file's sheets are not the ones previewed"))
        return changes


def preview(sheets, now=None):
    """Hold the sheets read from a workbook against the database: an ImportPreview."""
    now = now or timezone.now()
    communities = {squash(c.name): c for c in Community.objects.all()}
    plans = {p.year: p for p in Plan.objects.all()}
    plans_by_sheet = [plan_sheet(sheet, communities, plans, now) for sheet in sheets]
    check_repeats(plans_by_sheet)
    wanted = [p for p in plans_by_sheet if p.outcome == IMPORT]
    existing = {
        (community, plan, month): (pk, state)
        for community, plan, month, pk, state in MonthlyReport.objects.filter(
            community__in={p.community for p in wanted}, plan__in={p.plan for p in wanted}
        ).values_list("community_id", "plan_id", "month", "pk", "state")
    }
    for sheet_plan in wanted:
        found = existing.get((sheet_plan.community.pk, sheet_plan.plan.pk, sheet_plan.month))
        if found:
            sheet_plan.outcome, sheet_plan.existing_report = EXISTS, found[0]
            sheet_plan.reason = _(
                "%(community)s already has a report for %(year)d年%(month)d月 (%(state)s) in "
                "the portal; it is neither merged into nor replaced"
            ) % {
                "community": sheet_plan.community,
                "year": sheet_plan.plan.year,
                "month": sheet_plan.month,
                "state": ReportState(found[1]).label,
            }
    return ImportPreview(plans_by_sheet)


def plan_sheet(sheet, communities, plans, now):
    """The sheet's own checks that need the database: community, month, 报送时间."""
    result = SheetPlan(sheet=sheet)
    if sheet.skipped:
        result.outcome, result.reason = SKIPPED, sheet.skipped
        return result
    header_row = sheet.submitted_row or sheet.header_row
    if sheet.community_name:
        result.community = communities.get(squash(sheet.community_name))
        if result.community is None:
            sheet.problem(
                header_row, "社区（盖章）", unknown_community(sheet.community_name, communities)
            )
    if sheet.rows:
        first = sheet.rows[0].held_at
        for row in sheet.rows[1:]:
            if (row.held_at.year, row.held_at.month) != (first.year, first.month):
                sheet.problem(
                    row.excel_row,
                    "时间",
                    _(
                        "this activity is in %(month)s, the first one in %(first)s: "
                        "one sheet is one month's report"
                    )
                    % {"month": year_month(row.held_at), "first": year_month(first)},
                )
        result.plan, result.month = plans.get(first.year), first.month
        if result.plan is None or not result.plan.carries_duty(first.month):
            sheet.problem(
                sheet.rows[0].excel_row,
                "时间",
                _(
                    "no report is due for %(month)s (not a month of the year's plan): "
                    "delete this sheet from the file"
                )
                % {"month": year_month(first)},
            )
            result.plan = None
    submitted = sheet.submitted_at
    if submitted is not None:
        if submitted > now:
            sheet.problem(header_row, "报送时间", _("报送时间 is in the future"))
        last = max((r.held_at for r in sheet.rows), default=None)
        if last is not None and periods.local(submitted).date() < periods.local(last).date():
            sheet.problem(
                header_row,
                "报送时间",
                _("报送时间 %(sent)s is before the activity of %(held)s")
                % {"sent": f"{submitted:%Y-%m-%d}", "held": f"{last:%Y-%m-%d}"},
            )
    if not sheet.problems:
        result.outcome = IMPORT
    return result


def unknown_community(name, communities):
    """Why the name is refused, with the community the clerk most likely meant
    (`communities`: squashed name -> Community)."""
    close = difflib.get_close_matches(squash(name), communities, n=1, cutoff=0.5)
    if close:
        return _(
            "“%(name)s” is not a community of the sub-district; did you mean “%(close)s”? "
            "Correct the name in the sheet"
        ) % {"name": name, "close": communities[close[0]].name}
    return _("“%(name)s” is not a community of the sub-district") % {"name": name}


def year_month(moment):
    return f"{moment.year}年{moment.month}月"


def check_repeats(sheet_plans):
    """Two sheets for the same community and month (a copied sheet): both are refused."""
    seen = {}
    for sheet_plan in sheet_plans:
        first = sheet_plan.sheet.first_day
        if sheet_plan.community is None or first is None:
            continue
        key = (sheet_plan.community.pk, first.year, first.month)
        if key in seen:
            sheet_plan.sheet.problem(
                sheet_plan.sheet.submitted_row or sheet_plan.sheet.header_row,
                "社区（盖章）",
                _("the same community and month as sheet “%(other)s”; keep only one")
                % {"other": seen[key].sheet.title},
            )
            sheet_plan.outcome = ERROR
        else:
            seen[key] = sheet_plan


class ImportRefused(Exception):
    """Nothing was written; the message says why."""


class AlreadyImported(ImportRefused):
    """The button was pressed again: the file is in already."""


def write(upload, shown, skip_existing, by):
    """Confirm an upload: read it again, check it again, write all of it or nothing.

    Returns the reports created. Raises ImportRefused with the reason.
    """
    with transaction.atomic():
        upload = ImportUpload.objects.select_for_update().get(pk=upload.pk)
        if upload.imported_at is not None:
            raise AlreadyImported(_("This file was already imported."))
        result = preview(read_workbook(bytes(upload.content)))
        if changes := result.changes_since(shown):
            raise ImportRefused(
                _("Things changed since the preview, so nothing was imported: %(changes)s.")
                % {"changes": "；".join(changes)}
            )
        if not result.can_import:
            raise ImportRefused(_("The file has problems; nothing was imported."))
        if result.existing and not skip_existing:
            raise ImportRefused(
                _(
                    "Some sheets are for months that already have a report. Tick the box to "
                    "import only the other sheets."
                )
            )
        try:
            with transaction.atomic():
                reports = [create_report(sheet_plan, upload, by) for sheet_plan in result.to_import]
        except IntegrityError as error:
            raise ImportRefused(
                _("A report for one of these months was made meanwhile; nothing was imported.")
            ) from error
        upload.imported_at, upload.content = timezone.now(), b""
        upload.save(update_fields=["imported_at", "content"])
    return reports


def create_report(sheet_plan, upload, by):
    sheet = sheet_plan.sheet
    report = MonthlyReport.objects.create(
        community=sheet_plan.community, plan=sheet_plan.plan, month=sheet_plan.month
    )
    report.events.create(action=ReportEvent.Action.CREATED, actor=by)
    Activity.objects.bulk_create(row.activity(report) for row in sheet.rows)
    report.record_imported(
        by, sheet.submitted_at, source=f"Excel「{upload.file_name}」工作表「{sheet.title}」"
    )
    return report


# The office's pages -------------------------------------------------------------


def upload_page(request, site):
    """Choose a workbook; a good one is stored and its preview opened."""
    require_office(request.user)
    ImportUpload.purge()
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = ImportUpload.objects.create(
            file_name=form.cleaned_data["file"].name[:200],
            content=form.cleaned_data["content"],
            uploaded_by=request.user,
        )
        return redirect("admin:reporting_monthlyreport_import_preview", upload.pk)
    return TemplateResponse(
        request,
        "admin/reporting/monthlyreport/import.html",
        {
            **site.each_context(request),
            "title": _("Import old Attachment 2 sheets"),
            "form": form,
            "opts": MonthlyReport._meta,
        },
    )


def preview_page(request, site, pk):
    """The preview (GET), the confirmation and the discarding of an upload (POST)."""
    require_office(request.user)
    upload = ImportUpload.objects.filter(pk=pk, uploaded_by=request.user).first()
    if upload is None:
        raise Http404(_("This upload is gone (uploads are kept for a day). Please upload again."))
    here = reverse("admin:reporting_monthlyreport_import_preview", args=[pk])
    if request.method == "POST" and "discard" in request.POST:
        upload.delete()
        messages.info(request, _("The upload was discarded; nothing was imported."))
        return redirect("admin:reporting_monthlyreport_import")
    if request.method == "POST":
        try:
            reports = write(
                upload,
                request.POST.get("shown", ""),
                request.POST.get("skip_existing") == "on",
                request.user,
            )
        except AlreadyImported as refused:
            messages.info(request, str(refused))
            return redirect("admin:reporting_monthlyreport_changelist")
        except ImportRefused as refused:
            messages.error(request, str(refused))
            return redirect(here)
        messages.success(
            request,
            _("Imported %(count)d reports: %(names)s.")
            % {"count": len(reports), "names": "、".join(str(r) for r in reports)},
        )
        return redirect("admin:reporting_monthlyreport_changelist")
    if upload.imported_at is not None:
        messages.info(request, _("This file was already imported."))
        return redirect("admin:reporting_monthlyreport_changelist")
    result = preview(read_workbook(bytes(upload.content)))
    return TemplateResponse(
        request,
        "admin/reporting/monthlyreport/import_preview.html",
        {
            **site.each_context(request),
            "title": _("Preview of “%(name)s”") % {"name": upload.file_name},
            "upload": upload,
            "preview": result,
            "opts": MonthlyReport._meta,
        },
    )
