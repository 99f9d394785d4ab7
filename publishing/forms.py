"""The office's forms on a circular's page: its free text, and the tick that issues it."""

from django import forms
from django.utils.translation import gettext_lazy as _

from core.text import refuse_control_characters
from publishing.models import TEXT_LIMIT, Circular

TEXTS = ("title", "reference", "opening", "remarks", "issuer")


def _label(name):
    return Circular._meta.get_field(name).verbose_name


class CircularTextForm(forms.Form):
    """A draft's free text; Circular.edit stores it (and refuses an issued circular)."""

    title = forms.CharField(
        label=_("Title of the circular"),
        max_length=Circular._meta.get_field("title").max_length,
        validators=[refuse_control_characters],
    )
    reference = forms.CharField(
        label=_label("reference"),
        max_length=Circular._meta.get_field("reference").max_length,
        required=False,
        validators=[refuse_control_characters],
        help_text=_("For example 罗综治〔2021〕5号; may be left empty."),
    )
    opening = forms.CharField(
        label=_label("opening"),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_(
            "Left empty, the circular opens with the standard words (see the preview). "
            "A first line ending in a colon is the addressee, e.g. 各社区："
        ),
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )
    remarks = forms.CharField(
        label=_label("remarks"),
        max_length=TEXT_LIMIT,
        required=False,
        help_text=_("Left empty, the circular has no section of requirements."),
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 4, "cols": 60}),
    )
    issuer = forms.CharField(
        label=_label("issuer"),
        max_length=Circular._meta.get_field("issuer").max_length,
        validators=[refuse_control_characters],
    )

    @classmethod
    def of(cls, circular):
        return cls(initial={name: getattr(circular, name) for name in TEXTS})


class IssueForm(forms.Form):
    """C1: issuing freezes the circular for good; the office says it knows."""

    confirm = forms.BooleanField(
        label=_(
            "I have checked the preview: issue the circular now. Its figures and document "
            "are then kept as they are and can no longer be changed."
        ),
        error_messages={"required": _("Tick the box to confirm before issuing the circular.")},
    )
