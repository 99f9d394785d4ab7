"""C1, the office's side of a circular (通报): the year's circulars, and a quarter's or an
inspection's page, where the office writes the free text of the draft, previews the whole
circular with the figures as they stand, downloads the draft .docx and issues it.

Plain views, mounted in the admin site by publishing.admin.CircularAdmin.get_urls() (the
desk's login and second factor); each checks the office's permission on circulars itself.
A circular's page starts its draft the first time it is opened (publishing.drafting); its
preview is the document itself, read back (publishing.preview).
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from evidence.models import Flag
from publishing import drafting, preview
from publishing.figures import changed_since_issue
from publishing.forms import CircularTextForm, IssueForm
from publishing.models import ISSUED_ALREADY, Circular, CircularKind
from publishing.views import docx_response, file_name
from reporting import periods
from reporting.models import MonthlyReport, Plan, ReportState
from scoring.models import Inspection
from scoring.rules import assessed_quarters


def require_right(user, action):
    """The office's right on circulars (communities/permissions.py): view, add, change."""
    if not user.has_perm(f"publishing.{action}_circular"):
        raise PermissionDenied


def page_url(circular):
    """The desk page of a circular: its quarter's or its inspection's."""
    if circular.inspection_id:
        return reverse("admin:publishing_circular_inspection", args=[circular.inspection_id])
    return reverse("admin:publishing_circular_quarter", args=[circular.quarter_label])


def year_page(request, site):
    """Every assessed quarter and inspection of a year, with its circular's state."""
    require_right(request.user, "view")
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    quarters, inspections = [], []
    if plan:
        circulars = Circular.objects.filter(plan=plan).defer("document", "figures")
        by_quarter = {c.quarter: c for c in circulars if c.kind == CircularKind.QUARTER}
        by_inspection = {c.inspection_id: c for c in circulars if c.inspection_id}
        quarters = [
            (quarter, by_quarter.get(quarter.number))
            for quarter in assessed_quarters(plan.year, plan.months())
        ]
        inspections = [
            (inspection, by_inspection.get(inspection.pk)) for inspection in plan.inspections.all()
        ]
    return TemplateResponse(
        request,
        "publishing/admin_year.html",
        {
            **site.each_context(request),
            "title": _("Quarterly and inspection circulars"),
            "years": [p.year for p in plans],
            "plan": plan,
            "quarters": quarters,
            "inspections": inspections,
            "opts": Circular._meta,
        },
    )


def quarter_page(request, site, quarter):
    """A quarter's circular; its draft is started the first time the page is opened."""
    require_right(request.user, "view")
    try:
        quarter = periods.Quarter.parse(quarter)
    except ValueError:
        raise Http404 from None
    plan = get_object_or_404(Plan, year=quarter.year)
    if quarter not in assessed_quarters(plan.year, plan.months()):
        raise Http404(_("This quarter has no month with a report due: it is not assessed."))
    circular = Circular.objects.filter(
        kind=CircularKind.QUARTER, plan=plan, quarter=quarter.number
    ).first()
    if circular is None:
        require_right(request.user, "add")
        circular = drafting.quarter_circular(plan, quarter)
    context = {
        "title": _("Quarterly circular, %(quarter)s") % {"quarter": quarter.label},
        "quarter": quarter,
        # A quarter still running: its figures may change before it ends.
        "running": timezone.now() < quarter.ends_at,
        # What the office has not judged yet: the figures may still change with it.
        "unsettled": _unsettled(plan, quarter),
        "scores_url": reverse("scoring:quarter", args=[quarter]),
    }
    return _circular_page(request, site, circular, context)


def _unsettled(plan, quarter):
    """(reports of the quarter waiting for review, evidence flags of it still open): a
    judgement of either may change the figures the circular would freeze (C1)."""
    reports = MonthlyReport.objects.filter(plan=plan, month__in=quarter.months)
    return (
        reports.filter(state=ReportState.SUBMITTED).count(),
        Flag.objects.open().filter(report__in=reports).count(),
    )


def inspection_page(request, site, pk):
    """An inspection's circular; its draft is started the first time the page is opened."""
    require_right(request.user, "view")
    inspection = get_object_or_404(Inspection.objects.select_related("plan"), pk=pk)
    circular = Circular.objects.filter(inspection=inspection).first()
    if circular is None:
        require_right(request.user, "add")
        circular = drafting.inspection_circular(inspection)
    context = {
        "title": _("Inspection circular: %(title)s") % {"title": inspection.title},
        "inspection": inspection,
        "scores_url": reverse("scoring:inspection", args=[inspection.pk]),
    }
    return _circular_page(request, site, circular, context)


def _circular_page(request, site, circular, context):
    """The texts (a form while a draft), the preview, the draft's download and 发布通报."""
    form = None
    if request.method == "POST":
        require_right(request.user, "change")
        if circular.is_issued:  # its texts are kept as issued (C1)
            messages.error(request, ISSUED_ALREADY)
            return redirect(page_url(circular))
        form = CircularTextForm(request.POST)
        if form.is_valid():
            try:
                circular.edit(**form.cleaned_data)
            except ValidationError as refused:  # issued a moment ago
                messages.error(request, refused.messages[0])
            else:
                messages.success(request, _("The circular's text is saved."))
            return redirect(page_url(circular))
    now = timezone.now()
    changed = circular.is_issued and changed_since_issue(circular, now)
    if not circular.is_issued:
        form = form or CircularTextForm.of(circular)
    return TemplateResponse(
        request,
        "publishing/admin_circular.html",
        {
            **site.each_context(request),
            **context,
            "circular": circular,
            # What the document says: the draft made now, or the document as issued.
            "blocks": preview.read(drafting.document(circular, now)),
            "changed": changed,
            "drawn_at": now,
            "form": form,
            "issue_form": IssueForm(),
            "opts": Circular._meta,
        },
    )


def download(request, pk):
    """The circular as a .docx: a draft made now from the scores as they stand, an issued
    one as it was issued."""
    require_right(request.user, "view")
    circular = get_object_or_404(Circular.objects.select_related("plan", "inspection"), pk=pk)
    return docx_response(drafting.document(circular, timezone.now()), file_name(circular))


@require_POST
def issue(request, pk):
    """发布通报 (C1): the figures as they stand now, the document made of them, frozen.
    A second press (a double submit, another desk) is told and changes nothing."""
    require_right(request.user, "change")
    circular = get_object_or_404(Circular.objects.select_related("issued_by"), pk=pk)
    form = IssueForm(request.POST)
    if circular.is_issued:
        messages.error(request, _already_issued(circular))
    elif not form.is_valid():
        messages.error(request, form.errors["confirm"][0])
    else:
        try:
            drafting.issue(circular, request.user)
        except ValidationError:  # issued by another request since this one read it
            circular.refresh_from_db()
            messages.error(request, _already_issued(circular))
        else:
            messages.success(
                request,
                _("The circular is issued: its figures and its document are kept as they are now."),
            )
    return redirect(page_url(circular))


def _already_issued(circular):
    by = circular.issued_by
    return _("This circular was already issued on %(day)s by %(by)s: it was not issued again.") % {
        "day": circular.issued_on.isoformat(),
        "by": (by.get_full_name() or by.username) if by else "",
    }
