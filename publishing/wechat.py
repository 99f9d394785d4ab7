"""C2: a post as HTML for the WeChat official-account editor (微信公众号).

The editor keeps what it is pasted only as inline styles on simple tags: no <style>, no
class or id, no script. The post is laid out (templates/publishing/column/wechat.html)
with a stylesheet (wechat.css, beside this module), every rule is written onto its
elements by css-inline, then the classes and the ids are dropped, leaving one <section>.
Its photos are the public copies' absolute addresses: they load once the post is
published.
"""

from pathlib import Path

import css_inline
import lxml.html
from django.template.loader import render_to_string
from django.urls import reverse

from publishing import column

# What the export may hold, and nothing else (tests/publishing/test_c2_wechat.py).
TAGS = {"section", "p", "span", "strong", "img", "br", "h2"}

INLINER = css_inline.CSSInliner(
    load_remote_stylesheets=False,
    extra_css=Path(__file__).with_name("wechat.css").read_text(encoding="utf-8"),
)


def export(post, absolute):
    """The post as one <section> with inline styles; `absolute(path)` makes a full URL
    (request.build_absolute_uri)."""
    photos = post.photos.select_related(
        "activity_photo__activity__report__community", "unit_photo__activity__unit"
    )
    html = render_to_string(
        "publishing/column/wechat.html",
        {
            "post": post,
            "photos": [
                (photo, absolute(reverse("column:photo", args=[post.pk, photo.pk])), *origin)
                for photo in photos
                for origin in [column.photo_origin(photo)]
            ],
        },
    )
    inlined = INLINER.inline(html)
    section = lxml.html.document_fromstring(inlined).find(".//section")
    for element in section.iter():
        element.attrib.pop("class", None)
        element.attrib.pop("id", None)
    return lxml.html.tostring(section, encoding="unicode")


def page(fragment):
    """The export as a page of its own, for the desk's preview frame."""
    return (
        '<!DOCTYPE html><html lang="zh-Hans"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>WeChat</title></head><body>{fragment}</body></html>"
    )
