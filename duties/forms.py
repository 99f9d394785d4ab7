"""The duties' forms: the head's supervision visit and work meeting (P1), a unit's
activity (U1), each new or corrected.

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
from django.utils.text import format_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from communities.models import Measure
from core.text import refuse_control_characters
from duties.models import Supervision, UnitActivity, WorkMeeting
from reporting import periods
from reporting.forms import (
    ACTIVITY_WIDGETS,
    ALBUM_WIDGET,
    CAMERA_WIDGET,
    CONTENT_FIELDS,
    HELD_AT_FORMATS,
    TEXT_FIELDS,
    PhotoFilesField,
)
from reporting.models import ActivityForm
from reporting.photos import check_photo

PAGE_NOT_WHOLE = gettext_lazy("The page did not arrive whole; please reload it and try again.")


class RecordForm(forms.ModelForm):
    """A new record (the page's one-time `submission` key) or a correction (the
    `version` the page was built on) of a duty: a point's visit or meeting, a unit's
    activity. Every empty field is said by name, every typed text kept free of
    invisible control characters."""

    TEXT_FIELDS = ()

    # The page's own keys: missing or mangled only when the page did not arrive whole.
    submission = forms.UUIDField(
        widget=forms.HiddenInput,
        required=False,
        error_messages=dict.fromkeys(("required", "invalid"), PAGE_NOT_WHOLE),
    )
    version = forms.IntegerField(
        widget=forms.HiddenInput,
        required=False,
        error_messages=dict.fromkeys(("required", "invalid"), PAGE_NOT_WHOLE),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.correcting = self.instance.pk is not None
        if self.correcting:
            self.fields["version"].initial = self.instance.version
            self.fields["version"].required = True
            del self.fields["submission"]
        else:
            self.fields["submission"].initial = uuid.uuid4()
            self.fields["submission"].required = True
            del self.fields["version"]
        for name in self.TEXT_FIELDS:
            self.fields[name].validators.append(refuse_control_characters)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.error_messages["required"] = _("%(label)s cannot be empty.") % {
                    "label": field.label
                }

    def values(self):
        """What the model's `record` or `correct` takes, by name."""
        return {name: self.cleaned_data[name] for name in self._meta.fields if name in self.fields}


def check_photos(uploads):
    """Each file checked as a report's photo is (reporting.photos.check_photo); every bad
    one named, so that the person knows which to choose again."""
    checked, refusals = [], []
    for upload in uploads:
        try:
            checked.append(check_photo(upload))
        except ValidationError as refusal:
            refusals.append(refusal)
    if refusals:
        raise ValidationError(refusals)
    return checked


def ask_for_photos(field, kept=0):
    """A photo field's help (how many may still be chosen, the record having `kept`
    already) and its * while the record has none yet: at least one is needed. Only the *:
    PhotoFilesField judges no emptiness; the form's clean counts the photos chosen."""
    field.required = not kept
    if kept:
        text = _(
            "Up to %(max)d more photos, chosen together; JPEG, PNG, WebP or HEIC, up to 20 MB each."
        )
    else:
        text = _(
            "Required: 1 to %(max)d photos, chosen together; JPEG, PNG, WebP or HEIC, "
            "up to 20 MB each."
        )
    field.help_text = text % {"max": settings.PHOTOS_PER_ACTIVITY - kept}


class PointDutyForm(RecordForm):
    """A visit or a meeting of one month of one point."""

    def __init__(self, *args, work_point, plan, month, **kwargs):
        super().__init__(*args, **kwargs)
        self.work_point, self.plan, self.month = work_point, plan, month
        start, end = periods.month_bounds(plan.year, month)
        last_day = min(end.date() - timedelta(days=1), timezone.localdate())
        self.fields["held_on"].widget.attrs.update(
            {"min": start.date().isoformat(), "max": last_day.isoformat()}
        )

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        type(self.instance).check_held_on(self.plan, self.month, held_on)
        return held_on


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
        widget=ALBUM_WIDGET,
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
        self.kept_photos = self.instance.photos.count() if self.correcting else 0
        ask_for_photos(self.fields["photos"], self.kept_photos)

    def clean_photos(self):
        checked = check_photos(self.cleaned_data["photos"])
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


# U1: what a unit's count means for one activity, beside the measure's name.
COUNT_HELP = {
    Measure.SCHOOLS: gettext_lazy("The schools this activity reached."),
    Measure.SMS: gettext_lazy("The recipients of the one batch of SMS this activity sent."),
    Measure.LANDLORDS: gettext_lazy(
        "The landlords who signed the anti-fraud responsibility letter at this activity."
    ),
    Measure.PROPERTY: gettext_lazy(
        "The property companies that joined the propaganda team at this activity."
    ),
}
# U1 (decision): every activity of these duties has its count (a school visit reaches
# schools, an SMS batch has recipients); a police or property activity may sign or bring in
# none, so its count is left empty then.
COUNT_REQUIRED = (Measure.SCHOOLS, Measure.SMS)
LOCAL_MINUTE = "%Y-%m-%dT%H:%M"  # a datetime-local input's value
# An SMS batch's place and form, offered (U1): the whole sub-district, warning SMS.
SMS_PLACE = gettext_lazy("All of Luoshan sub-district")
SMS_FORM = gettext_lazy("Warning SMS sent")


