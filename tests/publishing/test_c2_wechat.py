"""C2: a post exported for the WeChat official-account editor: one <section> of simple
tags, every style inline, no <style>, class, id or script, the photos by the absolute
address of their public copies."""

import lxml.html
import pytest
from django.urls import reverse

from publishing.wechat import TAGS
from tests.publishing import column_data

# The C2 fixtures (tests/publishing/column_data.py), by name.
column, column_root = column_data.column, column_data.column_root


@pytest.fixture
def exported(office, column, people):
    post = column["post"]
    post.title = "<b>反诈</b>宣传"
    post.save()
    post = post.publish(people["office"])
    answer = office.get(
        reverse("admin:publishing_post_wechat_html", args=[post.pk]) + "?download=1"
    )
    assert answer.status_code == 200
    assert answer["Content-Disposition"].startswith("attachment")
    body = answer.content.decode("utf-8")
    assert body.startswith("\ufeff")  # read as UTF-8 when the saved file is opened
    return post, body[1:]


def test_c2_export_holds_only_simple_tags_with_inline_styles(exported):
    post, html = exported
    section = lxml.html.fragment_fromstring(html)
    assert section.tag == "section"
    elements = list(section.iter())
    assert {element.tag for element in elements} <= TAGS
    for element in elements:
        assert "class" not in element.attrib and "id" not in element.attrib
        assert not any(name.startswith("on") for name in element.attrib)
    assert "<style" not in html and "<script" not in html
    # The layout's rules are on the elements themselves.
    assert "font-size" in section.get("style")
    paragraphs = [p for p in section.iter("p") if "text-indent" in (p.get("style") or "")]
    assert [p.text for p in paragraphs] == post.paragraphs()


def test_c2_export_photos_are_the_public_copies_by_absolute_url(exported, client):
    post, html = exported
    section = lxml.html.fragment_fromstring(html)
    sources = [img.get("src") for img in section.iter("img")]
    expected = [
        f"http://testserver{reverse('column:photo', args=[post.pk, photo.pk])}"
        for photo in post.photos.all()
    ]
    assert sources == expected
    assert all(img.get("alt") for img in section.iter("img"))
    for source in sources:  # anyone, the WeChat editor too, loads them while published
        assert client.get(source.removeprefix("http://testserver")).status_code == 200


def test_c2_export_escapes_the_office_text(exported):
    post, html = exported
    section = lxml.html.fragment_fromstring(html)
    assert "<b>" not in html
    assert any(element.text == "<b>反诈</b>宣传" for element in section.iter("h2"))


@pytest.mark.parametrize(
    "state, warned", [("draft", True), ("published", False), ("unpublished", True)]
)
def test_c2_export_page_says_publish_first(office, column, people, state, warned):
    """A draft's, or an unpublished post's, export page says its photos load only once the
    post is published (again)."""
    post = column["post"]
    if state != "draft":
        post = post.publish(people["office"])
    if state == "unpublished":
        post = post.unpublish(people["office"])
    page = office.get(reverse("admin:publishing_post_wechat", args=[post.pk])).content.decode()
    assert ("这篇文章现在不在专栏中（草稿或已撤下）" in page) is warned
