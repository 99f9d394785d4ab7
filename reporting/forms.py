import re
import unicodedata

from django import forms
from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.forms.renderers import Jinja2
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.text import refuse_control_characters
from reporting.models import (
    ACTIVITY_GONE,
    PHOTO_GONE,
    STALE,
    Activity,
    ActivityChange,
    ActivityForm,
    ActivityPhoto,
    ImportUpload,
    MonthlyReport,
    Plan,
    Revision,
    StagedPhoto,
)
from reporting.photos import ACCEPT_ATTRIBUTE, check_photo
from reporting.sheets import NotAWorkbook, read_workbook

# The Attachment 2 fields a person fills in; a new card with none of them, and
# no photo, was left untouched and is not an activity.
CONTENT_FIELDS = ("held_at", "place", "form", "form_other", "participants", "caption")
# The fields typed as free text: no invisible control character (core.text) gets in.
TEXT_FIELDS = ("place", "form_other", "caption")


def photos_anchor(activity_id, prefix):
    """The id of a card's photos on the page: where a photo problem is fixed."""
    return f"activity-{activity_id}-photos" if activity_id else f"card-{prefix}-photos"


class MultipleFileInput(forms.FileInput):
    allow_multiple_selected = True


# The widgets of an activity's Attachment 2 fields and photos, shared by the report's
# cards and a unit's activity form (duties.forms.UnitActivityForm).
ACTIVITY_WIDGETS = {
    "held_at": forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    "participants": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
    "caption": forms.TextInput(),
}
HELD_AT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
# Android WeChat drops the camera when `multiple` is set and allows one
# file when `capture` is: so one button for each.
CAMERA_WIDGET = forms.FileInput(attrs={"accept": ACCEPT_ATTRIBUTE, "capture": "environment"})
ALBUM_WIDGET = MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE})


class PhotoFilesField(forms.FileField):
    """Several files from one input, as in Django's docs on multiple uploads.

    Each file is judged on its own by check_photo (an empty one included), so
    one bad file does not take the good ones with it.
    """

    def __init__(self, **kwargs):
        super().__init__(allow_empty_file=True, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, (list, tuple)) else [data] if data else []
        return [super(PhotoFilesField, self).clean(f, initial) for f in files]


def _photo_choices(label):
    """Photos named by id in a hidden or tick field; an id that is gone says so in words."""
    return forms.ModelMultipleChoiceField(
        label=label,
        required=False,
        queryset=ActivityPhoto.objects.none(),
        error_messages={"invalid_choice": PHOTO_GONE, "invalid_pk_value": PHOTO_GONE},
    )


