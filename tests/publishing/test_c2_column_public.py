"""C2: the public column shows only what the office published, with copies of the photos
chosen for it; nothing else of the portal is public.

Every public URL is asked as anonymous for a post in every state (a draft, published,
unpublished, published again) and for an id that is no post; then every URL pattern of the
project is walked as anonymous with real ids: only the column and the login pages answer.
"""

import io
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils.regex_helper import normalize
from PIL import Image

from tests.publishing import column_data
from tests.publishing.column_data import accepted_report, write_post

# The C2 fixtures (tests/publishing/column_data.py), by name.
column, column_root = column_data.column, column_data.column_root

STATES = ("draft", "published", "unpublished", "published again", "forged id")
# What anonymous gets for each state: (post in the list, post page, its photos).
SHOWN = {
    "draft": (False, 404, 404),
    "published": (True, 200, 200),
    "unpublished": (False, 404, 404),
    "published again": (True, 200, 200),
    "forged id": (False, 404, 404),
}


def bring_to(state, post, office_user):
    if state in ("published", "unpublished", "published again"):
        post = post.publish(office_user)
    if state in ("unpublished", "published again"):
        post = post.unpublish(office_user)
    if state == "published again":
        post = post.publish(office_user)
    return post


@pytest.mark.parametrize("state", STATES)
def test_c2_public_urls_for_each_state(state, column, people, client, column_root):
    """C2: the list, the post and its photos answer only while the post is published; a
    draft, an unpublished post and a forged id answer 404 and leak nothing."""
    post = bring_to(state, column["post"], people["office"])
    pk = post.pk + 1000 if state == "forged id" else post.pk
    photo_ids = list(post.photos.values_list("pk", flat=True))
    in_list, page_status, photo_status = SHOWN[state]

    listing = client.get(reverse("column:list"))
    assert listing.status_code == 200
    assert (post.title in listing.content.decode()) is in_list

    page = client.get(reverse("column:post", args=[pk]))
    assert page.status_code == page_status
    if page_status == 404:
        assert post.title not in page.content.decode()
    for photo_pk in photo_ids:
        answer = client.get(reverse("column:photo", args=[pk, photo_pk]))
        assert answer.status_code == photo_status
        if photo_status == 200:
            assert answer["Content-Type"] == "image/jpeg"
            assert "sandbox" in answer["Content-Security-Policy"]


@pytest.mark.parametrize("state", STATES)
def test_c2_private_photos_never_reachable_anonymously(state, column, people, client):
    """C2: whatever the post's state, the photos' originals and display copies behind the
    portal's own photo URLs still ask for a login."""
    bring_to(state, column["post"], people["office"])
    urls = [
        reverse("photo", args=[photo.pk, variant])
        for photo in column["activity"].photos.all()
        for variant in ("original", "display", "thumbnail")
    ] + [
        reverse("duties:unit_photo", args=[photo.pk, variant])
        for photo in column["unit_activity"].photos.all()
        for variant in ("original", "display", "thumbnail")
    ]
    for url in urls:
        answer = client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"].startswith(reverse("login")), url


def test_c2_unpublishing_deletes_the_public_copies(
    column, people, column_root, django_capture_on_commit_callbacks
):
    """C2: unpublished, the public copies' files are gone once the change is committed;
    published again, new copies are made under new names."""
    office_user = people["office"]
    post = column["post"].publish(office_user)
    first = set(post.photos.values_list("public_copy", flat=True))
    assert len(first) == 3
    assert all((column_root / name).exists() for name in first)
    with django_capture_on_commit_callbacks(execute=True):
        post = post.unpublish(office_user)
    assert not any((column_root / name).exists() for name in first)
    assert set(post.photos.values_list("public_copy", flat=True)) == {""}
    post = post.publish(office_user)
    again = set(post.photos.values_list("public_copy", flat=True))
    assert all((column_root / name).exists() for name in again)
    assert not again & first


def test_c2_a_published_posts_lost_copy_is_made_again_once(column, people, client, column_root):
    """C2: the public copies are not in a backup; after a restore (or a lost folder) a
    published post's photo is made again from its display copy the first time it is asked
    for, then served from that copy."""
    post = column["post"].publish(people["office"])
    row = post.photos.first()
    url = reverse("column:photo", args=[post.pk, row.pk])
    (column_root / row.public_copy.name).unlink()
    answer = client.get(url)
    assert answer.status_code == 200
    assert Image.open(io.BytesIO(b"".join(answer.streaming_content))).format == "JPEG"
    row.refresh_from_db()
    assert (column_root / row.public_copy.name).exists()
    assert client.get(url).status_code == 200
    assert post.photos.get(pk=row.pk).public_copy == row.public_copy


def test_c2_public_copy_is_a_new_jpeg_without_metadata(column, people, client):
    """C2: the public copy is made from the display copy, encoded again, with no EXIF (no
    GPS), no comment; it is not the original's nor the display copy's bytes."""
    post = column["post"].publish(people["office"])
    row = post.photos.select_related("activity_photo").exclude(activity_photo=None).first()
    body = b"".join(client.get(reverse("column:photo", args=[post.pk, row.pk])).streaming_content)
    image = Image.open(io.BytesIO(body))
    assert image.format == "JPEG"
    assert not image.getexif()
    assert "exif" not in image.info and "comment" not in image.info
    assert b"Exif" not in body and b"GPS" not in body
    source = row.activity_photo
    assert body not in (source.original.read(), source.display.read())
    assert max(image.size) <= 1280


