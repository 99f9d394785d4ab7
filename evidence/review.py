"""A report's evidence flags (E1) on its review page (reporting/review.py): most serious
first, the weak ones apart; each dismissed with a reason, or taken as the reason of a
falsification finding, which the office still confirms.

`FlagsOnReview` is what the evidence admin (evidence/admin.py) gives the review page;
`dismiss_flag` is mounted beside it.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from communities.access import require_review
from evidence.forms import DismissForm, finding_reason
from evidence.models import Flag
from evidence.views import ReportFlags, report_flags
from reporting import periods, review
from reporting.review import ReviewExtras, ReviewForm, seen_number


class FindingFromFlag(ReviewForm):
    """The review form opened from a flag: its evidence as the reason, the confirmation
    box (not ticked) where the keyboard lands. Nothing is recorded until it is sent."""

    def __init__(self, flag):
        super().__init__(initial={"reason": finding_reason(flag)})
        self.flag = flag
        self.fields["reason"].widget.attrs["rows"] = 5  # the whole sentence in view
        self.fields["confirm_falsify"].widget.attrs["autofocus"] = True


class FlagsOnReview(ReviewExtras):
    """The report's flags on its review page, and the finding opened from one of them
    (`?flag=<number>`)."""

    def prefetches(self):
        return (report_flags(),)

    def initial_form(self, request, report):
        flag = flag_of(report, seen_number(request.GET, "flag"))
        return None if flag is None else FindingFromFlag(flag)

    def context(self, report, form):
        return {
            "flags": ReportFlags.of(report.flags),
            # A report found falsified already (M6) takes no second finding from a flag.
            "found_falsified": any(finding.is_active for finding in report.findings.all()),
            "from_flag": form.flag if isinstance(form, FindingFromFlag) else None,
        }


FLAGS_ON_REVIEW = FlagsOnReview()


def flag_of(report, flag_pk):
    """The flag of this report with that number (its flags prefetched), or None."""
    return next((flag for flag in report.flags if flag.pk == flag_pk), None)


@require_POST
def dismiss_flag(request, pk, flag_pk, site):
    """The office dismisses one flag of this report with a reason, and is back on the
    same review page. Without a reason: the page again, saying so beside the flag. A flag
    dismissed meanwhile (a second press, a colleague): said, nothing changed."""
    require_review(request.user)
    report = get_object_or_404(review.for_review(FLAGS_ON_REVIEW), pk=pk)
    # Only this report's flags: another report's flag posted to this URL is not found.
    flag = flag_of(report, flag_pk)
    if flag is None:
        raise Http404
    version = seen_number(request.POST, "version")
    if flag.answered and flag.dismissed_at is None:  # found falsified meanwhile
        messages.warning(
            request, _("The office found this report falsified: the flag needs nothing more.")
        )
        return redirect(review.review_url(site, report, version))
    if not flag.is_open:
        return dismissed_already(request, site, report, flag, version)
    form = DismissForm(request.POST)
    if form.is_valid():
        try:
            flag.dismiss(request.user, form.cleaned_data["reason"])
        except ValidationError as refusal:
            if refusal.code == "dismissed":  # by a colleague, a moment ago
                return dismissed_already(request, site, report, flag, version)
            form.add_error("reason", refusal)
    if form.errors:
        flag.dismiss_form = form  # the page again, the error and the typed words by the flag
        return review.one_page(
            request, site, report, ReviewForm(), version, None, extras=FLAGS_ON_REVIEW
        )
    messages.success(
        request,
        _("Flag dismissed: %(kind)s, activity %(n)d.")
        % {"kind": flag.get_kind_display(), "n": flag.activity.position},
    )
    return redirect(review.review_url(site, report, version))


def dismissed_already(request, site, report, flag, version):
    """Back to the page, saying who dismissed the flag, when and why (read again: a
    colleague may have done it a moment ago)."""
    flag = Flag.objects.select_related("dismissed_by").get(pk=flag.pk)
    who = flag.dismissed_by.get_full_name() or flag.dismissed_by.get_username()
    messages.warning(
        request,
        _("This flag was already dismissed by %(who)s at %(at)s: %(reason)s")
        % {
            "who": who,
            "at": f"{periods.local(flag.dismissed_at):%Y-%m-%d %H:%M}",
            "reason": flag.dismissal_reason,
        },
    )
    return redirect(review.review_url(site, report, version))
