"""The office's review (M5, M6): accept, return for correction, record falsification.

The transitions are the report's own methods; here is how the office calls them
from the admin, for one report or many, with the version of each report it saw.
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.access import require_review
from reporting.models import MonthlyReport


class ReviewForm(forms.Form):
    reason = forms.CharField(
        label=gettext_lazy("Reason (required to return or to record falsification)"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3, "cols": 60}),
    )


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
    form = ReviewForm(request.POST if "apply" in request.POST else None)
    if form.is_bound and form.is_valid():
        versions = seen_versions(request.POST, reports)
        review(request, reports, action, form.cleaned_data["reason"], versions)
        return None
    title = REVIEW_ACTIONS[action][0]
    return review_page(request, site, title, reports, form, action=f"{action}_reports")


def review_one(request, pk, site):
    """One report, opened from its admin page at the version shown there."""
    require_review(request.user)
    report = get_object_or_404(MonthlyReport.objects.select_related("community", "plan"), pk=pk)
    form = ReviewForm(request.POST or None)
    action = request.POST.get("action")
    if request.method == "POST" and action in REVIEW_ACTIONS and form.is_valid():
        versions = seen_versions(request.POST, [report])
        review(request, [report], action, form.cleaned_data["reason"], versions)
        return redirect("admin:reporting_monthlyreport_change", pk)
    seen = request.GET.get("version", "")
    report.seen_version = int(seen) if seen.isdigit() else report.version
    title = _("Review %(report)s") % {"report": report}
    choices = [(key, label) for key, (label, _run) in REVIEW_ACTIONS.items()]
    return review_page(request, site, title, [report], form, single=True, choices=choices)
