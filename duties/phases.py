"""The phases' papers on the portal (issue 14 part 3): a community's or a unit's page of
the year's two phases (实施方案 due 31 March, 总结 due 31 December: duties.documents
due_on), its current paper and earlier versions of each, the upload form for its own
staff; the download of a paper; and, for the office and the leadership, the year's
overview of who has handed in what.

Private: a community's papers are its own staff's, a unit's its own staff's; the office
and the leadership read and download every one. Another community's or unit's staff get
404 (a typed-in id reveals nothing), every other role 403. Thin views, as duties/units.py:
the access check, a form that checks the file by its content (duties.documents), `hand_in`,
then back to the page.
"""

import uuid

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communities.access import viewer_of
from communities.models import Community, Unit
from duties.documents import (
    ACCEPT_ATTRIBUTE,
    DOCUMENT_MAX_BYTES,
    check_document,
    download_name,
    due_on,
    hand_in,
    handed_in_late,
    phase_overview,
)
from duties.models import Phase, PhaseDocument
from duties.views import Summary, _apply, _problems
from reporting.models import Plan

OWNERS = {"communities": Community, "units": Unit}


# --- Who: one rule for the pages, the uploads and the downloads.


def may_read(viewer, owner):
    """A community's papers: its own staff; a unit's: its own staff; the office and the
    leadership read all."""
    if viewer.sees_all:
        return True
    if isinstance(owner, Community):
        return viewer.files_reports and viewer.community_id == owner.pk
    return viewer.records_unit_activities and viewer.unit_id == owner.pk


def may_hand_in(viewer, owner):
    """Only a community's or unit's own staff hand its papers in."""
    return may_read(viewer, owner) and not viewer.sees_all


def require_read(user, owner):
    """404 for another community's (or unit's) staff, so a typed-in id reveals nothing;
    403 for a role that hands in no such paper (heads, the other kind of staff, no role)."""
    viewer = viewer_of(user)
    if may_read(viewer, owner):
        return
    same_kind = (
        viewer.files_reports if isinstance(owner, Community) else viewer.records_unit_activities
    )
    raise Http404 if same_kind else PermissionDenied


def require_hand_in(user, owner):
    require_read(user, owner)
    if not may_hand_in(viewer_of(user), owner):
        raise PermissionDenied


def _owner(kind, pk):
    if kind not in OWNERS:
        raise Http404
    return get_object_or_404(OWNERS[kind], pk=pk)


def kind_of(owner):
    return "units" if isinstance(owner, Unit) else "communities"


def page_url(owner, year=None):
    url = reverse("phases:owner", args=[kind_of(owner), owner.pk])
    return f"{url}?year={year}" if year else url


# --- The form: one file, checked by its content, and the page's one-time key.


class PhaseDocumentForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Document (.docx or PDF)"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4()
        field = self.fields["file"]
        field.help_text = _(
            "A Word document saved as .docx, or a PDF; at most %(limit)d MB. An old .doc or "
            "WPS file: open it and save it as .docx or PDF first."
        ) % {"limit": DOCUMENT_MAX_BYTES // (1024 * 1024)}
        field.error_messages["required"] = _("Please choose the document to upload.")
        field.error_messages["empty"] = _(
            "The chosen file is empty; please choose the document again."
        )
        field.error_messages["invalid"] = _("Please choose the document to upload.")
        self.fields["submission"].error_messages["required"] = _(
            "The page was incomplete; please reload it and upload again."
        )

    def clean_file(self):
        return check_document(self.cleaned_data["file"])


# --- The page of a community's or a unit's papers.


class PhaseBox:
    """One phase on the owner's page: its day, the current paper, the earlier ones, the
    form (for the owner's own staff)."""

    def __init__(self, plan, phase, documents, form):
        self.phase = Phase(phase)
        self.due = due_on(phase, plan.year)
        self.documents = documents
        self.form = form

    @property
    def current(self):
        return self.documents[0] if self.documents else None

    @property
    def earlier(self):
        return self.documents[1:]

    @property
    def overdue(self):
        return self.current is None and timezone.localdate() > self.due

    @property
    def prefix(self):
        return self.phase.value


@login_required
@require_GET
def home(request):
    """Community staff go to their community's page, unit staff to their unit's; the office
    and the leadership get the year's overview; anyone else is refused."""
    viewer = viewer_of(request.user)
    if viewer.files_reports:
        return redirect("phases:owner", "communities", viewer.community_id)
    if viewer.records_unit_activities:
        return redirect("phases:owner", "units", viewer.unit_id)
    if not viewer.sees_all:
        raise PermissionDenied
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    return render(
        request,
        "duties/phase_overview.html",
        {
            "plans": plans,
            "plan": plan,
            "overviews": [phase_overview(plan, phase) for phase in Phase] if plan else [],
        },
    )


@login_required
@require_GET
def owner_page(request, kind, pk):
    owner = _owner(kind, pk)
    require_read(request.user, owner)
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    return _render(request, owner, plans, plan)


def _render(request, owner, plans, plan, bound=None):
    staff = may_hand_in(viewer_of(request.user), owner)
    boxes = []
    if plan is not None:
        documents = list(
            PhaseDocument.objects.filter(plan=plan, **{_owner_field(owner): owner}).select_related(
                "recorded_by", "plan"
            )
        )
        for document in documents:
            document.late = handed_in_late(document)
        for phase in Phase:
            form = None
            if staff:
                form = bound if bound is not None and bound.prefix == phase.value else None
                form = form or PhaseDocumentForm(prefix=phase.value)
            boxes.append(PhaseBox(plan, phase, [d for d in documents if d.phase == phase], form))
    return render(
        request,
        "duties/phase_owner.html",
        {
            "owner": owner,
            "kind": kind_of(owner),
            "plans": plans,
            "plan": plan,
            "boxes": boxes,
            "staff": staff,
            # The form's problems; the file is not kept (it says so itself), no photo dropped.
            "summary": Summary(_problems(bound), photos_dropped=False) if bound else [],
        },
    )


def _owner_field(owner):
    return "unit" if isinstance(owner, Unit) else "community"


@login_required
def upload(request, kind, pk, year, phase):
    """The owner's staff hand in a paper for a phase of the year; a second one is a new
    version, the earlier kept. A GET (a login page sending someone back) goes to the page."""
    owner = _owner(kind, pk)
    if request.method != "POST":
        return redirect(page_url(owner, year))
    require_hand_in(request.user, owner)
    plan = get_object_or_404(Plan, year=year)
    if phase not in Phase.values:
        raise Http404
    form = PhaseDocumentForm(request.POST, request.FILES, prefix=phase)
    back = page_url(owner, plan.year)
    if not form.is_valid():
        return _render(request, owner, *Plan.pick(plan.year, timezone.localdate()), bound=form)
    replacing = PhaseDocument.objects.filter(
        plan=plan, phase=phase, **{_owner_field(owner): owner}
    ).exists()

    def write(form):
        hand_in(
            plan=plan,
            phase=phase,
            owner=owner,
            checked=form.cleaned_data["file"],
            by=request.user,
            submission=form.cleaned_data["submission"],
        )

    refusal = _apply(form, write)
    if refusal is not None:  # sent twice: recorded once already
        messages.info(request, refusal.message)
        return redirect(back)
    if not form.is_valid():
        return _render(request, owner, *Plan.pick(plan.year, timezone.localdate()), bound=form)
    label = Phase(phase).label
    if replacing:
        messages.success(
            request,
            _(
                "A new version of the %(phase)s was uploaded; it is now the current one, "
                "and the earlier versions are kept below."
            )
            % {"phase": label},
        )
    else:
        messages.success(request, _("The %(phase)s was uploaded.") % {"phase": label})
    return redirect(back)


# --- A paper, downloaded.


@login_required
@require_GET
def download(request, pk):
    """A paper as it was handed in, under its original name, to whoever may read its
    community's or unit's papers; never through MEDIA_URL."""
    document = get_object_or_404(PhaseDocument.objects.select_related("community", "unit"), pk=pk)
    require_read(request.user, document.community or document.unit)
    try:
        handle = document.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(document),  # FileResponse adds filename* (RFC 5987)
        content_type=document.content_type,
    )
    # A paper never changes (a new one is a new row); kept in this browser only, never a
    # proxy's; never rendered as a page (X-Content-Type-Options: SecurityMiddleware's too).
    response["Cache-Control"] = "private, max-age=3600"
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
