"""B1, community staff's page of their public boards (宣传栏) and LED screens / broadcasts:
this plan year's duty quarters, each updated or not yet, the updates and uses recorded,
and the two forms; the board photos.

Thin views, as duties/views.py: communities.access answers who (own_community_id: 403
for anyone but community staff, who only ever reach their own community), a form checks
the fields in Chinese, the model's `record` writes all or nothing, then back to the page.
"""

import uuid
from datetime import date

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.validators import MinValueValidator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET

from communities.access import own_community_id, require_view, viewer_of
from communities.models import Community
from core.text import refuse_control_characters
from duties.boards_desk import community_quarters
from duties.forms import DATE_WIDGET, ask_for_photos, check_photos
from duties.models import BoardPhoto, BoardUpdate, ScreenKind, ScreenUse
from duties.views import _apply, _summary
from reporting.forms import MultipleFileInput, PhotoFilesField
from reporting.models import Plan
from reporting.photos import ACCEPT_ATTRIBUTE
from reporting.views import PHOTO_VARIANTS, photo_file_response

PAGE = "duties:boards"


class _RecordForm(forms.ModelForm):
    """A new record with the page's one-time `submission` key; every empty field said
    by name, every text free of control characters."""

    TEXT_FIELDS = ()

    submission = forms.UUIDField(widget=forms.HiddenInput)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["submission"].initial = uuid.uuid4()
        self.fields["held_on"].widget.attrs["max"] = timezone.localdate().isoformat()
        for name in self.TEXT_FIELDS:
            self.fields[name].validators.append(refuse_control_characters)
        for field in self.fields.values():
            field.error_messages["required"] = _("%(label)s cannot be empty.") % {
                "label": field.label
            }
        self.fields["held_on"].error_messages["invalid"] = _("Enter a date such as 2021-04-12.")

    def values(self):
        """What the model's `record` takes, by name, the page's one-time key included."""
        names = (*self._meta.fields, "submission")
        return {name: self.cleaned_data[name] for name in names}


