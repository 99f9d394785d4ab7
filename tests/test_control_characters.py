"""Text that cannot break a file (core.text): control characters are refused at
entry by every form that takes free text, and stripped at write by every export.

One caption with a vertical tab used to make openpyxl raise IllegalCharacterError,
and the month workbook, the report's workbook and the activity list answered 500.
"""

import io

import pytest
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.urls import reverse
from openpyxl import load_workbook

from communities.forms import MemberFormSet
from communities.models import MemberRole, PropagandaTeam, TeamMember
from core.spreadsheets import safe
from core.text import CONTROL_CHARACTERS, refuse_control_characters, without_control_characters
from reporting.forms import ActivityEntryForm
from reporting.models import ActivityForm, MonthlyReport

REFUSED = "请删除不可见的控制字符。"
# Every character XML 1.0 forbids, as openpyxl's ILLEGAL_CHARACTERS_RE.
CONTROL = [chr(c) for c in [*range(0x00, 0x09), 0x0B, 0x0C, *range(0x0E, 0x20)]]


@pytest.mark.parametrize("character", CONTROL, ids=[f"{ord(c):#04x}" for c in CONTROL])
def test_each_control_character_is_stripped_and_refused(character):
    assert without_control_characters(f"照片{character}说明") == "照片说明"
    assert safe(f"照片{character}说明") == "照片说明"
    with pytest.raises(ValidationError) as refused:
        refuse_control_characters(f"照片{character}说明")
    assert refused.value.code == "control_character"
    assert refused.value.messages == [REFUSED]


@pytest.mark.parametrize("text", ["照片说明", "第一行\n第二行", "甲\t乙", "回车\r\n换行", ""])
def test_ordinary_text_tabs_and_line_breaks_pass(text):
    assert without_control_characters(text) == text
    refuse_control_characters(text)  # no error
    assert safe(40) == 40 and safe(None) is None


ACTIVITY = {
    "position": "1",
    "held_at": "2021-04-10T09:30",
    "place": "社区文化广场",
    "form": ActivityForm.OTHER,
    "form_other": "快闪",
    "participants": "40",
    "caption": "集中宣讲现场",
}


def posted(values):
    data = QueryDict(mutable=True)
    data.update(values)
    return data


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["place", "form_other", "caption"])
def test_the_report_form_refuses_a_control_character_in_its_text(april, field):
    form = ActivityEntryForm(data=posted({**ACTIVITY, field: "照片\x0b说明"}), report=april)
    assert not form.is_valid()
    assert form.errors[field] == [REFUSED]
    clean = ActivityEntryForm(data=posted(ACTIVITY), report=april)
    assert clean.is_valid(), clean.errors


MEMBER = {"name": "林联络", "role": MemberRole.GRID_WORKER, "phone": "13900000000"}


@pytest.mark.django_db
@pytest.mark.parametrize("field", ["name", "phone"])
def test_the_team_form_refuses_a_control_character_in_a_member(field):
    form = MemberFormSet.form(data={**MEMBER, field: "139\x0c00000000"})
    assert not form.is_valid()
    assert form.errors[field] == [REFUSED]
    assert MemberFormSet.form(data=MEMBER).is_valid()


EXPORTS = {
    "month workbook": lambda r: (
        reverse("admin:reporting_monthlyreport_month_attachment2") + "?month=2021-04"
    ),
    "report workbook": lambda r: reverse("admin:reporting_monthlyreport_attachment2", args=[r.pk]),
    "activity list": lambda r: reverse("admin:reporting_activity_export"),
    "report list": lambda r: reverse("admin:reporting_monthlyreport_export"),
    "community list": lambda r: reverse("admin:communities_community_export"),
    "missing list": lambda r: (
        reverse("admin:reporting_monthlyreport_missing_xlsx") + "?month=2021-04"
    ),
    "quarter sheet": lambda r: reverse("scoring:quarter_xlsx", args=["2021Q2"]),
}


@pytest.mark.django_db
@pytest.mark.parametrize("export", EXPORTS.values(), ids=EXPORTS.keys())
def test_stored_control_characters_never_break_an_export(
    office,  # noqa: F811
    submitted,  # noqa: F811
    people,
    places,
    export,
):
    """Rows saved straight into the database (no form) export, cleaned, as text."""
    submitted.activities.filter(position=1).update(
        place="=广场\x0b东侧",
        caption="照片\x0b说明\x1f",
        form=ActivityForm.OTHER,
        form_other="快\x08闪",
    )
    MonthlyReport.objects.filter(pk=submitted.pk).update(return_reason="退回\x0c原因")
    # Typed before the rule: stored as it was, then the reason rewritten underneath.
    finding = submitted.mark_falsified(people["office"], "虚报照片")
    type(finding).objects.filter(pk=finding.pk).update(reason="虚报\x0b照片")
    for key in ("a", "b"):  # a has reported, b has not (the missing list)
        places[key].name = f"{places[key].name}\x0b"
        places[key].save()
    team = PropagandaTeam.objects.create(community=places["b"], established_on="2021-03-01")
    TeamMember.objects.create(
        team=team, name="林\x0b联络", role="网格员", phone="139\x0c0000", is_group_contact=True
    )
    response = office.get(export(submitted))
    assert response.status_code == 200
    content = b"".join(response.streaming_content) if response.streaming else response.content
    book = load_workbook(io.BytesIO(content))
    cells = [c for sheet in book for row in sheet.iter_rows() for c in row]
    texts = [c.value for c in cells if isinstance(c.value, str)]
    assert not [t for t in texts if CONTROL_CHARACTERS.search(t)]
    assert not [c.value for c in cells if c.data_type == "f"]
    assert not [name for name in book.sheetnames if CONTROL_CHARACTERS.search(name)]
    # The text is kept, only the invisible character is gone.
    assert any("甲社区" in t or "乙社区" in t for t in texts)


def _withdraw_with_a_control_character(report, by):
    report.mark_falsified(by, "照片重复").withdraw(by, "核实\x0c无误")


@pytest.mark.parametrize(
    ("action", "findings", "events_added"),
    [
        (lambda report, by: report.return_(by, "照片\x0b不清晰"), 0, 0),
        (lambda report, by: report.mark_falsified(by, "照片\x0b重复"), 0, 0),
        (_withdraw_with_a_control_character, 1, 1),  # the finding stands, not withdrawn
    ],
    ids=["return", "finding", "withdrawal"],
)
def test_the_offices_reasons_refuse_control_characters_too(
    action, findings, events_added, april, people
):
    """Refused by the report's own actions, whichever page or the admin calls them:
    nothing else changes."""
    april.submit(people["alice"], truth_confirmed=True)
    events = april.events.count()
    with pytest.raises(ValidationError, match="控制字符"):
        action(april, people["office"])
    april.refresh_from_db()
    assert april.state == "submitted"
    assert april.events.count() == events + events_added
    assert april.findings.filter(withdrawn_at__isnull=True).count() == findings
