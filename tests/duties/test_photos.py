"""A visit's photos go only to who may see them (duties.views.photo): the point's head,
the office and the leadership; the original (GPS and all) to the head and the office."""

import pytest
from django.urls import reverse

from tests.duties.conftest import record_visit

pytestmark = pytest.mark.django_db

COPIES = {
    "head": 200,
    "office": 200,
    "leader": 200,
    "other_head": 404,
    "alice": 403,
    "bob": 403,
    "nobody": 403,
}
ORIGINAL = {**COPIES, "leader": 403}


@pytest.fixture
def photo(plan, places, people, in_may):
    return record_visit(plan, places, people).photos.get()


@pytest.mark.parametrize("variant", ["thumbnail", "display"])
@pytest.mark.parametrize(("who", "status"), COPIES.items())
def test_the_copies_by_role(who, status, variant, client, people, photo):
    client.force_login(people[who])
    response = client.get(reverse("duties:photo", args=[photo.pk, variant]))
    assert response.status_code == status
    if status == 200:
        assert response["Content-Type"] == "image/jpeg"
        assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
        assert response["Cache-Control"] == "private, max-age=3600"
        assert b"".join(response.streaming_content)[:2] == b"\xff\xd8"


@pytest.mark.parametrize(("who", "status"), ORIGINAL.items())
def test_the_original_by_role(who, status, client, people, photo):
    client.force_login(people[who])
    response = client.get(reverse("duties:photo", args=[photo.pk, "original"]))
    assert response.status_code == status
    if status == 200:
        assert response["Cache-Control"] == "private, no-store"
        assert response["Content-Disposition"].startswith("attachment;")


def test_anonymous_visitors_are_sent_to_log_in(client, photo):
    response = client.get(reverse("duties:photo", args=[photo.pk, "thumbnail"]))
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("variant", ["bogus", "original.jpg", ""])
def test_an_unknown_variant_is_not_found(variant, client, people, photo):
    client.force_login(people["head"])
    assert client.get(f"/duties/photos/{photo.pk}/{variant}/").status_code == 404
