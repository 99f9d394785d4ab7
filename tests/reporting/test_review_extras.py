"""The review page of one report on its own, and what an app above adds to it through
`ReviewExtras` (reporting/review.py): reporting knows nothing of the apps above it."""

import pytest
from django.contrib import admin
from django.db.models import Prefetch
from django.test import RequestFactory

from reporting import review
from reporting.models import ReportEvent

pytestmark = pytest.mark.django_db


class Marked(review.ReviewExtras):
    """An app above, as a test makes one: a prefetch, a form opened with a reason, and a
    word for the template."""

    def prefetches(self):
        return (Prefetch("events", queryset=ReportEvent.objects.all(), to_attr="all_events"),)

    def initial_form(self, request, report):
        if "prefill" not in request.GET:
            return None
        return review.ReviewForm(initial={"reason": f"第{len(report.all_events)}条记录"})

    def context(self, report, form):
        return {"marked": (report.pk, form.initial.get("reason"))}


def page(people, report, extras=review.NO_EXTRAS, method="get", data=None):
    request = getattr(RequestFactory(), method)("/", data or {})
    request.user = people["office"]
    return review.review_one(request, report.pk, site=admin.site, extras=extras)


def test_without_extras_the_page_is_reportings_own(people, submitted):
    """No flags section, no evidence style sheet: the page renders all the same."""
    response = page(people, submitted)
    text = response.render().content.decode()
    assert 'id="report-activities"' in text and 'id="review-form"' in text
    assert 'id="report-flags"' not in text and "evidence.css" not in text
    assert "flags" not in response.context_data


def test_the_extras_prefetch_open_the_form_and_add_to_the_page(people, submitted):
    response = page(people, submitted, Marked(), data={"prefill": "1"})
    events = submitted.events.count()
    assert response.context_data["form"].initial == {"reason": f"第{events}条记录"}
    assert response.context_data["marked"] == (submitted.pk, f"第{events}条记录")


def test_the_extras_open_no_form_when_none_is_asked(people, submitted):
    response = page(people, submitted, Marked())
    assert response.context_data["form"].initial == {}
    assert response.context_data["marked"] == (submitted.pk, None)


def test_a_judgement_sent_is_not_replaced_by_the_opened_form(people, submitted):
    """Sent without its reason: the page again with what was sent, whatever the extras
    would open (the form posts back to the URL it was opened at)."""
    posted = {"action": "return", "reason": "", f"version-{submitted.pk}": submitted.version}
    request = RequestFactory().post("/?prefill=1", posted)
    request.user = people["office"]
    response = review.review_one(request, submitted.pk, site=admin.site, extras=Marked())
    assert response.context_data["form"].errors["reason"]
    assert response.context_data["marked"] == (submitted.pk, None)
