"""The Content-Security-Policy and the caching headers every response carries
(等保 2.0 访问控制; how a browser keeps what it was shown)."""

import re
from pathlib import Path

import pytest
from django.http import HttpResponse
from django.test import RequestFactory
from django.urls import reverse

from core.middleware import PrivatePagesNotStored
from tests.conftest import verified_login
from tests.scoring.conftest import AFTER_Q2, q2  # noqa: F401 (the fixture)
from tests.test_architecture import PACKAGES

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]
POLICY = {
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data: blob:",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
}


def directives(response):
    return set(response["Content-Security-Policy"].split("; "))


def test_a_page_is_sent_with_the_strict_policy(client, people):
    client.force_login(people["alice"])
    response = client.get(reverse("home"))
    assert directives(response) == POLICY


def test_the_login_page_is_sent_with_the_policy_too(client):
    assert directives(client.get(reverse("login"))) == POLICY


@pytest.mark.usefixtures("q2")
@pytest.mark.parametrize("page", ["quarter", "ledger"])
def test_a_chart_page_allows_its_own_stylesheet_by_nonce_and_nothing_inline(
    client, people, places, time_machine, page
):
    """pygal's <style> carries the response's nonce; the SVG has no script, no style
    attribute, no event handler and no outside address."""
    time_machine.move_to(AFTER_Q2)
    client.force_login(people["leader"])
    args = ["2021Q2"] + ([places["a"].pk] if page == "ledger" else [])
    response = client.get(reverse(f"scoring:{page}", args=args))
    html = response.content.decode()
    nonce = re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)
    styles = re.findall(r"<style([^>]*)>", html)
    assert styles == [f' nonce="{nonce}"']
    svg = html[html.index("<svg") : html.index("</svg>")]
    assert "<script" not in svg and "<style" not in svg
    assert not re.search(r"\sstyle=|\son[a-z]+=|(?:href|src)=[\"']https?:", svg)
    css = html[html.index("<style") : html.index("</style>")]
    assert "#chart-" in css and "http" not in css and "@import" not in css


INLINE = {
    "inline script": re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>"),
    "style element without nonce": re.compile(r"<style(?![^>]*\bnonce=)[^>]*>"),
    "style attribute": re.compile(r"\sstyle\s*=\s*[\"']", re.IGNORECASE),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+\s*=", re.IGNORECASE),
    "javascript: URL": re.compile(r"javascript:", re.IGNORECASE),
}


# In Python, only HTML written in strings (format_html): an attribute with its quote.
IN_PYTHON = {
    "style attribute": re.compile(r"\sstyle=[\"']"),
    "event handler attribute": re.compile(r"<[^>]+\son[a-z]+=[\"']"),
}


def test_no_template_or_admin_html_holds_inline_code():
    """What the policy would block, found where it is written: templates, and the HTML
    that the apps' Python code builds (format_html in the admins)."""
    checks = [(path, INLINE) for path in ROOT.glob("templates/**/*.html")]
    checks += [
        (path, IN_PYTHON)
        for app in PACKAGES
        for path in (ROOT / app).rglob("*.py")
        if "migrations" not in path.parts
    ]
    found = [
        f"{path.relative_to(ROOT)}: {what}: {match.group(0)[:60]}"
        for path, patterns in checks
        for what, pattern in patterns.items()
        for match in pattern.finditer(path.read_text(encoding="utf-8"))
    ]
    assert not found, "\n".join(found)


def test_the_scan_finds_what_it_looks_for():
    sample = (
        '<p style="x"><script>1</script><style>b{}</style><a href="javascript:f()" onclick="f()">'
    )
    assert all(pattern.search(sample) for pattern in INLINE.values())
    assert all(pattern.search(sample) for pattern in IN_PYTHON.values())
    harmless = '<script src="/s.js"></script><style nonce="n"></style><p class="style">'
    assert not any(pattern.search(harmless) for pattern in INLINE.values())


def test_a_signed_in_persons_page_is_never_stored(client, people):
    client.force_login(people["alice"])
    cache = client.get(reverse("home"))["Cache-Control"]
    assert "no-store" in cache and "private" in cache


def test_the_offices_admin_pages_are_never_stored(client, people):
    from communities.permissions import grant_office_permissions

    grant_office_permissions()
    people["office"].is_staff = True
    people["office"].save()
    verified_login(client, people["office"])
    response = client.get(reverse("admin:index"))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def test_the_photo_original_is_never_stored_the_copies_an_hour_in_this_browser(
    client, people, april
):
    photo = april.activities.get().photos.get()
    client.force_login(people["office"])
    headers = {
        variant: client.get(reverse("photo", args=[photo.pk, variant]))
        for variant in ("original", "display", "thumbnail")
    }
    assert headers["original"]["Cache-Control"] == "private, no-store"
    assert headers["display"]["Cache-Control"] == "private, max-age=3600"
    assert headers["thumbnail"]["Cache-Control"] == "private, max-age=3600"
    # The photo's own policy stays: never rendered as a page.
    assert all(
        r["Content-Security-Policy"] == "default-src 'none'; sandbox" for r in headers.values()
    )


def middleware_answer(user, response):
    request = RequestFactory().get("/")
    request.user = user
    return PrivatePagesNotStored(lambda _request: response)(request)


def test_the_middleware_keeps_a_header_the_view_set(people):
    response = HttpResponse()
    response["Cache-Control"] = "private, max-age=60"
    assert middleware_answer(people["alice"], response)["Cache-Control"] == "private, max-age=60"


def test_the_middleware_leaves_an_anonymous_page_alone():
    from django.contrib.auth.models import AnonymousUser

    assert not middleware_answer(AnonymousUser(), HttpResponse()).has_header("Cache-Control")
