"""The office's review (M5, M6): accept, return for correction, record falsification.

The transitions are the report's own methods; here is how the office calls them
from the admin, for one report or many, with the version of each report it saw.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import require_review
from reporting.models import Finding, MonthlyReport, ReportEvent


class ReviewForm(forms.Form):
    """The reason, and for a falsification (S3: the month's deduction doubles) a tick
    saying so, checked here before the report's own transition runs."""

    reason = forms.CharField(
        label=gettext_lazy("Reason (required to return or to record falsification)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )
    confirm_falsify = forms.BooleanField(
        label=gettext_lazy(
            "I confirm the finding of falsification (the month's deduction doubles)"
        ),
        required=False,
    )

    def __init__(self, *args, action=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.action = action

    def clean(self):
        data = super().clean()
        if self.action in NEEDS_REASON and not data.get("reason", "").strip():
            self.add_error("reason", NEEDS_REASON[self.action])
        if self.action == "falsify" and not data.get("confirm_falsify"):
            self.add_error(
                "confirm_falsify",
                _("Tick the box to confirm the finding: it doubles the month's deduction."),
            )
        return data


# Each carries the version of the report the reviewer saw: a report that changed
# since (resubmitted, say) is refused rather than judged unseen.
REVIEW_ACTIONS = {
    "accept": (
        gettext_lazy("Accept"),
        lambda report, user, reason, version: report.accept(user, version=version),
    ),
    "return": (
        gettext_lazy("Return for correction"),
        lambda report, user, reason, version: report.return_(user, reason, version=version),
    ),
    "falsify": (
        gettext_lazy("Record falsification (弄虚作假)"),
        lambda report, user, reason, version: report.mark_falsified(user, reason, version=version),
    ),
}


NEEDS_REASON = {
    "return": gettext_lazy("Please give the reason for returning it."),
    "falsify": gettext_lazy("Please write the reason for the finding."),
}


def seen_versions(data, reports):
    """{report id: the version the reviewer saw}, from the review form's hidden fields."""
    versions = {}
    for report in reports:
        value = data.get(f"version-{report.pk}", "")
        versions[report.pk] = int(value) if value.isdigit() else 0
    return versions


def review(request, reports, action, reason, versions):
    """Run `action` on each report; each refusal is named, the successes counted."""
    label, run = REVIEW_ACTIONS[action]
    done = 0
    for report in reports:
        try:
            run(report, request.user, reason, versions[report.pk])
        except ValidationError as refusal:
            messages.error(request, f"{report}：{'；'.join(refusal.messages)}")
        else:
            done += 1
    if done:
        messages.success(request, _("%(action)s: %(n)d report(s).") % {"action": label, "n": done})


def review_page(request, site, title, reports, form, **context):
    return TemplateResponse(
        request,
        "admin/reporting/review.html",
        {
            **site.each_context(request),
            "title": title,
            "reports": reports,
            "form": form,
            "opts": MonthlyReport._meta,
            **context,
        },
    )


def review_many(request, site, reports, action):
    """The admin action: the reports and a reason first; applied once confirmed.

    None once applied, so the admin goes back to the list with the messages.
    """
    require_review(request.user)
    form = ReviewForm(request.POST if "apply" in request.POST else None, action=action)
    if form.is_bound and form.is_valid():
        versions = seen_versions(request.POST, reports)
        review(request, reports, action, form.cleaned_data["reason"], versions)
        return None
    title = REVIEW_ACTIONS[action][0]
    return review_page(request, site, title, reports, form, action=f"{action}_reports")


def review_one(request, pk, site):
    """One report, opened from its admin page at the version shown there: what was
    filed (activities, photos), what happened to it (history, findings), and the three
    judgements. A judgement missing its reason or confirmation shows the page again."""
    require_review(request.user)
    reports = MonthlyReport.objects.select_related(
        "community__work_point", "plan", "submitted_by"
    ).prefetch_related(
        "activities__photos",
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("recorded_by", "withdrawn_by"),
        ),
    )
    report = get_object_or_404(reports, pk=pk)
    action = request.POST.get("action")
    posted = request.method == "POST" and action in REVIEW_ACTIONS
    form = ReviewForm(request.POST if posted else None, action=action)
    if posted and form.is_valid():
        versions = seen_versions(request.POST, [report])
        review(request, [report], action, form.cleaned_data["reason"], versions)
        return redirect("admin:reporting_monthlyreport_change", pk)
    seen = request.POST.get(f"version-{pk}", "") if posted else request.GET.get("version", "")
    report.seen_version = int(seen) if seen.isdigit() else report.version
    title = _("Review %(report)s") % {"report": report}
    return review_page(request, site, title, [report], form, single=True, report=report)
