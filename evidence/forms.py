"""The office's forms about flags: dismissing one, choosing a month's flags, and the
reason a falsification finding starts from when it is opened from a flag."""

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from evidence.models import Flag


class DismissForm(forms.Form):
    """Why the flag is harmless: required (Flag.dismiss asks the same of any caller)."""

    reason = forms.CharField(
        label=gettext_lazy("Why is it harmless? (required)"),
        max_length=1000,
        error_messages={"required": gettext_lazy("Please write why the flag is dismissed.")},
    )


class FlagMonthForm(forms.Form):
    """A month of a plan that carries the duty (M7), as the picker offers them: 2021-04."""

    month = forms.ChoiceField(label=gettext_lazy("Month"))

    def __init__(self, *args, plans, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["month"].choices = [
            (f"{plan.year}-{month:02d}", month_label(plan.year, month))
            for plan in sorted(plans, key=lambda plan: plan.year)
            for month in plan.months()
        ]

    def clean_month(self):
        year, month = self.cleaned_data["month"].split("-")
        return int(year), int(month)


def month_label(year, month):
    return _("%(year)d-%(month)02d") % {"year": year, "month": month}


def finding_reason(flag: Flag):
    """The reason a falsification finding opened from `flag` starts with: which of this
    report's photos or activities, and the flag's evidence (naming the matched report's
    community and month). The office reads it, may change it, and confirms."""
    words = {
        "kind": flag.get_kind_display(),
        "n": flag.activity.position,
        "detail": flag.detail,
    }
    if flag.photo_id:
        words["name"] = str(flag.photo)
        return _("%(kind)s: photo “%(name)s” of activity %(n)d of this report. %(detail)s") % words
    return _("%(kind)s: activity %(n)d of this report. %(detail)s") % words
