"""The office's Excel files as a printer prints them (issue 10, "Excel that prints").

The files are downloaded as the office downloads them, printed to PDF by
LibreOffice's headless Calc (one run for all of them: its start-up is the slow
part) and read back page by page with poppler's pdfinfo and pdftotext. Each page
is also drawn to tests/screenshots/pdf-<file>-<page>.png for a person to look at.

- The month's Attachment 2: a community with three activities and their photos
  prints on one page.
- The activity list, over several pages: every page carries the whole header
  row, so no column went to a page of its own, and no long caption is cut off.
- The quarter's scores, sixteen communities, most with several deductions:
  every deduction line prints (a row too short cuts its last lines off) and
  every page carries the whole header row.
- Nothing in any of them is printed over something else.
- The activity list prints as a ruled table whose columns keep apart: no word on its
  pages runs from one cell into the next ("40集中宣讲现场", "09:30社区文化广场"), and
  its times read 2021-08-10 09:30.
"""

import io
import re
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from communities.models import Community, WorkPoint
from luoshan.management.commands.seed_demo import COMMUNITIES
from reporting.models import MonthlyReport
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import add_activity
from tests.scoring.conftest import q2  # noqa: F401 (a fixture)

pytestmark = [pytest.mark.slow, pytest.mark.django_db]

SOFFICE_SECONDS = 180
TOOLS = {
    "soffice": "libreoffice-calc-nogui",
    "pdfinfo": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdftoppm": "poppler-utils",
}
A4_LANDSCAPE = "841.89 x 595.304 pts (A4)"
# C's July as a community reports it: three activities, their photos beside them.
JULY_ACTIVITIES = (
    ("社区文化广场", "反诈宣传进广场，民警现场讲解常见诈骗手法", 3),
    ("辖区企业", "走进企业开展反诈讲座，指导员工安装国家反诈中心APP", 2),
    ("罗山中心小学", "“小手拉大手”反诈主题班会，向家长发放宣传册", 4),
)
LONG_CAPTION = "入户走访独居老人，讲解冒充公检法、养老诈骗等常见手法并留下联系卡"
ACTIVITY_LIST_ROWS = 90
# Points between the text of neighbouring cells on the activity list's printed page, at least:
# a space (2.7 pt there); a number set against the next column's text was 1.5 pt from it.
GAP_PT = 3
FALSIFIED = "照片与2021年4月报表重复使用，现场核查时社区无法提供活动签到表及其他原始记录"


@dataclass(frozen=True)
class Page:
    text: str  # pdftotext -raw: as LibreOffice drew it, a wrapped cell's lines together
    layout: str  # pdftotext -layout: a row of the sheet on one line
    words: list  # pdftotext -bbox: (left, top, right, bottom, word), in points


WORD = re.compile(
    r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]*)</word>'
)


def overprinted(words):
    """Pairs of words printed over each other, by more than a point each way. Text wrapped
    in a row too short for it runs on below the row (cut off on paper, still in the PDF)
    into the next row's."""
    ordered = sorted(words, key=lambda word: word[1])
    found = []
    for index, (left, _top, right, bottom, word) in enumerate(ordered):
        for other in ordered[index + 1 :]:
            if other[1] >= bottom:
                break
            across = min(right, other[2]) - max(left, other[0])
            if across > 1 and min(bottom, other[3]) - other[1] > 1:
                found.append((word, other[4]))
    return found


def as_printed(value):
    """A cell's value as the sheet prints it (the list's date and time formats)."""
    if isinstance(value, datetime):
        return f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, date):
        return f"{value:%Y-%m-%d}"
    return "" if value is None else str(value)


def beside(words):
    """Each printed word with the nearest word to its right on the same line."""
    for word in words:
        left, top, right, bottom, _text = word
        line = [
            other
            for other in words
            if other[0] > left
            and other[0] >= right - 1
            and min(bottom, other[3]) - max(top, other[1]) > (bottom - top) / 2
        ]
        if line:
            yield word, min(line, key=lambda other: other[0])


def touching(words, sheet):
    """Text of neighbouring cells that touches on paper: two words less than GAP_PT apart
    that are not one cell's text, or a word that is no cell's text at all (pdftotext reads
    text printed without a gap as one word). Gridlines do not print: without a gap, "40"
    and "集中宣讲现场" read "40集中宣讲现场"."""
    texts = {flat(as_printed(value)) for row in sheet.iter_rows(values_only=True) for value in row}
    texts.discard("")

    def in_one_cell(text):
        return any(text in cell for cell in texts)

    found = [word for *_box, word in words if not in_one_cell(word)]
    found += [
        f"{word[4]}|{right[4]}"
        for word, right in beside(words)
        if right[0] - word[2] < GAP_PT and not in_one_cell(word[4] + right[4])
    ]
    return sorted(set(found))


