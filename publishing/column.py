"""C2, the public 反诈骗 column: the published posts, one post, and its photos' public
copies. No login: these are the only pages of the portal anyone may read (DOMAIN.md C2).

A draft, an unpublished post and an id that was never a post all answer the same 404,
and a photo is served only while its post is published, from the public copy made when
it was published (publishing.models.PostPhoto.make_public_copy), never from the private
photos' storage.
"""

from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404
from django.template.response import TemplateResponse
from django.views.decorators.http import require_GET

from duties.models import UnitActivity
from publishing.models import Post, PostPhoto
from reporting.models import Activity

POSTS_PER_PAGE = 10
# A public copy is asked for again each time it is shown (no-cache: kept, but never
# reused unchecked), so that once its post is unpublished no browser or proxy shows it.
PHOTO_CACHE = "public, no-cache"


def _published_photos():
    return PostPhoto.objects.exclude(public_copy="")


@require_GET
def post_list(request):
    """The published posts, newest first, each with its first photo; ten a page."""
    posts = Post.objects.published().prefetch_related(
        Prefetch("photos", queryset=_published_photos(), to_attr="public_photos")
    )
    page = Paginator(posts, POSTS_PER_PAGE).get_page(request.GET.get("page"))
    return TemplateResponse(request, "publishing/column/list.html", {"page": page})


def gone(request):
    """The same answer for a draft, an unpublished post and an id that was never a post:
    the column's own page, saying nothing of which it was."""
    return TemplateResponse(request, "publishing/column/gone.html", status=404)


@require_GET
def post_page(request, pk):
    """A published post: its title, date, text, photos, and the activities it tells of."""
    try:
        post = _published_post(pk)
    except Http404:
        return gone(request)
    return TemplateResponse(
        request,
        "publishing/column/post.html",
        {
            "post": post,
            "photos": [(photo, *photo_origin(photo)) for photo in post.public_photos],
            "held": held_activities(post),
        },
    )


def _published_post(pk):
    return get_object_or_404(
        Post.objects.published().prefetch_related(
            Prefetch(
                "photos",
                queryset=_published_photos().select_related(
                    "activity_photo__activity__report__community", "unit_photo__activity__unit"
                ),
                to_attr="public_photos",
            ),
            Prefetch("activities", queryset=_activities()),
            Prefetch("unit_activities", queryset=_unit_activities()),
        ),
        pk=pk,
    )


def _activities():
    return Activity.objects.select_related("report__community").order_by("held_at", "pk")


def _unit_activities():
    return UnitActivity.objects.select_related("unit").order_by("held_at", "pk")


def held_activities(post):
    """[(who: a community's or a unit's name, held_at)] of the post's activities, in the
    order they were held (prefetched)."""
    rows = [(a.report.community.name, a.held_at) for a in post.activities.all()]
    rows += [(u.unit.name, u.held_at) for u in post.unit_activities.all()]
    return sorted(rows, key=lambda row: row[1])


def photo_origin(photo):
    """Whose activity a post's photo is of, and when it was held (select_related)."""
    if photo.activity_photo_id:
        activity = photo.activity_photo.activity
        return activity.report.community.name, activity.held_at
    activity = photo.unit_photo.activity
    return activity.unit.name, activity.held_at


@require_GET
def photo(request, pk, photo_pk):
    """A photo's public copy, while its post is published; 404 otherwise (and once the
    copy is deleted by unpublishing)."""
    row = get_object_or_404(
        PostPhoto.objects.exclude(public_copy="").filter(post__in=Post.objects.published()),
        pk=photo_pk,
        post_id=pk,
    )
    try:
        handle = row.public_copy.open("rb")
    except FileNotFoundError:
        # The copies are not in a backup (luoshan/backup.py keeps the evidence, not what is
        # made from it): after a restore, a published post's copy is made again once.
        row.make_public_copy()
        row.save(update_fields=["public_copy", "width", "height"])
        handle = row.public_copy.open("rb")
    response = FileResponse(handle, content_type="image/jpeg")
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = PHOTO_CACHE
    # The WeChat editor and other sites load the photos of an exported post from here.
    response["Cross-Origin-Resource-Policy"] = "cross-origin"
    return response
