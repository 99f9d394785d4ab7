"""C2, the office's side of the 反诈骗 column, on its desk: a new post from a month's
activities (the accepted reports' and the units'), its photos ticked from thumbnails, its
title and text; its page with the preview, 发布 (after a confirmation) and 撤下; the
WeChat export (publishing.wechat).

Plain views, mounted in the admin site by publishing.column_admin.PostAdmin.get_urls() (the
desk's login and second factor); each also asks that the user is the office.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.clickjacking import xframe_options_sameorigin
from django.views.decorators.http import require_POST

from communities.access import require_office
from duties.models import UnitActivity
from publishing import wechat
from publishing.column_forms import PostForm, PublishForm, UnpublishForm, parse_month
from publishing.models import Post, PostPhoto, PostSentTwice, chosen_activities
from reporting.models import Activity, MonthlyReport, ReportState


class MonthOffer:
    """What a post of `year`-`month` may be drawn from: the accepted (and not falsified)
    reports' activities and the units' activities of that month, with their photos.
    Keys name them in the form: "a-<id>" a community's, "u-<id>" a unit's."""

    def __init__(self, year, month):
        self.year, self.month = year, month
        self.activities = list(
            Activity.objects.filter(chosen_activities(year, month))
            .select_related("report__community__work_point")
            .prefetch_related("photos")
            .order_by(
                "report__community__work_point__position",
                "report__community__position",
                "held_at",
                "pk",
            )
        )
        self.unit_activities = list(
            UnitActivity.objects.of_month(year, month)
            .select_related("unit")
            .prefetch_related("photos")
            .order_by("unit__position", "held_at", "pk")
        )
        self._activities = {f"a-{a.pk}": a for a in self.activities}
        self._activities |= {f"u-{u.pk}": u for u in self.unit_activities}
        self._photos, self._owners = {}, {}
        for prefix, rows in (("a", self.activities), ("u", self.unit_activities)):
            for activity in rows:
                for photo in activity.photos.all():
                    self._photos[f"{prefix}-{photo.pk}"] = photo
                    self._owners[f"{prefix}-{photo.pk}"] = f"{prefix}-{activity.pk}"

    @property
    def label(self):
        return f"{self.year}-{self.month:02d}"

    @property
    def activity_keys(self):
        return list(self._activities)

    @property
    def photo_keys(self):
        return list(self._photos)

    def photo(self, key):
        return self._photos[key]

    def owner_of(self, photo_key):
        return self._owners[photo_key]

    def activities_of(self, keys):
        """(communities' activities, units' activities) of the keys."""
        chosen = [self._activities[key] for key in self.activity_keys if key in keys]
        return (
            [a for a in chosen if isinstance(a, Activity)],
            [a for a in chosen if isinstance(a, UnitActivity)],
        )

    def rows(self, form):
        """Each activity for the page: (key, who, activity, ticked, [(photo key, photo,
        ticked, thumbnail url, display url)])."""
        chosen = set(form["chosen"].value() or ())
        ticked = set(form["photos"].value() or ())
        found = []
        for prefix, rows, url in (
            ("a", self.activities, "photo"),
            ("u", self.unit_activities, "duties:unit_photo"),
        ):
            for activity in rows:
                key = f"{prefix}-{activity.pk}"
                who = activity.unit.name if prefix == "u" else activity.report.community.name
                photos = [
                    (
                        f"{prefix}-{photo.pk}",
                        photo,
                        f"{prefix}-{photo.pk}" in ticked,
                        reverse(url, args=[photo.pk, "thumbnail"]),
                        reverse(url, args=[photo.pk, "display"]),
                    )
                    for photo in activity.photos.all()
                ]
                found.append((key, who, activity, key in chosen, photos))
        return found


def months_offered():
    """Every month with an accepted report or a unit's activity, newest first."""
    reports = MonthlyReport.objects.filter(state=ReportState.ACCEPTED)
    months = set(reports.values_list("plan__year", "month").distinct())
    months |= set(UnitActivity.objects.values_list("year", "month").distinct())
    return sorted(months, reverse=True)


