from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.models import WorkPoint


class QuarterPageForm(forms.Form):
    """The quarter page's filter and order, and a search by name among thousands."""

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
    name = forms.CharField(
        label=_("Community"),
        required=False,
        max_length=50,
        widget=forms.TextInput(attrs={"class": "form-control", "type": "search"}),
    )

    def select(self, ranking):
        """The rows asked for, in the order asked for."""
        point = self.cleaned_data.get("point")
        return ranking.select(
            work_point_id=point.pk if point else None,
            name=self.cleaned_data.get("name"),
            order=self.cleaned_data.get("sort") or "rank",
        )


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
