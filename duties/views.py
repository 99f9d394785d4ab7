"""The work-point head's pages for P1: a month of the point, with its supervision visits
and work meetings and the forms to record them; a record's correction; their photos.
The steps every duty's pages share (a record saved or refused, a correction, a photo
served) are here too, for duties.units (U1) as well.

Thin views: communities.access answers who (404 for another point's head, 403 for who
reads but never records), a form checks the fields, the model's `record` or `correct`
writes all or nothing, then back to the month.
"""

from dataclasses import dataclass
from functools import partial

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communities.access import (
    Viewer,
    require_point_head,
    require_point_view,
    require_unit_view,
    viewer_of,
)
from communities.models import WorkPoint
from duties import rules
from duties.forms import SupervisionForm, WorkMeetingForm
from duties.models import CLOSED, Supervision, SupervisionPhoto, UnitActivityPhoto, WorkMeeting
from duties.overview import point_duties
from reporting import periods
from reporting.models import Plan

# The report photo view's answer (reporting.views): the same headers, one place.
from reporting.views import PHOTO_VARIANTS, photo_file_response

PREFIXES = {Supervision: "visit", WorkMeeting: "meeting"}
FORMS = {Supervision: SupervisionForm, WorkMeeting: WorkMeetingForm}
RECORDED = {
    Supervision: gettext_lazy("Supervision visit recorded."),
    WorkMeeting: gettext_lazy("Work meeting recorded."),
}
CORRECTING = {
    Supervision: gettext_lazy("Correct a supervision visit"),
    WorkMeeting: gettext_lazy("Correct a work meeting"),
}


def month_url(work_point_id, plan, month):
    return reverse("duties:month", args=[work_point_id, plan.year, month])


def _duty_month(year, month):
    """The plan of `year`, if `month` carries the duty (M7); 404 otherwise."""
    plan = get_object_or_404(Plan, year=year)
    if not plan.carries_duty(month):
        raise Http404
    return plan


def has_begun(year, month):
    return timezone.now() >= periods.month_bounds(year, month)[0]


@login_required
@require_GET
def month_page(request, point, year, month):
    """A month of a point: its visits and meetings; for its head, the forms to add them."""
    work_point = get_object_or_404(WorkPoint, pk=point)
    require_point_view(request.user, work_point)
    return _render_month(request, work_point, _duty_month(year, month), month)


def _render_month(request, work_point, plan, month, bound=None):
    """The month page; `bound` is the form just refused, shown as it was sent."""
    is_head = viewer_of(request.user).can_record_for(work_point.pk)
    may_record = is_head and has_begun(plan.year, month)
    forms = {}
    if may_record:
        for model, form_class in FORMS.items():
            if bound is not None and isinstance(bound, form_class):
                forms[model] = bound
            else:
                forms[model] = form_class(
                    work_point=work_point, plan=plan, month=month, prefix=PREFIXES[model]
                )
    months = point_duties(plan, work_point.pk, timezone.now())
    records = {
        model: model.objects.of_month(plan, month)
        .filter(work_point=work_point)
        .select_related("recorded_by")
        for model in FORMS
    }
    correctable = may_record and rules.correctable(plan.year, month, timezone.localdate())
    return render(
        request,
        "duties/month.html",
        {
            "work_point": work_point,
            "plan": plan,
            "month": month,
            "months": months,
            "duty": next(m for m in months if m.month == month),
            "visits": records[Supervision].prefetch_related("communities", "photos"),
            "meetings": records[WorkMeeting],
            "visit_form": forms.get(Supervision),
            "meeting_form": forms.get(WorkMeeting),
            "refused": bound,
            "summary": _summary(bound) if bound is not None else [],
            "is_head": is_head,
            "may_record": may_record,
            "correctable": correctable,
        },
    )


@dataclass(frozen=True)
class Summary:
    """What the top of a refused form's page says: each problem as (text, link to its
    field), and whether photos were sent with it (they are not kept: choose them again)."""

    lines: list
    photos_dropped: bool

    def __bool__(self):
        return bool(self.lines)


def _summary(form):
    """Every problem of the refused form as (text, link to its field): "督导社区：请至少
    勾选一个督导社区。"; a field left empty says its name already ("督导日期不能为空"). A
    problem of the page's hidden keys is said as it is, linked to the form."""
    return Summary(
        _problems(form), photos_dropped=any(form.files.values()) if form.files else False
    )


def _problems(form):
    whole_form = f"{form.prefix or 'record'}-form"
    lines = [(error, whole_form) for error in form.non_field_errors()]
    for name, errors in form.errors.as_data().items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        for error in errors:
            text = " ".join(error.messages)
            if field.is_hidden:
                lines.append((text, whole_form))
                continue
            if error.code != "required":
                text = f"{field.label}：{text}"
            lines.append((text, f"div_{field.auto_id}"))
    return lines


def _apply(form, write):
    """Run `write(form)` on a valid form; a refusal of the model lands on its field.
    Returns the refusal when the page cannot simply be corrected and sent again (sent
    twice, or no longer correctable), else None."""
    try:
        write(form)
    except ValidationError as refusal:
        for error in refusal.error_list:
            if error.code in ("sent_twice", "closed"):
                return error
            field = (error.params or {}).get("field")
            form.add_error(field if field in form.fields else None, error)
    return None


