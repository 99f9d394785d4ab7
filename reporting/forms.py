import re

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from reporting import periods
from reporting.models import Activity, ActivityForm, ActivityPhoto, MonthlyReport, Plan
from reporting.photos import ACCEPT_ATTRIBUTE, check_photo


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


class PhotoFilesField(forms.FileField):
    """Several files from one input, as in Django's docs on multiple uploads."""

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotoFilesField, self).clean(f, initial) for f in files]


class ActivityEntryForm(forms.ModelForm):
    """One activity of the report, with the photos to add and to remove."""

    # Android WeChat drops the camera when `multiple` is set and allows one
    # file when `capture` is: so one button for each.
    photos_camera = PhotoFilesField(
        label=gettext_lazy("Take a photo"),
        required=False,
        widget=forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "capture": "environment"}),
    )
    photos_album = PhotoFilesField(
        label=gettext_lazy("Choose from album"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )
    remove_photos = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Remove these photos"),
        required=False,
        queryset=ActivityPhoto.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = Activity
        fields = ("position", "held_at", "place", "form", "form_other", "participants", "caption")
        widgets = {
            "position": forms.HiddenInput(attrs={"data-position": ""}),
            "held_at": forms.DateTimeInput(
                attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
            ),
            "participants": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "caption": forms.TextInput(),
        }

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["held_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["position"].required = False
        self.fields["form_other"].widget.attrs["placeholder"] = _("Describe the form of activity")
        self.existing_photos = list(self.instance.photos.all()) if self.instance.pk else []
        self.fields["remove_photos"].queryset = (
            ActivityPhoto.objects.filter(activity=self.instance)
            if self.instance.pk
            else ActivityPhoto.objects.none()
        )
        self.checked_photos = []

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        start, end = periods.month_bounds(self.report.plan.year, self.report.month)
        if not start <= held_at < end:
            raise ValidationError(
                _("The activity must have taken place in %(year)d-%(month)02d.")
                % {"year": self.report.plan.year, "month": self.report.month},
                code="wrong_month",
            )
        if held_at > timezone.now():
            raise ValidationError(_("The activity cannot be in the future."), code="future")
        return held_at

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("form") == ActivityForm.OTHER and not cleaned.get("form_other", "").strip():
            self.add_error("form_other", _("Please describe the form of activity."))
        for field in ("photos_camera", "photos_album"):
            for upload in cleaned.get(field) or []:
                try:
                    self.checked_photos.append(check_photo(upload))
                except ValidationError as error:
                    self.add_error(field, error)
        kept = len(self.existing_photos) - len(cleaned.get("remove_photos") or [])
        if kept + len(self.checked_photos) > settings.PHOTOS_PER_ACTIVITY:
            raise ValidationError(
                _("An activity has at most %(n)d photos.") % {"n": settings.PHOTOS_PER_ACTIVITY},
                code="too_many_photos",
            )
        return cleaned

    def has_changed(self):
        # The script renumbers every row, so a position alone is no change; a row
        # with only photos chosen is.
        return bool(set(self.changed_data) - {"position"}) or bool(
            self.files
            and any(
                self.files.getlist(self.add_prefix(f)) for f in ("photos_camera", "photos_album")
            )
        )


class BaseActivityFormSet(forms.BaseInlineFormSet):
    def save_with_photos(self, by):
        """Save the rows and their photos; return what changed, in words, for the history."""
        changes = []
        for activity in self.save(commit=False):
            activity.save()
        for activity in self.deleted_objects:
            activity.delete()  # its photo rows go too; the files stay in storage
        for form in self.forms:
            if form in self.deleted_forms or not form.instance.pk:
                continue
            for photo in form.cleaned_data.get("remove_photos") or []:
                # The row goes; the original file stays in storage as evidence.
                changes.append(
                    _("removed photo %(name)s (SHA-256 %(sha)s)")
                    % {"name": photo.original_name, "sha": photo.sha256[:12]}
                )
                photo.delete()
            for checked in form.checked_photos:
                ActivityPhoto.create_from(form.instance, checked, by)
            if form.checked_photos:
                changes.append(
                    _("added %(n)d photo(s) to “%(place)s”")
                    % {"n": len(form.checked_photos), "place": form.instance.place}
                )
        for activity in self.deleted_objects:
            changes.append(_("removed activity “%(place)s”") % {"place": activity.place})
        for activity in self.new_objects:
            changes.append(_("added activity “%(place)s”") % {"place": activity.place})
        for activity, _fields in self.changed_objects:
            changes.append(_("changed activity “%(place)s”") % {"place": activity.place})
        return "; ".join(changes) or _("saved without changes")


ActivityFormSet = forms.inlineformset_factory(
    MonthlyReport,
    Activity,
    form=ActivityEntryForm,
    formset=BaseActivityFormSet,
    extra=1,
    can_delete=True,
    max_num=31,
    validate_max=True,
)


class SubmitForm(forms.Form):
    truth_confirmed = forms.BooleanField(
        label=gettext_lazy("I promise that the content reported is true."), required=False
    )


class StartReportForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12)


class MonthForm(forms.Form):
    """A month of a plan, typed as YYYY-MM."""

    month = forms.CharField(label=gettext_lazy("Month (YYYY-MM)"), max_length=7)

    def clean_month(self):
        match = re.fullmatch(r"(\d{4})-(\d{1,2})", self.cleaned_data["month"].strip())
        plan = match and Plan.objects.filter(year=int(match[1])).first()
        if not plan or int(match[2]) not in plan.months():
            raise ValidationError(_("No report is due for that month."), code="no_duty")
        return plan, int(match[2])
