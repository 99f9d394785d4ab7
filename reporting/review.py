"""The office's review (M5, M6): accept, return for correction, record falsification.

The transitions are the report's own methods; here is how the office calls them
from the admin, for one report or many, with the version of each report it saw.
An app above may add to the review page of one report through `ReviewExtras`
(evidence/review.py adds the report's evidence flags).
"""

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from communities.access import require_review
from reporting import periods
from reporting.models import (
    CHANGED_SINCE_SEEN,
    Finding,
    MonthlyReport,
    ReportEvent,
    ReportState,
)


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


def awaiting_review():
    """待审核: submitted and not judged yet, the longest waiting first. A report found
    falsified stays submitted (M6) but has been judged: it is not waiting."""
    return (
        MonthlyReport.objects.filter(state=ReportState.SUBMITTED)
        .with_falsified()
        .filter(is_falsified=False)
        .select_related("community__work_point", "plan")
        .order_by("first_submitted_at", "pk")
    )


# What the last event did, as the stale page says it: "由 王某 退回修改".
DONE_BY = {
    ReportEvent.Action.CREATED: pgettext_lazy("what someone did to a report", "created it"),
    ReportEvent.Action.EDITED: pgettext_lazy("what someone did to a report", "edited it"),
    ReportEvent.Action.SUBMITTED: pgettext_lazy("what someone did to a report", "submitted it"),
    ReportEvent.Action.RESUBMITTED: pgettext_lazy("what someone did to a report", "resubmitted it"),
    ReportEvent.Action.RETURNED: pgettext_lazy(
        "what someone did to a report", "returned it for correction"
    ),
    ReportEvent.Action.ACCEPTED: pgettext_lazy("what someone did to a report", "accepted it"),
    ReportEvent.Action.IMPORTED: pgettext_lazy("what someone did to a report", "imported it"),
    ReportEvent.Action.FALSIFIED: pgettext_lazy(
        "what someone did to a report", "found it falsified"
    ),
    ReportEvent.Action.FINDING_WITHDRAWN: pgettext_lazy(
        "what someone did to a report", "withdrew the falsification finding"
    ),
}


def latest_event(report):
    """The event recorded last (its events prefetched); an import's may be dated earlier."""
    return max(report.events.all(), key=lambda event: event.pk, default=None)


def what_changed(report):
    """The refusal of a judgement built on an older page, from what happened last."""
    event = latest_event(report)
    if event is None:
        return str(CHANGED_SINCE_SEEN)
    who = event.actor.get_full_name() or event.actor.get_username() if event.actor else None
    return _("This report was %(what)s by %(who)s at %(at)s; please look at it before you act.") % {
        "at": f"{periods.local(event.at):%Y-%m-%d %H:%M}",
        "who": who or _("the portal"),
        "what": DONE_BY.get(event.action, event.get_action_display()),
    }


class ReviewExtras:
    """What an app above adds to the review page of one report: nothing, here.

    The page is `review_one`'s; an admin above mounts it with its own extras. Each
    method is asked on every page of one report, so what it adds costs the same number
    of queries for any report."""

    def prefetches(self):
        """Prefetched with the report (`for_review`), beside what the page itself needs."""
        return ()

    def initial_form(self, request, report):
        """The ReviewForm to show when the page is opened, not sent; None: the empty one."""
        return None

    def context(self, report, form):
        """What the template is given besides the page's own, for `report` and `form`."""
        return {}


NO_EXTRAS = ReviewExtras()


def for_review(extras=NO_EXTRAS):
    """A report with all its review page shows, in a fixed number of queries."""
    return MonthlyReport.objects.select_related(
        "community__work_point", "plan", "submitted_by"
    ).prefetch_related(
        "activities__photos",
        Prefetch("events", queryset=ReportEvent.objects.select_related("actor")),
        Prefetch(
            "findings",
            queryset=Finding.objects.select_related("recorded_by", "withdrawn_by"),
        ),
        *extras.prefetches(),
    )


def seen_number(data, name):
    value = data.get(name, "")
    return int(value) if value.isdigit() else None


def changed_since(report, version, event_pk):
    """Whether the report changed after the page (at `version`, its last event `event_pk`)
    was built. A finding raises no version (M6 changes no state), so the events say it."""
    latest = latest_event(report)
    newer = event_pk is not None and latest is not None and latest.pk > event_pk
    return version != report.version or newer


def next_waiting(site, done):
    """Where the office goes after judging `done`: the report waiting longest, else the desk.

    At the top of it, where the message says what was done to `done`: an address with no
    fragment of its own would keep the one the judged page was opened at (#flag-3)."""
    waiting = awaiting_review().exclude(pk=done.pk).first()
    if waiting is None:
        return reverse("admin:index", current_app=site.name) + "#"
    return review_url(site, waiting, waiting.version) + "#"


def review_one(request, pk, site, extras=NO_EXTRAS):
    """One report, opened from its admin page at the version shown there: what was
    filed (activities, photos), what happened to it (history, findings), what `extras`
    adds, and the three judgements. A judgement missing its reason or confirmation shows
    the page again; one refused (the report changed since the page was built, or is in
    no state for it) shows the report as it is now, the typed reason kept. Once judged,
    the next report waiting."""
    require_review(request.user)
    report = get_object_or_404(for_review(extras), pk=pk)
    action = request.POST.get("action")
    posted = request.method == "POST" and action in REVIEW_ACTIONS
    form = ReviewForm(request.POST if posted else None, action=action)
    version = seen_number(request.POST, f"version-{pk}")
    event_pk = seen_number(request.POST, f"event-{pk}")
    if not (posted and form.is_valid()):
        # Asked again for the reason or the tick: still the page as it was seen.
        if not posted:
            version, event_pk = seen_number(request.GET, "version"), None
            opened = extras.initial_form(request, report)
            form = form if opened is None else opened
        return one_page(request, site, report, form, version, event_pk, extras=extras)
    reason = form.cleaned_data["reason"]
    label, run = REVIEW_ACTIONS[action]
    try:
        if changed_since(report, version, event_pk):
            raise ValidationError(CHANGED_SINCE_SEEN, code="stale")
        run(report, request.user, reason, version)
    except ValidationError as refusal:
        report = get_object_or_404(for_review(extras), pk=pk)  # as it is now
        changed = changed_since(report, version, event_pk)
        # Asked again on what is there now: the reason kept, the doubling not yet confirmed.
        return one_page(
            request,
            site,
            report,
            ReviewForm(initial={"reason": reason}, action=action),
            None,  # the version and last event of the report as it is now
            None,
            refusal=what_changed(report) if changed else "；".join(refusal.messages),
            extras=extras,
        )
    messages.success(request, _("%(action)s: %(report)s.") % {"action": label, "report": report})
    return redirect(next_waiting(site, report))


def one_page(request, site, report, form, seen_version, seen_event, refusal=None, extras=NO_EXTRAS):
    """The review page of one report, carrying the version and the last event the office
    saw on it (None: the report as it is now)."""
    latest = latest_event(report)
    report.seen_version = report.version if seen_version is None else seen_version
    report.seen_event = seen_event if seen_event is not None else latest.pk if latest else ""
    title = _("Review %(report)s") % {"report": report}
    return review_page(
        request,
        site,
        title,
        [report],
        form,
        single=True,
        report=report,
        refusal=refusal,
        **extras.context(report, form),
    )


def review_url(site, report, version):
    """The review page of `report`, at the version the office saw (None: as it is now)."""
    url = reverse("admin:reporting_monthlyreport_review", args=[report.pk], current_app=site.name)
    return f"{url}?version={version}" if version is not None else url