class BoardUpdateForm(_RecordForm):
    TEXT_FIELDS = ("place",)

    photos = PhotoFilesField(
        label=gettext_lazy("Photos of the board"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": ACCEPT_ATTRIBUTE}),
    )

    class Meta:
        model = BoardUpdate
        fields = ("held_on", "place")
        labels = {
            "held_on": gettext_lazy("Date of the update"),
            "place": gettext_lazy("Place of the board"),
        }
        widgets = {"held_on": DATE_WIDGET}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        ask_for_photos(self.fields["photos"])

    def clean_held_on(self):
        held_on = self.cleaned_data["held_on"]
        BoardUpdate.check_held_on(self.plan, held_on)
        return held_on

    def clean_photos(self):
        checked = check_photos(self.cleaned_data["photos"])
        BoardUpdate.check_photo_count(0, checked)
        return checked

    def values(self):
        return {**super().values(), "photos": self.cleaned_data["photos"]}


class ScreenUseForm(_RecordForm):
    TEXT_FIELDS = ("place", "content")

    class Meta:
        model = ScreenUse
        fields = ("held_on", "kind", "place", "content", "times", "minutes")
        labels = {
            "held_on": gettext_lazy("Date"),
            "kind": gettext_lazy("LED screen or broadcast"),
            "place": gettext_lazy("Place"),
            "content": gettext_lazy("Content played"),
            "times": gettext_lazy("Times played"),
            "minutes": gettext_lazy("Duration (minutes)"),
        }
        widgets = {
            "held_on": DATE_WIDGET,
            "kind": forms.RadioSelect,
            "content": forms.Textarea(attrs={"rows": 3}),
            "times": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
            "minutes": forms.NumberInput(attrs={"min": 1, "inputmode": "numeric"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].error_messages["invalid_choice"] = _(
            "Choose an LED screen or a broadcast."
        )
        # Two buttons to pick from, none picked yet: no blank "---------" choice among them.
        self.fields["kind"].choices = ScreenKind.choices
        self.fields["kind"].help_text = _(
            "The screens and broadcasts the community plays day to day. An anti-fraud "
            "activity (a talk, a stall …) is reported in the monthly report."
        )
        for name in ("times", "minutes"):
            self.fields[name].error_messages["invalid"] = _("Please enter a whole number.")
            self.fields[name].validators.append(
                MinValueValidator(1, message=_("Enter a whole number above 0."))
            )
        self.fields["times"].help_text = _("Give the times played, the duration, or both.")

    def clean(self):
        cleaned = super().clean()
        held_on = cleaned.get("held_on")
        if held_on and "times" not in self.errors and "minutes" not in self.errors:
            try:
                ScreenUse.check_values(held_on, cleaned.get("times"), cleaned.get("minutes"))
            except ValidationError as refusal:
                self.add_error(refusal.params["field"], refusal)
        return cleaned


def _plan(request):
    """All plans, and the one the page shows (?year=2021), else this year's or the latest."""
    return Plan.pick(request.GET.get("year", ""), timezone.localdate())


@login_required
@require_GET
def boards_page(request):
    community = get_object_or_404(Community, pk=own_community_id(request.user))
    plans, plan = _plan(request)
    return _render(request, community, plans, plan)


def _render(request, community, plans, plan, bound=None):
    forms_ = {}
    if plan is not None:
        forms_["board"] = (
            bound
            if isinstance(bound, BoardUpdateForm)
            else BoardUpdateForm(plan=plan, prefix="board")
        )
    forms_["screen"] = bound if isinstance(bound, ScreenUseForm) else ScreenUseForm(prefix="screen")
    now = timezone.now()
    quarters = community_quarters(plan, community.pk, now) if plan else []
    updates = (
        BoardUpdate.objects.filter(plan=plan, community=community)
        .select_related("recorded_by", "plan")
        .prefetch_related("photos")
        if plan
        else BoardUpdate.objects.none()
    )
    year = plan.year if plan else timezone.localdate().year
    uses = ScreenUse.objects.filter(
        community=community, held_on__gte=date(year, 1, 1), held_on__lte=date(year, 12, 31)
    ).select_related("recorded_by")
    return render(
        request,
        "duties/boards.html",
        {
            "community": community,
            "plans": plans,
            "plan": plan,
            "year": year,
            "quarters": quarters,
            "updates": updates,
            "uses": uses,
            "board_form": forms_.get("board"),
            "screen_form": forms_["screen"],
            "refused": bound,
            "summary": _summary(bound) if bound is not None else [],
            "board_action": _with_year(reverse("duties:add_board_update"), plan),
            "screen_action": _with_year(reverse("duties:add_screen_use"), plan),
        },
    )


def _page_url(plan):
    return _with_year(reverse(PAGE), plan)


def _with_year(url, plan):
    return f"{url}?year={plan.year}" if plan else url


@login_required
def add_board_update(request):
    """B1: the community's staff record a board update of their own community."""
    if request.method != "POST":
        return redirect(PAGE)
    community = get_object_or_404(Community, pk=own_community_id(request.user))
    plans, plan = _plan(request)
    if plan is None:
        raise Http404
    form = BoardUpdateForm(request.POST, request.FILES, plan=plan, prefix="board")
    return _save(
        request,
        form,
        lambda form: BoardUpdate.record(
            community=community,
            plan=plan,
            by=request.user,
            **form.values(),
        ),
        _("Board update recorded."),
        lambda: _render(request, community, plans, plan, bound=form),
        plan,
    )


@login_required
def add_screen_use(request):
    """B1: the community's staff record a use of an LED screen or a broadcast."""
    if request.method != "POST":
        return redirect(PAGE)
    community = get_object_or_404(Community, pk=own_community_id(request.user))
    plans, plan = _plan(request)
    form = ScreenUseForm(request.POST, prefix="screen")
    return _save(
        request,
        form,
        lambda form: ScreenUse.record(community=community, by=request.user, **form.values()),
        _("LED screen or broadcast use recorded."),
        lambda: _render(request, community, plans, plan, bound=form),
        plan,
    )


def _save(request, form, write, done, refused_page, plan):
    """As duties.views.add_record: the model's refusal lands on its field; a page sent
    twice goes back to the page, told so, nothing recorded again."""
    if form.is_valid():
        refusal = _apply(form, write)
        if refusal is not None:
            messages.info(request, refusal.message)
            return redirect(_page_url(plan))
        if form.is_valid():
            messages.success(request, done)
            return redirect(_page_url(plan))
    return refused_page()


@login_required
@require_GET
def board_photo(request, pk, variant):
    """A board photo: to the community's readers (404 for others); the original (GPS and
    all) to its own staff and the office only. Never through MEDIA_URL."""
    if variant not in PHOTO_VARIANTS:
        raise Http404
    photo = get_object_or_404(BoardPhoto.objects.select_related("board_update__community"), pk=pk)
    community = photo.board_update.community
    require_view(request.user, community)
    if variant == "original" and not viewer_of(request.user).can_see_originals(community):
        raise PermissionDenied
    return photo_file_response(photo, variant, "board-photo")