def tool(name):
    """The program's path; the test fails (it does not skip) on a machine without it."""
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: `make test` installs {TOOLS[name]} (Makefile)")
    return found


def run(name, *arguments):
    return subprocess.run(
        [tool(name), *map(str, arguments)], capture_output=True, text=True, check=True
    ).stdout


def print_to_pdf(files, folder):
    """{name: .xlsx bytes} printed by LibreOffice in one run: {name: [Page, ...]}.

    LibreOffice keeps a private profile under `folder`, so runs side by side (or
    as root) never share one.
    """
    (folder / "xlsx").mkdir()
    paths = [folder / "xlsx" / f"{name}.xlsx" for name in files]
    for path, content in zip(paths, files.values(), strict=True):
        path.write_bytes(content)
    printing = subprocess.run(
        [
            tool("soffice"),
            f"-env:UserInstallation={(folder / 'libreoffice-profile').as_uri()}",
            "--headless",
            "--norestore",
            "--convert-to",
            "pdf",
            "--outdir",
            folder / "pdf",
            *paths,
        ],
        capture_output=True,
        text=True,
        timeout=SOFFICE_SECONDS,
    )
    SCREENSHOTS.mkdir(exist_ok=True)
    printed = {}
    for name in files:
        pdf = folder / "pdf" / f"{name}.pdf"
        assert pdf.exists(), f"LibreOffice printed no {name}: {printing.stdout}{printing.stderr}"
        info = run("pdfinfo", pdf)
        assert A4_LANDSCAPE in info, f"{name} is not on A4 landscape: {info}"
        for old in SCREENSHOTS.glob(f"pdf-{name}-*.png"):
            old.unlink()
        run("pdftoppm", "-r", "60", "-png", pdf, SCREENSHOTS / f"pdf-{name}")
        count = int(re.search(r"^Pages:\s+(\d+)$", info, re.MULTILINE)[1])
        printed[name] = [
            Page(
                text=run("pdftotext", "-raw", "-f", n, "-l", n, pdf, "-"),
                layout=run("pdftotext", "-layout", "-f", n, "-l", n, pdf, "-"),
                words=[
                    (*map(float, box[:4]), box[4])
                    for box in WORD.findall(run("pdftotext", "-bbox", "-f", n, "-l", n, pdf, "-"))
                ],
            )
            for n in range(1, count + 1)
        ]
    return printed


def flat(text):
    """Text without its spaces and line breaks: a wrapped cell reads as one string."""
    return re.sub(r"\s+", "", text)


def downloaded(response):
    """The file's bytes, as the browser saves them."""
    assert response.status_code == 200, response
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def filed(plan, month, community, staff, activities):
    """A report filed with `activities` (place, caption, number of photos), on time."""
    report = MonthlyReport.start(community.pk, plan, month, by=staff)
    for position, (place, caption, photos) in enumerate(activities, start=1):
        activity = add_activity(report, staff, photos=photos)
        activity.place, activity.caption, activity.position = place, caption, position
        activity.save()
    report.submit(staff, truth_confirmed=True, at=plan.late_from(month) - timedelta(days=2))
    return report


def july_attachment2(office, plan, places, people):
    """July 2021: C's three activities; A and B report too, A with a caption of 120
    characters, B one activity with nine photos (three rows of them)."""
    filed(plan, 7, places["c"], people["office"], JULY_ACTIVITIES)
    filed(plan, 7, places["a"], people["alice"], [("社区文化广场", "反诈宣传" * 30, 1)])
    filed(plan, 7, places["b"], people["bob"], [("辖区企业", "企业宣讲", 9)])
    url = reverse("admin:reporting_monthlyreport_month_attachment2") + "?month=2021-07"
    return downloaded(office.get(url))


def activity_list(office, plan, places, people):
    """Autumn's drafts of A, B and C, ACTIVITY_LIST_ROWS activities, every seventh
    with a caption too long for its column."""
    reports = [
        MonthlyReport.start(places[c].pk, plan, month, by=people["office"])
        for month in (8, 9, 10)
        for c in ("a", "b", "c")
    ]
    for n in range(ACTIVITY_LIST_ROWS):
        activity = add_activity(reports[n % len(reports)], people["office"], photos=0)
        activity.position = n // len(reports) + 1
        activity.caption = LONG_CAPTION if n % 7 == 0 else activity.caption
        activity.save()
    return downloaded(office.get(reverse("admin:reporting_activity_export")))


