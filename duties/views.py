"""The work-point head's pages for P1: a month of the point, with its supervision visits
and work meetings and the forms to record them; a record's correction; their photos.

Thin views: communities.access answers who (404 for another point's head, 403 for who
reads but never records), a form checks the fields, the model's `record` or `correct`
writes all or nothing, then back to the month.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communities.access import require_point_head, require_point_view, viewer_of
from communities.models import WorkPoint
from duties import rules
from duties.forms import SupervisionForm, WorkMeetingForm
from duties.models import CLOSED, Supervision, SupervisionPhoto, WorkMeeting
from duties.overview import point_duties
from reporting import periods
from reporting.models import Plan

# The report photo view's answer (reporting.views): the same headers, one place.
from reporting.views import PHOTO_VARIANTS, photo_file_response

PREFIXES = {Supervision: "visit", WorkMeeting: "meeting"}
FORMS = {Supervision: SupervisionForm, WorkMeeting: WorkMeetingForm}


def month_url(work_point_id, plan, month):
    return reverse("duties:month", args=[work_point_id, plan.year, month])


def _duty_month(year, month):
    """The plan of `year`, if `month` carries the duty (M7); 404 otherwise."""
    plan = get_object_or_404(Plan, year=year)
    if not plan.carries_duty(month):
        raise Http404
    return plan


def _has_begun(plan, month):
    return timezone.now() >= periods.month_bounds(plan.year, month)[0]


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
    may_record = is_head and _has_begun(plan, month)
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


def _summary(form):
    """Every problem of the refused form as (text, link to its field): "督导社区：请至少
    勾选一个督导社区。"; a field left empty says its name already ("督导日期不能为空")."""
    lines = [(error, f"{form.prefix or 'record'}-form") for error in form.non_field_errors()]
    for name, errors in form.errors.as_data().items():
        if name == NON_FIELD_ERRORS:
            continue
        field = form[name]
        for error in errors:
            text = " ".join(error.messages)
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
    if form.is_valid():

        def write(form):
            model.record(
                work_point=work_point,
                plan=plan,
                month=month,
                by=request.user,
                submission=form.cleaned_data["submission"],
                **form.values(),
            )

        refusal = _apply(form, write)
        if refusal is not None:
            messages.info(request, refusal.message)
            return redirect(month_url(work_point.pk, plan, month))
        if form.is_valid():
            done = {
                Supervision: _("Supervision visit recorded."),
                WorkMeeting: _("Work meeting recorded."),
            }[model]
            messages.success(request, done)
            return redirect(month_url(work_point.pk, plan, month))
    return _render_month(request, work_point, plan, month, bound=form)


@login_required
def correct_record(request, pk, model):
    """The head corrects a record of the current or previous month (rules.correctable)."""
    record = get_object_or_404(model.objects.select_related("work_point", "plan"), pk=pk)
    work_point, plan, month = record.work_point, record.plan, record.month
    require_point_head(request.user, work_point)
    back = month_url(work_point.pk, plan, month)
    if not record.is_correctable():
        messages.info(request, CLOSED)
        return redirect(back)
    form = FORMS[model](
        request.POST or None,
        request.FILES or None,
        instance=record,
        work_point=work_point,
        plan=plan,
        month=month,
    )
    if request.method == "POST" and form.is_valid():

        def write(form):
            record.correct(request.user, version=form.cleaned_data["version"], **form.values())

        refusal = _apply(form, write)
        if refusal is not None:
            messages.error(request, refusal.message)
            return redirect(back)
        if form.is_valid():
            messages.success(request, _("Correction saved."))
            return redirect(back)
    return render(
        request,
        "duties/correct.html",
        {
            "record": record,
            "form": form,
            "is_visit": model is Supervision,
            "summary": _summary(form) if form.is_bound else [],
            "back": back,
        },
    )


@login_required
@require_GET
def photo(request, pk, variant):
    """A visit's photo: to the point's head, the office and the leadership; the original
    (GPS and all) to the head and the office only. Never through MEDIA_URL."""
    if variant not in PHOTO_VARIANTS:
        raise Http404
    photo = get_object_or_404(
        SupervisionPhoto.objects.select_related("supervision__work_point"), pk=pk
    )
    work_point = photo.supervision.work_point
    require_point_view(request.user, work_point)
    if variant == "original" and not viewer_of(request.user).can_see_point_originals(work_point.pk):
        raise PermissionDenied
    return photo_file_response(photo, variant, "supervision-photo")