def desk_url(post):
    return reverse("admin:publishing_post_desk", args=[post.pk])


def _initial(post):
    """The form's values of a saved post."""
    return {
        "title": post.title,
        "text": post.text,
        "version": post.version,
        "chosen": [f"a-{pk}" for pk in post.activities.values_list("pk", flat=True)]
        + [f"u-{pk}" for pk in post.unit_activities.values_list("pk", flat=True)],
        "photos": [
            f"a-{row.activity_photo_id}" if row.activity_photo_id else f"u-{row.unit_photo_id}"
            for row in post.photos.all()
        ],
    }


def new_post(request, site):
    """A new post: pick a month, then its activities and photos, and write."""
    require_office(request.user)
    months = months_offered()
    if request.method == "POST":
        wanted = parse_month(request.POST.get("month", ""))
        if wanted is None:  # a forged or missing month: nothing is guessed
            messages.error(request, _("Choose the month of the activities again."))
            return redirect("admin:publishing_post_new")
    else:
        wanted = parse_month(request.GET.get("month", "")) or (months[0] if months else None)
    offer = MonthOffer(*wanted) if wanted else None
    form = None
    if request.method == "POST" and offer:
        form = PostForm(offer, request.POST)
        if form.is_valid():
            try:
                post = Post.write(
                    request.user,
                    year=offer.year,
                    month=offer.month,
                    submission=form.cleaned_data["submission"],
                    **form.content(),
                )
            except PostSentTwice as twice:
                messages.warning(request, twice.messages[0])
                return redirect(desk_url(twice.existing))
            except ValidationError as refused:
                form.add_error(None, refused)
            else:
                messages.success(request, _("The draft is saved: read the preview below."))
                return redirect(desk_url(post))
    if offer and form is None:
        form = PostForm(offer, initial={"submission": Post().submission})
    return _compose_page(
        request, site, offer, form, None, months, _("New post for the anti-fraud column")
    )


def edit_post(request, site, pk):
    """A draft's or an unpublished post's content, in its month."""
    require_office(request.user)
    post = get_object_or_404(Post, pk=pk)
    if not post.is_editable:
        messages.error(request, _("A published post is not changed: unpublish it first."))
        return redirect(desk_url(post))
    offer = MonthOffer(post.year, post.month)
    form = PostForm(offer, request.POST or None, initial=_initial(post))
    if request.method == "POST" and form.is_valid():
        try:
            post = post.edit(request.user, version=form.cleaned_data["version"], **form.content())
        except ValidationError as refused:
            form.add_error(None, refused)
        else:
            messages.success(request, _("The post is saved: read the preview below."))
            return redirect(desk_url(post))
    return _compose_page(request, site, offer, form, post, None, _("Edit the post"))


def _compose_page(request, site, offer, form, post, months, title):
    return TemplateResponse(
        request,
        "publishing/admin_post_form.html",
        {
            **site.each_context(request),
            "title": title,
            "offer": offer,
            "form": form,
            "rows": offer.rows(form) if offer else [],
            "post": post,
            "months": [f"{y}-{m:02d}" for y, m in months or ()],
            "opts": Post._meta,
        },
    )


def _with_photos(queryset):
    return queryset.prefetch_related(
        Prefetch(
            "photos",
            queryset=PostPhoto.objects.select_related(
                "activity_photo__activity__report__community", "unit_photo__activity__unit"
            ),
        ),
        Prefetch(
            "activities",
            queryset=Activity.objects.select_related("report__community").order_by("held_at"),
        ),
        Prefetch(
            "unit_activities",
            queryset=UnitActivity.objects.select_related("unit").order_by("held_at"),
        ),
    )