class ActivityEntryForm(forms.ModelForm):
    """One activity card of the report page: its Attachment 2 fields and its photos.

    With JavaScript, photos go up one by one as they are picked (reporting.views.
    upload_photo) and the card names them in `staged`; without it, the two file
    fields carry them with the form, and they are staged the same way.
    """

    photos_camera = PhotoFilesField(
        label=gettext_lazy("Take a photo"), required=False, widget=CAMERA_WIDGET
    )
    photos_album = PhotoFilesField(
        label=gettext_lazy("Choose from album"), required=False, widget=ALBUM_WIDGET
    )
    staged = _photo_choices(gettext_lazy("Photos uploaded, not saved yet"))
    unstage = _photo_choices(gettext_lazy("Remove these photos not saved yet"))
    remove_photos = _photo_choices(gettext_lazy("Remove these photos"))

    class Meta:
        model = Activity
        fields = ("position", *CONTENT_FIELDS)
        widgets = {
            "position": forms.HiddenInput(attrs={"data-position": ""}),
            **ACTIVITY_WIDGETS,
        }

    def __init__(self, *args, report, pending=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["held_at"].input_formats = HELD_AT_FORMATS
        self.fields["position"].required = False
        self.fields["form_other"].widget.attrs["placeholder"] = _("Describe the form of activity")
        for name in TEXT_FIELDS:
            self.fields[name].validators.append(refuse_control_characters)
        for name in CONTENT_FIELDS:
            self.fields[name].error_messages["required"] = _("%(label)s cannot be empty.") % {
                "label": self.fields[name].label
            }
        self.existing_photos = list(self.instance.photos.all()) if self.instance.pk else []
        self.fields["remove_photos"].queryset = ActivityPhoto.objects.filter(
            activity=self.instance if self.instance.pk else None
        )
        self.fields["staged"].queryset = self.fields["unstage"].queryset = (
            report.staged_photos.all()
        )
        self.pending = list(pending)  # uploads of an earlier visit, shown on an unbound card
        self.checked_photos = []
        self.new_uploads = []

    def clean_held_at(self):
        held_at = self.cleaned_data["held_at"]
        Activity.check_held_at(self.report.plan.year, self.report.month, held_at)
        return held_at

    def clean(self):
        cleaned = super().clean()
        described = cleaned.get("form_other", "").strip() or "form_other" in self.errors
        if cleaned.get("form") == ActivityForm.OTHER and not described:
            self.add_error("form_other", _("Please describe the form of activity."))
        for name in ("photos_camera", "photos_album"):
            for upload in cleaned.get(name) or []:
                try:
                    self.checked_photos.append(check_photo(upload))
                except ValidationError as error:
                    self.add_error(name, error)
        if self.photo_count() + len(self.checked_photos) > settings.PHOTOS_PER_ACTIVITY:
            self.add_error(
                None,
                ValidationError(
                    _("An activity has at most %(n)d photos.")
                    % {"n": settings.PHOTOS_PER_ACTIVITY},
                    code="too_many_photos",
                ),
            )
        return cleaned

    def has_changed(self):
        """Whether the person filled in or picked anything on this card.

        Only the Attachment 2 fields and photos count: the script renumbers
        every card, and an empty multiple-file field is not a change.
        """
        return bool(
            set(self.changed_data) & set(CONTENT_FIELDS)
            or self._posted_ids("staged") - self._posted_ids("unstage")
            or any(self[name].data for name in ("photos_camera", "photos_album"))
        )

    def _posted_ids(self, name):
        if not self.is_bound:
            return set()
        return {int(v) for v in self.data.getlist(self.add_prefix(name)) if str(v).isdigit()}

    # What the card shows -------------------------------------------------------

    @property
    def uploads(self):
        """Photos uploaded for this card and not saved yet, as (upload, marked for removal)."""
        if not self.is_bound:
            return [(upload, False) for upload in self.pending]
        dropped = self._posted_ids("unstage")
        return [(u, u.pk in dropped) for u in [*self._posted_uploads, *self.new_uploads]]

    @cached_property
    def _posted_uploads(self):
        return list(self.fields["staged"].queryset.filter(pk__in=self._posted_ids("staged")))

    @property
    def saved_photos(self):
        """The activity's saved photos, as (photo, marked for removal)."""
        removed = self._posted_ids("remove_photos")
        return [(photo, photo.pk in removed) for photo in self.existing_photos]

    def photo_count(self):
        """Photos the activity will have once saved, picks not yet checked aside."""
        return sum(not gone for _p, gone in self.saved_photos) + sum(
            not gone for _u, gone in self.uploads
        )

    @property
    def hidden_photo_fields(self):
        """Fields of ids the page keeps (uploads, removals): their errors are shown in words."""
        return [self["staged"], self["unstage"], self["remove_photos"]]

    @property
    def card_anchor(self):
        return f"activity-{self.instance.pk}" if self.instance.pk else f"card-{self.prefix}"

    @property
    def photos_anchor(self):
        return photos_anchor(self.instance.pk, self.prefix)

    def change(self):
        """The card as a change of the report (reporting.models.ActivityChange)."""
        return ActivityChange(
            values={name: self.cleaned_data[name] for name in CONTENT_FIELDS},
            activity_id=self.instance.pk,
            staged_ids=tuple(u.pk for u, gone in self.uploads if not gone),
            removed_photo_ids=frozenset(p.pk for p in self.cleaned_data["remove_photos"]),
        )


class BaseActivityFormSet(forms.BaseInlineFormSet):
    def __init__(self, *args, pending=None, blank_card=False, **kwargs):
        # pending: {activity id or None: [uploads]}, shown on the cards of an unbound page;
        # blank_card: an unbound page shows one new card (a bound one has what was posted).
        self.pending = pending or {}
        self.extra = 1 if blank_card else 0
        super().__init__(*args, **kwargs)

    def add_fields(self, form, index):
        super().add_fields(form, index)
        form.fields["id"].error_messages["invalid_choice"] = ACTIVITY_GONE

    def get_form_kwargs(self, index):
        kwargs = super().get_form_kwargs(index)
        if self.is_bound or index is None:
            return kwargs
        if index < self.initial_form_count():
            kwargs["pending"] = self.pending.get(self.get_queryset()[index].pk, ())
        elif index == self.initial_form_count():
            kwargs["pending"] = self.pending.get(None, ())
        return kwargs

    def stage_uploads(self, by):
        """Keep every photo that came with the form and passed its check, whatever
        else is wrong, so that a refused save loses none of them."""
        for form in self.forms:
            for checked in form.checked_photos:
                activity = form.instance if form.instance.pk else None
                form.new_uploads.append(StagedPhoto.stage(self.instance, checked, by, activity))

    @property
    def cards(self):
        """The cards in the order the person left them, numbered as the page numbers them."""
        forms_ = sorted(enumerate(self.forms), key=lambda pair: (self._position(pair[1]), pair[0]))
        number, cards = 0, []
        for _index, form in forms_:
            deleted = self._deleted(form)
            number += 0 if deleted else 1
            cards.append((None if deleted else number, form))
        return cards

    def _position(self, form):
        """序号 as the page left it; a new card without one (no script) comes last."""
        value = str(form["position"].value() or "")
        return int(value) if value.isdigit() and int(value) > 0 else 10_000

    def _deleted(self, form):
        return self.can_delete and form.is_bound and bool(form["DELETE"].data)

    def revision(self):
        """The valid formset as a change of the report (reporting.models.Revision)."""
        activities, deleted, dropped = [], set(), set()
        for _number, form in self.cards:
            if self._deleted(form):
                if form.instance.pk:
                    deleted.add(form.instance.pk)
                dropped |= {upload.pk for upload, _gone in form.uploads}  # go with their card
            elif form.instance.pk or form.has_changed():
                activities.append(form.change())
                dropped |= {upload.pk for upload, gone in form.uploads if gone}
        return Revision(
            activities=tuple(activities),
            deleted_ids=frozenset(deleted),
            discarded_staged_ids=frozenset(dropped),
        )

    def summary(self):
        """Every problem of the page as (text, anchor): "活动 2：参加人数不能为空"."""
        lines = [(error, "activities") for error in self.non_form_errors()]
        for number, form in self.cards:
            if number is None:
                continue
            errors_of = form.errors.as_data()
            for name in (n for n in [*form.fields, NON_FIELD_ERRORS] if n in errors_of):
                errors = errors_of[name]
                anchor = form.card_anchor
                if name in CONTENT_FIELDS:
                    anchor = form[name].id_for_label
                elif name in ("photos_camera", "photos_album", "unstage", NON_FIELD_ERRORS):
                    anchor = form.photos_anchor
                for error in errors:
                    text = " ".join(error.messages)
                    if name in CONTENT_FIELDS and error.code != "required":
                        text = f"{form.fields[name].label}：{text}"
                    lines.append(
                        (_("Activity %(n)d: %(problem)s") % {"n": number, "problem": text}, anchor)
                    )
        return lines


ActivityFormSet = forms.inlineformset_factory(
    MonthlyReport,
    Activity,
    form=ActivityEntryForm,
    formset=BaseActivityFormSet,
    # The report page draws some fifty widgets; Django's Jinja2 copies of its widget
    # templates give the same HTML in a quarter less time (bench/staff_pages.py: the
    # draft page 25 → 19 ms CPU). Only here: the admin's widgets have no Jinja2 copies.
    renderer=Jinja2(),
    extra=0,
    can_delete=True,
    max_num=31,
    validate_max=True,
)


class ReportForm(forms.Form):
    """The page's own fields: the version it was built on, and the promise (M4)."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    truth_confirmed = forms.BooleanField(
        label=gettext_lazy("I promise that the content reported is true."), required=False
    )


class StartReportForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    month = forms.IntegerField(min_value=1, max_value=12)


class MonthForm(forms.Form):
    """A month of a plan, typed as people write it: 2021-04, 2021-4, 2021年4月, 2021年04月
    (as the portal shows months), 2021.4 or 2021/4, in full-width characters too. The
    label and the error give the same example, 2021-04."""

    # A year, then "-", ".", "/" or 年, then the month, with 月 after it or not.
    PATTERN = re.compile(r"([0-9]{4})\s*(?:[-./]|年)\s*([0-9]{1,2})\s*月?")

    month = forms.CharField(label=gettext_lazy("Month (for example 2021-04)"), max_length=20)

    def clean_month(self):
        typed = unicodedata.normalize("NFKC", self.cleaned_data["month"]).strip()
        match = self.PATTERN.fullmatch(typed)
        if not match:
            raise ValidationError(_("Type a year and a month, for example 2021-04."), code="format")
        plan = Plan.objects.filter(year=int(match[1])).first()
        if not plan or not plan.carries_duty(int(match[2])):
            raise ValidationError(_("No report is due for that month."), code="no_duty")
        return plan, int(match[2])


class PhotoUploadForm(forms.Form):
    """One photo sent by the report page's script as soon as it is picked."""

    photo = forms.FileField(
        allow_empty_file=True,  # check_photo says so in its own words, naming the file
        error_messages={"required": gettext_lazy("No photo arrived; please try again.")},
    )
    version = forms.IntegerField(required=False)
    activity = forms.ModelChoiceField(
        queryset=Activity.objects.none(),
        required=False,
        error_messages={"invalid_choice": ACTIVITY_GONE},
    )

    # Uploads waiting to be saved, per report: enough for every card, bounded all the same.
    MAX_WAITING = 100

    def __init__(self, *args, report, **kwargs):
        super().__init__(*args, **kwargs)
        self.report = report
        self.fields["activity"].queryset = report.activities.all()

    def clean_photo(self):
        return check_photo(self.cleaned_data["photo"])

    def clean(self):
        cleaned = super().clean()
        if not self.report.is_editable:
            raise ValidationError(self.report.already_submitted_message(), code="wrong_state")
        if cleaned.get("version") != self.report.version:
            raise ValidationError(STALE, code="stale")
        if self.report.staged_photos.count() >= self.MAX_WAITING:
            raise ValidationError(
                _("Too many photos are waiting to be saved; please save the report first."),
                code="too_many_waiting",
            )
        return cleaned


def month_choices():
    return [(month, _("Month %(month)d") % {"month": month}) for month in range(1, 13)]


class PlanForm(forms.ModelForm):
    """M7: the duty months as twelve boxes to tick, stored as a sorted list of numbers."""

    duty_months = forms.TypedMultipleChoiceField(
        label=gettext_lazy("months with a report due"),
        choices=month_choices,
        coerce=int,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": gettext_lazy("Tick at least one month.")},
    )

    class Meta:
        model = Plan
        fields = ("year", "duty_months", "deadline_day")

    def clean_duty_months(self):
        return sorted(set(self.cleaned_data["duty_months"]))


class ImportForm(forms.Form):
    """An old Attachment 2 workbook, checked to be one before it is stored."""

    file = forms.FileField(
        label=gettext_lazy("Excel workbook (.xlsx)"),
        help_text=gettext_lazy(
            "One sheet per community and month, as the form Attachment 2: 社区（盖章）and "
            "报送时间 above the header row 序号、时间、地点、开展形式、参加人数、图片说明."
        ),
        error_messages={
            "required": gettext_lazy("Please choose the Excel file to import."),
            "empty": gettext_lazy(
                "The chosen file is empty. Please choose the Excel file to import."
            ),
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > ImportUpload.MAX_SIZE:
            raise ValidationError(
                _("The file is larger than %(size)d MB; an Attachment 2 workbook is much smaller.")
                % {"size": ImportUpload.MAX_SIZE // (1024 * 1024)},
                code="too_large",
            )
        content = upload.read()
        try:
            read_workbook(content)
        except NotAWorkbook as error:
            raise ValidationError(str(error), code="not_a_workbook") from error
        self.cleaned_data["content"] = content
        return upload
