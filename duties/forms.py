"""The head's forms: a supervision visit and a work meeting, new or corrected.

Each field is checked here and said in Chinese beside it; the model's `record` and
`correct` check the same rules again inside their transaction (one place each:
`PointDuty.check_held_on`, `Supervision.check_communities`, `check_photo_count`).
Photos are checked one by one by reporting.photos.check_photo, as a report's are:
a bad file is refused by name, and nothing of the form is recorded.
"""

import uuid
from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import refuse_control_characters
from duties.models import Supervision, WorkMeeting
from reporting import periods
from reporting.forms import MultipleFileInput, PhotoFilesField
from reporting.photos import ACCEPT_ATTRIBUTE, check_photo


class PointDutyForm(forms.ModelForm):
    """A new record (the page's one-time `submission` key) or a correction (the
    `version` the page was built on) of one month of one point."""

    TEXT_FIELDS = ()

    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, work_point, plan, month, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_point, self.plan, self.month = work_point, plan, month
        self.correcting = self.instance.pk is not None
        if self.correcting:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            del self.fields["submission"]
        else:
            self.fields["submission"].initial = uuid.uuid4()
            self.fields["submission"].required = True
            del self.fields["version"]
        start, end = periods.month_bounds(plan.year, month)
        last_day = min(end.date() - timedelta(days=1), timezone.localdate())
        self.fields["held_on"].widget.attrs.update(
            {"min": start.date().isoformat(), "max": last_day.isoformat()}
        )
        for name in self.TEXT_FIELDS:
            self.fields[name].validators.append(refuse_control_characters)
        for field in self.fields.values():
            field.error_messages["required"] = _("%(label)s cannot be empty.") % {
                "label": field.label
            }

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        type(self.instance).check_held_on(self.plan, self.month, held_on)
        return held_on

    def values(self):
        """What the model's `record` or `correct` takes, by name."""
        names = [name for name in self._meta.fields if name != "communities"]
        return {name: self.cleaned_data[name] for name in names}


DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _text(rows=3):
    return forms.Textarea(attrs={"rows": rows})


class SupervisionForm(PointDutyForm):
    TEXT_FIELDS = ("checked", "problems", "follow_up")

    def values(self):
        """With the communities visited and the photos chosen."""
        return {
            **super().values(),
            "communities": list(self.cleaned_data["communities"]),
            "photos": self.cleaned_data["photos"],
        }

    communities = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Communities visited"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
        error_messages={
            "invalid_choice": gettext_lazy("Only the point's own communities can be visited."),
            "invalid_pk_value": gettext_lazy("Only the point's own communities can be visited."),
        },
    )
    photos = PhotoFilesField(
        label=gettext_lazy("Photos of the visit"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = Supervision
        fields = ("held_on", "communities", "checked", "problems", "follow_up")
        labels = {
            "held_on": gettext_lazy("Date of the visit"),
            "checked": gettext_lazy("What was checked"),
            "problems": gettext_lazy("Problems found"),
            "follow_up": gettext_lazy("Follow-up"),
        }
        widgets = {
            "held_on": DATE_WIDGET,
            "checked": _text(),
            "problems": _text(),
            "follow_up": _text(),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communities"].queryset = self.work_point.communities.all()
        self.fields["communities"].error_messages["required"] = _(
            "Tick at least one community visited."
        )
        kept = self.instance.photos.count() if self.correcting else 0
        self.kept_photos = kept
        self.fields["photos"].help_text = _(
            "%(min)d to %(max)d photos, chosen together; JPEG, PNG, WebP or HEIC, up to 20 MB each."
        ) % {"min": 0 if kept else 1, "max": settings.PHOTOS_PER_ACTIVITY - kept}

    def clean_photos(self):
        """Each file checked as a report's photo is; every bad one named."""
        checked, refusals = [], []
        for upload in self.cleaned_data["photos"]:
            try:
                checked.append(check_photo(upload))
            except ValidationError as refusal:
                refusals.append(refusal)
        if refusals:
            raise ValidationError(refusals)
        Supervision.check_photo_count(self.kept_photos, checked)
        return checked


class WorkMeetingForm(PointDutyForm):
    TEXT_FIELDS = ("attendees", "case_analysis", "decisions")

    class Meta:
        model = WorkMeeting
        fields = ("held_on", "attendees", "case_analysis", "decisions")
        labels = {
            "held_on": gettext_lazy("Date of the meeting"),
            "attendees": gettext_lazy("Attendees"),
            "case_analysis": gettext_lazy("Review of the point's fraud cases (发案情况研判)"),
            "decisions": gettext_lazy("Decisions"),
        }
        widgets = {
            "held_on": DATE_WIDGET,
            "attendees": _text(2),
            "case_analysis": _text(4),
            "decisions": _text(),
        }