def test_c2_post_text_is_escaped_plain_paragraphs(column, people, client):
    """C2: the office's text is plain text: markup in it is shown, never run."""
    post = column["post"]
    post.text = '<script>alert(1)</script>\n<b onclick="x">粗体</b>'
    post.save()
    post = post.publish(people["office"])
    content = client.get(reverse("column:post", args=[post.pk])).content.decode()
    assert "<script>alert" not in content and "<b onclick" not in content
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content


def test_c2_list_newest_first_and_paginated(plan, places, people, client):
    """C2: the published posts, the latest published first, ten a page; drafts never."""
    office_user = people["office"]
    activity = accepted_report(plan, places["a"], people["alice"], office_user).activities.get()
    posts = [write_post(office_user, [activity], title=f"第{n}篇") for n in range(12)]
    for post in posts[:11]:
        post.publish(office_user)
    first = client.get(reverse("column:list")).content.decode()
    titles = re.findall(r'column-card-title">([^<]+)<', first)
    assert titles == [f"第{n}篇" for n in range(10, 0, -1)]
    second = client.get(reverse("column:list") + "?page=2").content.decode()
    assert re.findall(r'column-card-title">([^<]+)<', second) == ["第0篇"]
    assert "第11篇" not in first + second


@pytest.mark.parametrize("count", [1, 10])
def test_c2_list_queries_fixed(count, plan, places, people, client):
    """The list page asks the same queries for one published post and for a full page."""
    office_user = people["office"]
    activity = accepted_report(plan, places["a"], people["alice"], office_user).activities.get()
    for n in range(count):
        write_post(office_user, [activity], title=f"第{n}篇").publish(office_user)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("column:list")).status_code == 200
    assert len(queries) == 3  # the count, the page of posts, their photos


# --- Nothing else of the portal is public: every URL pattern, as anonymous.

# The pages anyone may open: the column, and the ways in (login, the desk's login).
PUBLIC = {"column:list", "column:post", "column:photo", "login", "admin:login"}


def every_pattern(resolver=None, prefix="", namespace=""):
    """(qualified name or None, the pattern's regex from the root) of every URL pattern."""
    resolver = resolver or get_resolver()
    for entry in resolver.url_patterns:
        regex = prefix + entry.pattern.regex.pattern.lstrip("^")
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from every_pattern(entry, regex.rstrip("$").removesuffix("\\Z"), inner)
        elif isinstance(entry, URLPattern):
            yield (f"{namespace}{entry.name}" if entry.name else None), regex


def urls_of(regex, ids, fixed):
    """The pattern's URL with each parameter filled: a fixed value by name, else each of
    the real ids in turn."""
    pattern, params = normalize(regex)[0]
    free = [p for p in params if p not in fixed]
    for real in ids if free else ids[:1]:
        values = {p: fixed.get(p, str(real)) for p in params}
        yield "/" + pattern % values


@pytest.fixture
def populated(column, people, places, plan):
    """A published post beside the rest: reports, photos, a unit's activity, users."""
    post = column["post"].publish(people["office"])
    report = column["report"]
    return {
        "ids": sorted(
            {
                post.pk,
                report.pk,
                column["activity"].pk,
                *column["activity"].photos.values_list("pk", flat=True),
                column["unit_activity"].pk,
                *post.photos.values_list("pk", flat=True),
                places["a"].pk,
                places["point"].pk,
                people["alice"].pk,
            }
        ),
        "fixed": {
            "year": "2021",
            "month": "4",
            "quarter": "2021Q2",
            "variant": "display",
            "app_label": "publishing",
            "url": "anything/",
            # A post's photo is asked for under its own post (the other ids run through
            # pk); ids differ on PostgreSQL, where sequences are not reset between tests.
            "photo_pk": str(post.photos.values_list("pk", flat=True)[0]),
        },
    }


def test_c2_nothing_else_of_the_portal_is_public(populated, client):
    """C2: walked as anonymous, with real ids, every URL of the project redirects to a
    login, refuses (403, 404, 405) or is the column or a login page: only those answer 200."""
    answered, opened = 0, []
    for name, regex in every_pattern():
        for url in urls_of(regex, populated["ids"], populated["fixed"]):
            answer = client.get(url)
            answered += 1
            if answer.status_code == 200:
                opened.append((name, url))
            elif answer.status_code in (301, 302):
                location = answer["Location"]
                assert location.startswith(("/accounts/login/", "/admin/")), (name, url, location)
            else:
                assert answer.status_code in (403, 404, 405), (name, url, answer.status_code)
    assert {name for name, _url in opened} <= PUBLIC, opened
    assert {"column:list", "column:post", "column:photo", "login"} <= {n for n, _u in opened}
    assert answered > 100


@pytest.mark.parametrize("photos", [1, 3])
def test_c2_post_page_queries_fixed(photos, column, people, client):
    """The post page asks the same queries whatever its photos and activities."""
    post = column["post"]
    post.photos.exclude(pk__in=post.photos.values_list("pk", flat=True)[:photos]).delete()
    post = post.publish(people["office"])
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("column:post", args=[post.pk])).status_code == 200
    assert len(queries) == 4  # the post, its photos, its activities, the units' activities


def test_c2_a_photo_is_served_only_under_its_own_post(plan, places, people, client):
    """A published post's photo id under another published post's id: 404."""
    office_user = people["office"]
    activity = accepted_report(plan, places["a"], people["alice"], office_user).activities.get()
    first = write_post(office_user, [activity], title="一").publish(office_user)
    second = write_post(office_user, [activity], title="二").publish(office_user)
    photo = first.photos.first()
    assert client.get(reverse("column:photo", args=[first.pk, photo.pk])).status_code == 200
    assert client.get(reverse("column:photo", args=[second.pk, photo.pk])).status_code == 404
