"""The draft of the year's summary (年度工作总结（草稿）) as a Word document, in the layout of
the circulars (publishing.documents.OfficialDocument, GB/T 9704), from the year's figures
(publishing.year.YearFigures) only.

It says the year in figures, in prose and tables: the activities, participants and photos
of the communities and the units, and their forms; the reports' on-time rate and each
community's deductions by quarter; the fraud cases and losses by month against the year
before (over the months entered in both). Then the sections the office writes in Word,
headed, each with a bracketed hint of what goes there (in 楷体, to be replaced): 主要做法,
存在问题, 下一步工作. At the foot the office and today's date.

Participants are the people reached in person; the carriers' warning SMS (Measure.SMS) are
said apart, in batches and recipients. Numbers: prose writes 10,000 and more in 万 with one
decimal ("152.1万人次", "1028万元"), less as they are ("8141人次"); tables write every
number whole, grouped by thousands ("1,520,994"), and yuan as the portal's cases pages do
("10,279,800", "1,200.50").

Text in the document is Chinese, as official documents are; it is not the portal's UI.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from duties.cases_rules import yuan
from publishing.documents import (
    DEFAULT_ISSUER,
    NUMERALS,
    SUBHEADING_FONT,
    OfficialDocument,
    chinese_date,
    chinese_number,
)
from reporting.models import ActivityForm
from reporting.periods import local
from reporting.resources import labels

DRAFT = "（草稿）"
NOT_ENTERED = "未录入"
TEXT_MM = 156  # the text block's width: every table fills it
OFFICE_WRITES = (
    (
        "主要做法",
        "（请综治办填写：全年宣传工作的主要做法和特色亮点，如组织方式、宣传阵地、部门联动等。）",
    ),
    ("存在问题", "（请综治办填写：工作中存在的不足和困难，如月报报送不及时、宣传覆盖不均衡等。）"),
    ("下一步工作", "（请综治办填写：下一年度的工作打算和改进措施。）"),
)


def summary_title(year):
    return f"罗山街道{year}年度反诈骗宣传工作总结"


def summary_file_name(year):
    return f"{year}年度工作总结（草稿）.docx"


def summary_docx(figures, *, issuer=DEFAULT_ISSUER, day=None):
    """The draft as .docx bytes, dated `day` (today)."""
    day = day or timezone.localdate()
    writer = OfficialDocument(issuer)
    title = summary_title(figures.year)
    writer.frame("", title, final=False, mark=DRAFT)
    writer.paragraph(
        f"{figures.year}年，罗山街道按照《{figures.year}年罗山街道防范电信网络诈骗工作方案》"
        "的部署，组织各社区、各相关单位开展反诈骗宣传工作。现将全年工作总结如下"
        f"（数据截至{chinese_date(local(figures.at).date())}）："
    )
    sections = [
        ("宣传活动开展情况", _activities),
        ("月报报送及考评情况", _reports),
        ("发案情况", _cases),
    ]
    for number, (heading, write) in enumerate(sections):
        writer.heading(f"{NUMERALS[number]}、{heading}")
        write(writer, figures)
    for number, (heading, hint) in enumerate(OFFICE_WRITES, start=len(sections)):
        writer.heading(f"{NUMERALS[number]}、{heading}")
        writer.paragraph(hint, font=SUBHEADING_FONT)  # the office writes here
    writer.foot(issuer, day)
    return writer.save(title=f"{figures.year}年度工作总结（草稿）", day=day)


def _widths(*fixed):
    """The first column takes what the others leave of the text block."""
    return (TEXT_MM - sum(fixed), *fixed)


def many(n):
    """A number as prose writes it: 10,000 and more in 万 with one decimal ("152.1万",
    "1028万"), less as it is ("8141", yuan "1200.50")."""
    if abs(n) >= 10000:
        wan = (Decimal(n) / 10000).quantize(Decimal("0.1"), ROUND_HALF_UP)
        return f"{wan:f}".removesuffix(".0") + "万"
    return yuan(n).replace(",", "") if isinstance(n, Decimal) else str(n)


def grouped(n):
    """A number as a table writes it: grouped by thousands ("1,520,994")."""
    return f"{n:,}"


def _forms(tally):
    """The three forms most held, with their counts; 其他 (Other) is no form to name."""
    names = labels(ActivityForm)
    named = [(form, n) for form, n in tally.forms if form != ActivityForm.OTHER]
    return "、".join(f"{names.get(form, form)}（{many(n)}次）" for form, n in named[:3])


def _activities(writer, figures):
    communities, units = figures.community_tally, figures.unit_tally
    text = (
        f"全年各社区开展反诈骗宣传活动{many(communities.activities)}次，参加群众"
        f"{many(communities.participants)}人次，报送活动照片{many(communities.photos)}张；"
        f"各相关单位开展宣传活动{many(units.activities)}次，参加{many(units.participants)}"
        f"人次，照片{many(units.photos)}张"
    )
    if units.sms_batches or units.sms_recipients:
        text += (
            f"；通信运营商发送反诈预警短信{many(units.sms_batches)}批次，"
            f"接收{many(units.sms_recipients)}人次"
        )
    text += "。"
    if _forms(figures.tally):
        text += f"开展形式以{_forms(figures.tally)}为主。"
    writer.paragraph(text)
    writer.subheading(f"（{chinese_number(1)}）各社区开展情况")
    writer.table(
        ("社区", "工作点", "活动次数", "参加人数", "照片"),
        _widths(30, 24, 26, 24),
        [(row.name, row.work_point, *_counts(row.tally)) for row in figures.communities]
        + [("合计", "", *_counts(communities))],
    )
    writer.subheading(f"（{chinese_number(2)}）各单位开展情况")
    writer.table(
        ("单位", "活动次数", "参加人数", "照片", "短信批次", "短信接收人数"),
        _widths(20, 22, 16, 20, 30),
        [(row.name, *_counts(row.tally), *_sms(row.tally, row.sends_sms)) for row in figures.units]
        + [("合计", *_counts(units), *_sms(units, True))],
    )
    writer.subheading(f"（{chinese_number(3)}）开展形式")
    by_community, by_unit = dict(communities.forms), dict(units.forms)
    writer.table(
        ("开展形式", "社区活动", "单位活动"),
        _widths(36, 36),
        [
            (str(label), by_community.get(form, 0), by_unit.get(form, 0))
            for form, label in ActivityForm.choices
            if by_community.get(form) or by_unit.get(form)
        ]
        + [("合计", communities.activities, units.activities)],
    )


def _counts(tally):
    return grouped(tally.activities), grouped(tally.participants), grouped(tally.photos)


def _sms(tally, sends_sms):
    """A carrier's SMS batches and recipients; — for a unit that sends none."""
    return (grouped(tally.sms_batches), grouped(tally.sms_recipients)) if sends_sms else ("—", "—")