@login_required
def add_record(request, point, year, month, model):
    """P1: the head records a visit or a meeting of its own point's month.

    The form posts here; a GET (the login page sending back a head whose session ran out
    while filling it in, a reload) goes to the month's page, never to a bare 405."""
    if request.method != "POST":
        return redirect(reverse("duties:month", args=[point, year, month]))
    work_point = get_object_or_404(WorkPoint, pk=point)
    require_point_head(request.user, work_point)
    plan = _duty_month(year, month)
    form = FORMS[model](
        request.POST,
        request.FILES,
        work_point=work_point,
        plan=plan,
        month=month,
        prefix=PREFIXES[model],
    )
    return save_new(
        request,
        form,
        partial(model.record, work_point=work_point, plan=plan, month=month),
        RECORDED[model],
        back=month_url(work_point.pk, plan, month),
        refused=lambda: _render_month(request, work_point, plan, month, bound=form),
    )


def save_new(request, form, record, done, *, back, refused):
    """A new record from a page: the model's `record` (its place and month already given)
    on a valid form, by the user, with the page's one-time key; then back to the page,
    told `done`. A form sent twice goes back told so, nothing recorded again; any other
    refusal is the page again (`refused()`), every problem beside its field."""

    def write(form):
        record(by=request.user, submission=form.cleaned_data["submission"], **form.values())

    written = _written(request, form, write, done, back, messages.info)
    return refused() if written is None else written


def _written(request, form, write, done, back, tell):
    """`write(form)` on a valid form: the redirect `back`, told `done` or, when the page
    cannot be sent again as it is, the refusal (through `tell`, a level of
    django.contrib.messages); None while the form has problems to show."""
    if not form.is_valid():
        return None
    refusal = _apply(form, write)
    if refusal is not None:
        tell(request, refusal.message)
        return redirect(back)
    if form.is_valid():
        messages.success(request, done)
        return redirect(back)
    return None


@login_required
def correct_record(request, pk, model):
    """The head corrects a record of the current or previous month (rules.correctable)."""
    record = get_object_or_404(model.objects.select_related("work_point", "plan"), pk=pk)
    work_point, plan, month = record.work_point, record.plan, record.month
    require_point_head(request.user, work_point)
    return correction(
        request,
        record,
        partial(FORMS[model], work_point=work_point, plan=plan, month=month),
        back=month_url(work_point.pk, plan, month),
        heading=CORRECTING[model],
        place=work_point,
        year=plan.year,
        photo_view="duties:photo" if model is Supervision else None,
    )


def correction(request, record, form_class, *, back, **page):
    """A record's correction page, whoever's: closed once the record is no longer
    correctable (rules.correctable); a valid `form_class` form (its place and month
    already given) is `record.correct`ed, a refusal said on the page (beside its field)
    or, for a page that cannot be sent again, on the month's. `page` is what
    duties/correct.html shows of it: heading, place, year and the URL name of its photos
    (None for a record without photos)."""
    if not record.is_correctable():
        messages.info(request, CLOSED)
        return redirect(back)
    form = form_class(request.POST or None, request.FILES or None, instance=record)

    def write(form):
        record.correct(request.user, version=form.cleaned_data["version"], **form.values())

    if request.method == "POST":
        written = _written(request, form, write, _("Correction saved."), back, messages.error)
        if written is not None:
            return written
    return render(
        request,
        "duties/correct.html",
        {
            **page,
            "month": record.month,
            "record": record,
            "form": form,
            "summary": _summary(form) if form.is_bound else [],
            "back": back,
        },
    )


# Whose a duty's photo is, and who sees it: the field of its record naming the point or
# unit, the readers' rule (404 for another point's head or unit's staff, 403 for a role
# that reads none), who gets the original, and the original's download name.
PHOTO_ACCESS = {
    SupervisionPhoto: (
        "work_point",
        require_point_view,
        Viewer.can_see_point_originals,
        "supervision-photo",
    ),
    UnitActivityPhoto: (
        "unit",
        require_unit_view,
        Viewer.can_see_unit_originals,
        "unit-activity-photo",
    ),
}


@login_required
@require_GET
def photo(request, pk, variant, model):
    """A visit's photo: to the point's head, the office and the leadership; a unit
    activity's: to the unit's own staff, the office and the leadership. The original
    (GPS and all) to the head or the unit's staff and the office only. Never through
    MEDIA_URL."""
    if variant not in PHOTO_VARIANTS:
        raise Http404
    place_field, require_view, sees_original, name = PHOTO_ACCESS[model]
    photo = get_object_or_404(model.objects.select_related(f"{model.OWNER}__{place_field}"), pk=pk)
    place = getattr(getattr(photo, model.OWNER), place_field)
    require_view(request.user, place)
    if variant == "original" and not sees_original(viewer_of(request.user), place.pk):
        raise PermissionDenied
    return photo_file_response(photo, variant, name)
