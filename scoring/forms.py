from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import WorkPoint

SORTS = {
    "rank": lambda s: (s.rank, s.community.name),
    "community": lambda s: s.community.name,
    "work_point": lambda s: (s.community.work_point.position, s.rank),
    "strikes": lambda s: (-len(s.strikes), s.rank),
}


class QuarterFilterForm(forms.Form):
    point = forms.ModelChoiceField(
        label=_("Work point"),
        queryset=WorkPoint.objects.all(),
        required=False,
        empty_label=_("All work points"),
        widget=forms.Select(attrs={"class": "form-select"}),
    )
    sort = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[
            ("rank", _("Rank")),
            ("community", _("Community")),
            ("work_point", _("Work point")),
            ("strikes", _("Strikes")),
        ],
    )

    def apply(self, scores):
        point = self.cleaned_data.get("point")
        if point:
            scores = [s for s in scores if s.community.work_point_id == point.pk]
        return sorted(scores, key=SORTS[self.cleaned_data.get("sort") or "rank"])


class FindingForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class WarningForm(forms.Form):
    issued_on = forms.DateField(
        label=_("Warning issued on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class InterviewForm(forms.Form):
    held_on = forms.DateField(
        label=_("Interview held on"),
        initial=timezone.localdate,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    interviewed = forms.CharField(label=_("Who was interviewed, by whom"), max_length=200)
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