class UnitActivityForm(RecordForm):
    """U1: an activity of a unit's month, with the report card's fields and widgets
    (reporting.forms), its photos from the camera or the album, and the count the unit's
    duty names (Unit.measure); a unit whose duty names none has no count field."""

    TEXT_FIELDS = TEXT_FIELDS

    photos_camera = PhotoFilesField(
        label=gettext_lazy("Take a photo"), required=False, widget=CAMERA_WIDGET
    )
    photos = PhotoFilesField(
        label=gettext_lazy("Choose from album"), required=False, widget=ALBUM_WIDGET
    )

    class Meta:
        model = UnitActivity
        fields = (*CONTENT_FIELDS, "count")
        widgets = {
            **ACTIVITY_WIDGETS,
            "count": forms.NumberInput(attrs={"min": 0, "inputmode": "numeric"}),
        }

    def __init__(self, *args, unit, year, month, **kwargs):
        super().__init__(*args, **kwargs)
        self.unit, self.year, self.month = unit, year, month
        held_at = self.fields["held_at"]
        held_at.input_formats = HELD_AT_FORMATS
        held_at.error_messages["invalid"] = _(
            "Please enter the date and time, for example 2021-05-12 09:30."
        )
        start, end = periods.month_bounds(year, month)
        latest = periods.local(min(end - timedelta(minutes=1), timezone.now()))
        held_at.widget.attrs.update(
            {"min": f"{start:{LOCAL_MINUTE}}", "max": f"{latest:{LOCAL_MINUTE}}"}
        )
        self.fields["form_other"].widget.attrs["placeholder"] = _("Describe the form of activity")
        self.fields["form_other"].help_text = _("Only when the form of activity is “Other”.")
        if unit.measure:
            count = self.fields["count"]
            count.label = unit.get_measure_display()
            count.help_text = COUNT_HELP[unit.measure]
            count.error_messages["invalid"] = _("Please enter a whole number.")
        else:
            del self.fields["count"]
        if unit.measure in COUNT_REQUIRED:
            count = self.fields["count"]
            count.required = True
            count.error_messages["required"] = _("%(label)s cannot be empty.") % {
                "label": count.label
            }
        if unit.measure == Measure.SMS:
            self._as_sms_batch()
        self.kept_photos = self.instance.photos.count() if self.correcting else 0
        ask_for_photos(self.fields["photos"], self.kept_photos)
        self.fields["photos_camera"].help_text = _(
            "One photo, taken now; it is saved with those chosen from the album."
        )

    def _as_sms_batch(self):
        """U1: a carrier's activity is a batch of warning SMS. Its recipients are its
        participants, asked once (the count, required); the place and the form are offered
        as an SMS batch has them, and the photo is a screenshot of the sending."""
        del self.fields["participants"]
        if not self.correcting:
            self.initial.setdefault("place", SMS_PLACE)
            self.initial.setdefault("form", ActivityForm.OTHER)
            self.initial.setdefault("form_other", SMS_FORM)
        self.fields["photos"].help_text = format_lazy(
            "{} {}", _("A screenshot of the sending will do."), self.fields["photos"].help_text
        )

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        UnitActivity.check_held_at(self.year, self.month, held_at)
        return held_at

    def clean_photos_camera(self):
        return check_photos(self.cleaned_data["photos_camera"])

    def clean_photos(self):
        return check_photos(self.cleaned_data["photos"])

    def clean(self):
        cleaned = super().clean()
        described = cleaned.get("form_other", "").strip() or self.has_error("form_other")
        if cleaned.get("form") == ActivityForm.OTHER and not described:
            self.add_error("form_other", _("Please describe the form of activity."))
        if "count" not in self.fields and self.data.get(self.add_prefix("count"), "").strip():
            self._refuse(None, UnitActivity.check_count, self.unit, 0)  # a forged count
        if not (self.has_error("photos") or self.has_error("photos_camera")):
            self._refuse("photos", UnitActivity.check_photo_count, self.kept_photos, self.chosen())
        return cleaned

    def _refuse(self, field, check, *args):
        """The model's own check, its refusal said beside `field`."""
        try:
            check(*args)
        except ValidationError as refusal:
            self.add_error(field, refusal)

    def chosen(self):
        """The photos chosen, from the camera first, then from the album."""
        return [*self.cleaned_data.get("photos_camera", []), *self.cleaned_data.get("photos", [])]

    def values(self):
        values = {**super().values(), "photos": self.chosen()}
        if "participants" not in self.fields:  # an SMS batch: its recipients took part
            values["participants"] = values["count"]
        return values