def _rate(rate):
    return "—" if rate.percent is None else f"{rate.percent:g}%"


def _reports(writer, figures):
    rate = figures.rate
    if rate.due:
        writer.paragraph(
            f"截至目前，各社区应报送月报{rate.due}份，按时报送{rate.on_time}份，"
            f"按时报送率{_rate(rate)}。"
        )
    else:
        writer.paragraph("本年度尚无到期的月报。")
    if figures.quarters:
        each = "、".join(
            f"{q.year}年第{NUMERALS[q.number - 1]}季度{figures.quarter_deducted(n)}分"
            for n, q in enumerate(figures.quarters)
        )
        writer.paragraph(
            f"按《方案》考评，各社区全年共扣{figures.deducted}分，其中{each}。各社区情况如下："
        )
    quarters = [f"第{NUMERALS[q.number - 1]}季度扣分" for q in figures.quarters]
    writer.table(
        ("社区", "按时报送", "按时率", *quarters, "全年扣分"),
        _widths(18, 18, *([17] * len(quarters)), 17),
        [
            (
                row.name,
                f"{row.rate.on_time}/{row.rate.due}",
                _rate(row.rate),
                *row.deductions,
                row.deducted,
            )
            for row in figures.communities
        ]
        + [
            (
                "合计",
                f"{rate.on_time}/{rate.due}",
                _rate(rate),
                *(figures.quarter_deducted(n) for n in range(len(figures.quarters))),
                figures.deducted,
            )
        ],
    )


def _yuan(amount):
    """Yuan in a table, as the cases pages write them: "10,279,800", "1,200.50"."""
    return yuan(amount)


def _months(months):
    """ "1—6月", "1—3、5月": the months, runs joined."""
    runs, start = [], None
    for index, month in enumerate(months):
        if start is None:
            start = month
        if index + 1 == len(months) or months[index + 1] != month + 1:
            runs.append(str(start) if start == month else f"{start}—{month}")
            start = None
    return "、".join(runs) + "月"


def _more_or_less(change, unit):
    if change > 0:
        return f"增加{many(change)}{unit}"
    if change < 0:
        return f"减少{many(-change)}{unit}"
    return "持平"


def _cases(writer, figures):
    total = figures.cases_total
    if total is None:
        writer.paragraph("本年度尚未录入发案数据。")
        return
    text = (
        f"据派出所警情通报，已录入{_months(figures.cases_entered)}发案数据，"
        f"共发生诈骗案件{many(total.cases)}起，群众损失{many(total.losses)}元。"
    )
    comparison = figures.comparison
    if comparison:
        change = comparison.losses_change
        losses = f"{'增加' if change > 0 else '减少'}{many(abs(change))}元" if change else "持平"
        text += (
            f"与上年同期（{_months(comparison.months)}）相比，案件"
            f"{_more_or_less(comparison.change, '起')}（上年同期{many(comparison.last_cases)}起），"
            f"损失{losses}。"
        )
    else:
        text += "上年同期无可比数据。"
    writer.paragraph(text)
    rows = []
    for m in figures.months:
        this, last = m.cases, m.last_cases
        rows.append(
            (
                f"{m.month}月",
                NOT_ENTERED if this is None else grouped(this.cases),
                NOT_ENTERED if this is None else _yuan(this.losses),
                NOT_ENTERED if last is None else grouped(last.cases),
                NOT_ENTERED if last is None else _yuan(last.losses),
            )
        )
    last_total = figures.last_cases_total
    rows.append(
        (
            "合计",
            grouped(total.cases),
            _yuan(total.losses),
            *(
                ("—", "—")
                if last_total is None
                else (grouped(last_total.cases), _yuan(last_total.losses))
            ),
        )
    )
    writer.table(
        ("月份", "发案数", "损失（元）", "上年发案数", "上年损失（元）"),
        _widths(26, 38, 28, 38),
        rows,
    )