def post_desk(request, site, pk):
    """A post's page on the desk: its state, the preview, publish (with confirmation) or
    unpublish, edit, and the WeChat export."""
    require_office(request.user)
    post = get_object_or_404(_with_photos(Post.objects.select_related("published_by")), pk=pk)
    return TemplateResponse(
        request,
        "publishing/admin_post.html",
        {
            **site.each_context(request),
            "title": _("Column post: %(title)s") % {"title": post.title},
            "post": post,
            "preview": preview_photos(post),
            "held": held(post),
            "publish_form": PublishForm(initial={"version": post.version}),
            "unpublish_form": UnpublishForm(),
            "opts": Post._meta,
        },
    )


def preview_photos(post):
    """(the photo row, whose, when held, display copy's url on the desk) of each photo."""
    found = []
    for row in post.photos.all():
        if row.activity_photo_id:
            activity = row.activity_photo.activity
            who, url = activity.report.community.name, "photo"
        else:
            activity = row.unit_photo.activity
            who, url = activity.unit.name, "duties:unit_photo"
        found.append((row, who, activity.held_at, reverse(url, args=[row.source.pk, "display"])))
    return found


def held(post):
    rows = [(a.report.community.name, a.held_at) for a in post.activities.all()]
    rows += [(u.unit.name, u.held_at) for u in post.unit_activities.all()]
    return sorted(rows, key=lambda row: row[1])


@require_POST
def publish(request, pk):
    """发布 (C2): the public copies made and the post shown in the column; a second press
    says so and changes nothing."""
    require_office(request.user)
    post = get_object_or_404(Post.objects.select_related("published_by"), pk=pk)
    form = PublishForm(request.POST)
    if post.is_published:
        messages.error(request, post.already_published())
    elif not form.is_valid():
        messages.error(request, _("Tick the box to confirm before publishing the post."))
    else:
        try:
            post.publish(request.user, version=form.cleaned_data["version"])
        except ValidationError as refused:
            messages.error(request, refused.messages[0])
        else:
            messages.success(request, _("The post is published in the public column."))
    return redirect(desk_url(post))


@require_POST
def unpublish(request, pk):
    """撤下 (C2): out of the column, its public copies deleted; a second press says so."""
    require_office(request.user)
    post = get_object_or_404(Post, pk=pk)
    if post.is_published and not UnpublishForm(request.POST).is_valid():
        messages.error(request, _("Tick the box to confirm before unpublishing the post."))
        return redirect(desk_url(post))
    try:
        post.unpublish(request.user)
    except ValidationError as refused:
        messages.error(request, refused.messages[0])
    else:
        messages.success(
            request, _("The post is unpublished: the column no longer shows it or its photos.")
        )
    return redirect(desk_url(post))


def wechat_page(request, site, pk):
    """The post as HTML for the WeChat official-account editor: copy or download."""
    require_office(request.user)
    post = get_object_or_404(Post, pk=pk)
    return TemplateResponse(
        request,
        "publishing/admin_post_wechat.html",
        {
            **site.each_context(request),
            "title": _("WeChat export: %(title)s") % {"title": post.title},
            "post": post,
            "html": wechat.export(post, request.build_absolute_uri),
            "opts": Post._meta,
        },
    )


@xframe_options_sameorigin
def wechat_html(request, pk):
    """The export itself: ?download=1 as a file, else as a page the desk shows in a frame
    (inline styles allowed there, scripts never)."""
    require_office(request.user)
    post = get_object_or_404(Post, pk=pk)
    fragment = wechat.export(post, request.build_absolute_uri)
    if request.GET.get("download"):
        # A byte-order mark, so that a browser opening the saved file reads it as UTF-8.
        response = HttpResponse("\ufeff" + fragment, content_type="text/html; charset=utf-8")
        response["Content-Disposition"] = content_disposition_header(
            as_attachment=True, filename=f"栏目文章-{post.pk}-微信.html"
        )
    else:
        response = HttpResponse(wechat.page(fragment), content_type="text/html; charset=utf-8")
    response["Content-Security-Policy"] = (
        "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; "
        "frame-ancestors 'self'; base-uri 'none'; form-action 'none'"
    )
    return response