def quarter_scores(office, q2, people):  # noqa: F811
    """Q2 2021 with Luoshan's communities as seed_demo names them, none of which
    reported, and two reports of q2 found falsified."""
    for position, (point, names) in enumerate(COMMUNITIES.items(), start=1):
        work_point = WorkPoint.objects.get_or_create(name=point, defaults={"position": position})
        for name in names:
            Community.objects.create(name=name, work_point=work_point[0])
    q2["a", 5].mark_falsified(people["office"], FALSIFIED)
    q2["b", 6].mark_falsified(people["office"], "活动参加人数虚报，实际不足十人")
    return downloaded(office.get(reverse("scoring:quarter_xlsx", args=["2021Q2"])))


def sheet_of(content):
    return load_workbook(io.BytesIO(content)).active


def test_the_office_files_print_as_forms(office, plan, places, people, q2, tmp_path, subtests):  # noqa: F811
    for program in TOOLS:
        tool(program)
    files = {
        "attachment2-2021-07": july_attachment2(office, plan, places, people),
        "activities": activity_list(office, plan, places, people),
        "scores-2021Q2": quarter_scores(office, q2, people),
    }
    printed = print_to_pdf(files, tmp_path)

    with subtests.test("Attachment 2: three activities with photos print on one page"):
        pages = [flat(page.text) for page in printed["attachment2-2021-07"]]
        # A community's sheet starts on the page that names it in its header.
        starts = {
            c.name: [n for n, text in enumerate(pages) if f"社区（盖章）：{c.name}" in text][0]
            for c in (places["a"], places["b"], places["c"])
        }
        start = starts["丙社区"]
        end = min([s for s in starts.values() if s > start], default=len(pages))
        assert end - start == 1, f"丙社区 prints on {end - start} pages, from page {start + 1}"
        assert all(flat(caption) in pages[start] for _place, caption, _n in JULY_ACTIVITIES)

    for name, header_row in (("activities", 2), ("scores-2021Q2", 3)):
        with subtests.test(f"{name}: the whole header row on every page"):
            headers = "".join(flat(cell.value) for cell in sheet_of(files[name])[header_row])
            pages = printed[name]
            assert len(pages) >= 2, f"{name}: {len(pages)} page, too few to tell"
            lacking = [
                n
                for n, page in enumerate(pages, start=1)
                if headers not in {flat(line) for line in page.layout.splitlines()}
            ]
            assert not lacking, f"{name}: pages {lacking} lack the header row {headers}"

    for name, pages in printed.items():
        with subtests.test(f"{name}: no text printed over other text"):
            spilled = {n: overprinted(page.words) for n, page in enumerate(pages, start=1)}
            assert not any(spilled.values()), f"{name}: {spilled}"

    activities = sheet_of(files["activities"])
    with subtests.test("Activity list: the text of neighbouring cells never touches"):
        joined = {
            n: touching(page.words, activities)
            for n, page in enumerate(printed["activities"], start=1)
        }
        assert not any(joined.values()), f"text of neighbouring cells touching, by page: {joined}"

    with subtests.test("Activity list: every time prints as 2021-08-10 09:30"):
        held_at = [cell.value for cell in activities[2]].index("时间")
        rows = activities.iter_rows(min_row=3, values_only=True)
        times = {as_printed(row[held_at]) for row in rows}
        printed_text = flat("".join(page.text for page in printed["activities"]))
        unprinted = sorted(time for time in times if flat(time) not in printed_text)
        assert not unprinted, f"times not printed as yyyy-mm-dd hh:mm: {unprinted}"

    with subtests.test("Activity list: a long caption prints whole"):
        printed_text = flat("".join(page.text for page in printed["activities"]))
        assert printed_text.count(LONG_CAPTION) == len(range(0, ACTIVITY_LIST_ROWS, 7))

    with subtests.test("Scores: every deduction line prints, none cut off"):
        sheet = sheet_of(files["scores-2021Q2"])
        items = [row[4] for row in sheet.iter_rows(min_row=4, values_only=True)]
        lines = [line for cell in items if cell for line in cell.split("\n")]
        assert any(FALSIFIED in line for line in lines)
        printed_text = flat("".join(page.text for page in printed["scores-2021Q2"]))
        cut = [line for line in lines if flat(line) not in printed_text]
        assert not cut, f"deduction lines not printed whole: {cut}"
