"""The office's forms on a column post (C2): the month, the post's content, and the tick
that publishes it."""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.text import refuse_control_characters
from publishing.models import POST_TEXT_LIMIT, POST_TITLE_LIMIT

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def parse_month(value):
    """(year, month) of "2021-04"; None for anything else."""
    found = MONTH.match(value or "")
    if not found:
        return None
    year, month = int(found[1]), int(found[2])
    return (year, month) if 2000 <= year <= 2100 and 1 <= month <= 12 else None


class PostForm(forms.Form):
    """A post's title, text, and what is ticked among the month's activities and photos
    (`offer`, publishing.column_desk.MonthOffer); Post.write and Post.edit check the rest."""

    title = forms.CharField(
        label=_("Title of the post"),
        max_length=POST_TITLE_LIMIT,
        validators=[refuse_control_characters],
    )
    text = forms.CharField(
        label=_("Text of the post"),
        max_length=POST_TEXT_LIMIT,
        validators=[refuse_control_characters],
        widget=forms.Textarea(attrs={"rows": 10}),
        help_text=_("Plain text: each line is a paragraph. It is shown as written, never as HTML."),
    )
    chosen = forms.MultipleChoiceField(label=_("Activities"), required=False)
    photos = forms.MultipleChoiceField(label=_("Photos"), required=False)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    submission = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, offer, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.offer = offer
        self.fields["chosen"].choices = [(key, key) for key in offer.activity_keys]
        self.fields["photos"].choices = [(key, key) for key in offer.photo_keys]
        self.fields["chosen"].error_messages["invalid_choice"] = _(
            "An activity ticked is no longer offered (its report was found falsified?); "
            "reload the page."
        )
        self.fields["photos"].error_messages["invalid_choice"] = _(
            "A photo ticked is no longer offered; reload the page."
        )

    def clean(self):
        data = super().clean()
        if "chosen" in data and "photos" in data:
            # A photo ticked brings its activity with it.
            photos = [self.offer.photo(key) for key in data["photos"]]
            keys = set(data["chosen"]) | {self.offer.owner_of(key) for key in data["photos"]}
            if not keys:
                raise ValidationError(
                    _("Choose at least one activity for the post."), code="no_activity"
                )
            data["activities"], data["unit_activities"] = self.offer.activities_of(keys)
            data["photo_objects"] = photos
        return data

    def content(self):
        """What Post.write and Post.edit take."""
        data = self.cleaned_data
        return {
            "title": data["title"],
            "text": data["text"],
            "activities": data["activities"],
            "unit_activities": data["unit_activities"],
            "photos": data["photo_objects"],
        }


class PublishForm(forms.Form):
    """C2: publishing makes the post public; the office says it has read the preview."""

    confirm = forms.BooleanField(
        label=_(
            "I have read the preview: publish this post in the public column now, with the "
            "photos ticked."
        ),
        error_messages={"required": _("Tick the box to confirm before publishing the post.")},
    )
    version = forms.IntegerField(widget=forms.HiddenInput)


class UnpublishForm(forms.Form):
    """C2: unpublishing takes the post out of the public column at once; the office says so
    (a tap on a phone is easily made by mistake)."""

    confirm = forms.BooleanField(
        label=_("I confirm: take this post out of the public column now."),
        error_messages={"required": _("Tick the box to confirm before unpublishing the post.")},
    )
