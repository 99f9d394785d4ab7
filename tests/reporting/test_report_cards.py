"""The report page's activity cards draw their fields with `card_field`
(reporting/templatetags/report_cards.py) as crispy-bootstrap5 draws them: the same
label, control, classes, errors and help, in a fraction of the time."""

import pytest
from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django.http import QueryDict
from django.test import SimpleTestCase

from reporting.forms import CONTENT_FIELDS, ActivityFormSet
from reporting.models import MonthlyReport
from reporting.templatetags.report_cards import card_field
from tests.conftest import add_activity
from tests.reporting.test_report_view import activity_fields, formset_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(plan, places, people):
    report = MonthlyReport.start(places["a"].pk, plan, 4, by=people["alice"])
    add_activity(report, people["alice"])
    return report


def card(report, data=None):
    """The first card of the report page, as the page builds it (unbound, or posted)."""
    formset = ActivityFormSet(
        data, instance=report, queryset=report.activities.all(), form_kwargs={"report": report}
    )
    if data is not None:
        assert isinstance(data, QueryDict)
        formset.is_valid()
    return formset.forms[0]


POSTED = {
    "saved as typed": {},
    "every field wrong": {
        "held_at": "not a time",
        "place": "",
        "form": "no such form",
        "participants": "-3",
        "caption": "",
    },
}


@pytest.mark.parametrize("field", CONTENT_FIELDS)
def test_an_unbound_field_is_drawn_as_crispy_draws_it(draft, field):
    # Each from a card of its own: crispy leaves its classes on the form's widget.
    SimpleTestCase().assertHTMLEqual(
        card_field(card(draft)[field]), as_crispy_field(card(draft)[field])
    )


@pytest.mark.parametrize("posted", POSTED)
@pytest.mark.parametrize("field", CONTENT_FIELDS)
def test_a_posted_field_and_its_errors_are_drawn_as_crispy_draws_them(draft, people, field, posted):
    activity = draft.activities.get()
    data = QueryDict(mutable=True)
    data.update(formset_data([activity_fields(0, activity, **POSTED[posted])], initial=1))
    ours, crispy = card(draft, data)[field], card(draft, data)[field]
    if posted == "every field wrong" and field != "form_other":
        assert ours.errors, "the case should put an error on the field"
    SimpleTestCase().assertHTMLEqual(card_field(ours), as_crispy_field(crispy))
