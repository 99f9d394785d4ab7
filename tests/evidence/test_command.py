"""`manage.py evidence_flags YYYY-MM`: a month's flags, most serious first, as JSON or a
Chinese table; `--recheck` runs the checks first (E5)."""

import io
import json

import pytest
from django.core.management import CommandError, call_command

from core.text import terminal_width as width
from evidence.models import Flag, FlagKind
from reporting.models import ActivityPhoto
from tests.evidence.conftest import checked, file_report, jpeg, picture, scene

pytestmark = pytest.mark.django_db

CAPTION = "组织辖区居民观看反诈骗宣传片并讲解典型案例"


def run(*args):
    out = io.StringIO()
    call_command("evidence_flags", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def reused(plan, places, people):
    """A's April and B's May share a photo (taken in April) and a caption; May also has
    a photo without a capture time."""
    same = checked(jpeg(scene(5), taken="2021:04:10 09:31:00"), "现场.jpg")
    april = file_report(
        plan, places["a"], 4, people["alice"], {"photos": [same], "caption": CAPTION}
    )
    may = file_report(
        plan,
        places["b"],
        5,
        people["bob"],
        {"photos": [same, picture(7, taken=None)], "caption": CAPTION},
    )
    return april, may


def test_json_lists_the_months_flags_most_serious_first(reused):
    april, may = reused
    records = json.loads(run("2021-05", "--format", "json"))
    assert [r["kind"] for r in records] == [
        "photo_reused",
        "caption_reused",
        "photo_date_mismatch",
        "photo_no_metadata",
    ]
    may_report = {"id": may.pk, "community": "乙社区", "month": "2021-05"}
    april_report = {"id": april.pk, "community": "甲社区", "month": "2021-04"}
    photo, caption, date, _ = records
    earlier = ActivityPhoto.objects.get(activity__report=april)
    later = ActivityPhoto.objects.get(activity__report=may, sha256=earlier.sha256)
    assert photo == {
        "kind": "photo_reused",
        "report": may_report,
        "activity": later.activity_id,
        "photo": later.pk,
        "detail": "与甲社区 2021年04月报表活动1的照片“现场.jpg”是同一文件。",
        "status": "open",
        "matches": {"photo": earlier.pk, "report": april_report, "distance": 0, "identical": True},
    }
    assert caption["matches"] == {"activity": earlier.activity_id, "report": april_report}
    assert caption["photo"] is None
    assert caption["detail"] == "图片说明和地点与甲社区 2021年04月报表的活动1相同。"
    assert date["matches"] is None
    assert "2021-04-10 09:31" in date["detail"]


def test_a_dismissed_flag_is_listed_as_dismissed(reused, people):
    Flag.objects.get(kind=FlagKind.PHOTO_NO_METADATA, report=reused[1]).dismiss(
        people["office"], "手机设置不保存拍摄时间"
    )
    records = json.loads(run("2021-05", "--format", "json"))
    assert [r["status"] for r in records] == ["open", "open", "open", "dismissed"]


def test_a_finding_answers_the_reports_flags(reused, people):
    """E1: once the office finds the report falsified, its flags wait for nothing more."""
    reused[1].mark_falsified(people["office"], "照片重复使用")
    records = json.loads(run("2021-05", "--format", "json"))
    assert [r["status"] for r in records] == ["answered"] * 4
    assert "已认定弄虚作假" in run("2021-05").splitlines()[2]


def test_the_text_is_a_chinese_table(reused):
    lines = run("2021-05").splitlines()
    assert lines[0] == "2021-05的疑点：共 4 个，4 个未排除。"
    assert lines[1].split() == ["类型", "报表", "活动", "照片", "状态", "详情"]
    assert lines[2].startswith("照片重复使用")
    assert "乙社区 2021年05月" in lines[2]
    assert "未排除" in lines[2]
    assert lines[2].endswith("与甲社区 2021年04月报表活动1的照片“现场.jpg”是同一文件。")
    # The columns line up in a terminal, where a Chinese character takes two columns.
    assert len({width(line[: line.index("未排除")]) for line in lines[2:]}) == 1


def test_a_month_without_flags(plan):
    assert json.loads(run("2021-08", "--format", "json")) == []
    assert run("2021-08").strip() == "2021-08没有疑点。"
    assert run("1999-01").strip() == "1999-01没有疑点。"


def test_recheck_runs_the_checks_first(plan, places, people):
    """Reports received while the checks did not run (or before a threshold changed)."""
    same = checked(jpeg(scene(5)))
    for community, staff, month in (("a", "alice", 4), ("b", "bob", 5)):
        report = file_report(
            plan, places[community], month, people[staff], {"photos": [same]}, submit=False
        )
        report.submit(people[staff], truth_confirmed=True)
    assert json.loads(run("2021-05", "--format", "json")) == []
    records = json.loads(run("2021-05", "--format", "json", "--recheck"))
    assert "photo_reused" in [r["kind"] for r in records]


@pytest.mark.parametrize("month", ["2021-13", "2021-00", "2021/04", "2021-4", "四月", ""])
def test_a_bad_month_is_refused_in_chinese(month, db):
    with pytest.raises(CommandError, match="不是月份，请按YYYY-MM的格式填写，例如2021-04"):
        run(month)
