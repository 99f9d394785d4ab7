"""Evidence is read-only in the admin, for superusers too (等保 2.0 访问控制).

A report's content changes only through its transitions, each written to its
event log; the admin shows reports, activities and photos, and never saves them.
The review and the list's actions keep working.
"""

import pytest
from django.urls import reverse

from reporting.models import Activity, ActivityPhoto, MonthlyReport

pytestmark = pytest.mark.django_db


def activity_post(activity):
    return {
        "position": activity.position,
        "held_at_0": "2021-04-10",
        "held_at_1": "09:30:00",
        "place": activity.place,
        "form": activity.form,
        "form_other": "",
        "participants": 999,
        "caption": activity.caption,
        "report": activity.report_id,
    }


def report_post(report):
    activity = report.activities.first()
    return {
        "return_reason": "改过",
        "activities-TOTAL_FORMS": "1",
        "activities-INITIAL_FORMS": "1",
        "activities-MIN_NUM_FORMS": "0",
        "activities-MAX_NUM_FORMS": "1000",
        "activities-0-id": activity.pk,
        "activities-0-report": report.pk,
        "activities-0-participants": 999,
        "events-TOTAL_FORMS": "0",
        "events-INITIAL_FORMS": "0",
    }


def photo_post(photo):
    return {"original_name": "换过.jpg", "taken_at_0": "2020-01-01", "taken_at_1": "00:00:00"}


EVIDENCE = {
    "activity": (lambda r: r.activities.first(), activity_post),
    "report": (lambda r: r, report_post),
    "photo": (lambda r: r.activities.first().photos.first(), photo_post),
}


def snapshot(report):
    """Everything the admin could change, as plain values."""
    return (
        list(MonthlyReport.objects.filter(pk=report.pk).values()),
        list(Activity.objects.filter(report=report).values()),
        list(ActivityPhoto.objects.filter(activity__report=report).values()),
        report.events.count(),
    )


@pytest.mark.parametrize("what", EVIDENCE.keys())
def test_a_superuser_cannot_change_submitted_evidence(admin_client, submitted, what):
    """A crafted POST to the change page answers 403 and changes nothing."""
    pick, post = EVIDENCE[what]
    record = pick(submitted)
    before = snapshot(submitted)
    url = reverse(f"admin:reporting_{record._meta.model_name}_change", args=[record.pk])
    assert admin_client.post(url, post(record)).status_code == 403
    assert snapshot(submitted) == before
    assert submitted.activities.first().participants == 40


@pytest.mark.parametrize("what", EVIDENCE.keys())
@pytest.mark.parametrize("who", ["admin_client", "office"])
def test_evidence_pages_open_read_only(request, submitted, what, who):
    client = request.getfixturevalue(who)
    record = EVIDENCE[what][0](submitted)
    url = reverse(f"admin:reporting_{record._meta.model_name}_change", args=[record.pk])
    response = client.get(url)
    assert response.status_code == 200
    assert response.context["has_change_permission"] is False
    assert 'name="_save"' not in response.content.decode()


def test_the_report_page_still_links_the_review(office, submitted):
    page = office.get(reverse("admin:reporting_monthlyreport_change", args=[submitted.pk]))
    review = reverse("admin:reporting_monthlyreport_review", args=[submitted.pk])
    assert review in page.content.decode()
    assert office.get(review).status_code == 200


def test_the_review_still_changes_the_state_through_the_transition(office, people, submitted):
    url = reverse("admin:reporting_monthlyreport_review", args=[submitted.pk])
    seen = {f"version-{submitted.pk}": submitted.version}
    office.post(url, {"action": "accept", "reason": "", **seen})
    submitted.refresh_from_db()
    assert submitted.state == "accepted"
    assert submitted.events.last().action == "accepted"


def test_the_list_still_offers_the_review_actions(office, submitted):
    page = office.get(reverse("admin:reporting_monthlyreport_changelist"))
    actions = [name for name, _label in page.context["action_form"].fields["action"].choices]
    assert {"accept_reports", "return_reports", "falsify_reports"} <= set(actions)
