"""Reading the Attachment 2 sheets communities made in Excel before the portal.

Only reading, no database: each worksheet becomes a `Sheet` with its header
(社区（盖章）, 报送时间), its activity rows as they will be stored, and what is
wrong with it, each problem naming the sheet, the Excel row and the column
header as the clerk sees them. `reporting.imports` then holds the sheets
against the database and writes them, all or nothing.

Clerks made these files by hand, so the reader takes what they really wrote:
full- or half-width brackets and colons, spaced header words ("序  号"), the
seed's header line in one cell or label and value in two, dates as Excel dates,
Excel serial numbers, 2021年4月15日, 2021.4.18, 2021-04-15 10:00 or 4月15日 (the
year then comes from the title or from 报送时间). What it cannot take for sure
(参加人数 "约50人", a date it cannot read) is refused with the cell named, never
guessed.
"""

import io
import re
import unicodedata
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time

import openpyxl
from django.utils.translation import gettext as _
from openpyxl.utils.datetime import from_excel

from core.text import without_control_characters
from reporting.models import Activity, ActivityForm
from reporting.periods import LOCAL

# The form's six columns, under the names clerks gave them.
COLUMN_NAMES = {
    "position": ("序号", "编号"),
    "held_at": ("时间", "活动时间", "开展时间", "日期", "活动日期"),
    "place": ("地点", "活动地点", "开展地点"),
    "form": ("开展形式", "活动形式", "形式"),
    "participants": ("参加人数", "参与人数", "人数"),
    "caption": ("图片说明", "照片说明", "说明"),
}
CONTENT = ("held_at", "place", "form", "participants", "caption")
MAX_SHEETS = 100
MAX_ROWS = 2000  # rows read per sheet; a month's form has a handful

# Labels of the header line, with any spaces between their characters ("报 送 时 间").
COMMUNITY_LABEL = re.compile(r"社\s*区\s*(?:\(\s*盖\s*章\s*\)\s*:?|名\s*称\s*:|:)")
SUBMITTED_LABEL = re.compile(r"报\s*送\s*(?:时\s*间|日\s*期)\s*:?")
# Spaces may stand between the parts, and separate the day from the time: squashing
# them would read 2021-5-1 16:30 as the 11th at 6:30.
FULL_DATE = re.compile(
    r"(\d{4})\s*[年/.\-]\s*(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?"
    r"\s*(?:(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*分?)?"
)
MONTH_DAY = re.compile(
    r"(\d{1,2})\s*[月/.\-]\s*(\d{1,2})\s*日?\s*(?:(\d{1,2})\s*[:时点]\s*(\d{1,2})?\s*分?)?"
)
TITLE_YEAR = re.compile(r"(\d{4})年")
SEPARATOR = "\x1f"  # between the cells of a header line


class NotAWorkbook(ValueError):
    """The file is not an .xlsx workbook; the message says what to do."""


def squash(value):
    """Text as compared: half-width (NFKC turns （：into (:), no spaces at all."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", str(value)))


def normal(value):
    """Text as read: half-width, each run of spaces one space."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", str(value))).strip()


def clean(value):
    """A cell's text as stored: no control characters, no spaces around it."""
    return without_control_characters(str(value)).strip() if value is not None else ""


@dataclass(frozen=True)
class Problem:
    """What is wrong, where the clerk will find it in Excel."""

    sheet: str
    row: int | None
    column: str
    message: str


@dataclass
class Row:
    """One activity as it will be stored, with the Excel row it came from."""

    excel_row: int
    held_at: datetime
    place: str
    form: str
    form_other: str
    participants: int
    caption: str
    day_only: bool
    position: int  # its 序号 once stored: the order of the sheet's good lines

    def activity(self, report):
        return Activity(
            report=report,
            position=self.position,
            held_at=self.held_at,
            place=self.place,
            form=self.form,
            form_other=self.form_other,
            participants=self.participants,
            caption=self.caption,
        )

    @property
    def form_label(self):
        return self.form_other or ActivityForm(self.form).label


@dataclass
class Line:
    """An activity line of the sheet as the clerk typed it, and what became of it."""

    excel_row: int
    typed: dict  # column name → the cell's text
    row: Row | None = None  # what will be stored; None when the line has problems
    problems: list = field(default_factory=list)
    held_at: datetime | None = None  # its day, when it could be read


@dataclass
class Sheet:
    """One worksheet as read: a community's month, or why it is not one."""

    title: str
    community_name: str = ""
    submitted_at: datetime | None = None
    header_row: int | None = None
    rows: list = field(default_factory=list)  # the Rows to store, in order
    lines: list = field(default_factory=list)  # every activity line, with its problems
    problems: list = field(default_factory=list)
    skipped: str = ""  # why the sheet is not a report at all (an empty or an instructions sheet)
    submitted_row: int | None = None
    submitted_day_only: bool = False
    year_hint: int | None = None  # the year in the title (2021年4月…报表), for dates without one

    def problem(self, row, column, message):
        problem = Problem(self.title, row, column, message)
        self.problems.append(problem)
        for line in self.lines:
            if line.excel_row == row:
                line.problems.append(problem)

    @property
    def first_day(self):
        """The day of the first line whose day could be read, even a line with problems."""
        return next((line.held_at for line in self.lines if line.held_at), None)


def open_workbook(content):
    """An uploaded .xlsx file opened to read (the caller closes it). Raises NotAWorkbook,
    saying what to do, for an old .xls or anything else."""
    if content[:4] == b"\xd0\xcf\x11\xe0":
        raise NotAWorkbook(
            _(
                "This is an old Excel file (.xls). Open it in Excel, save it as "
                "“Excel 工作簿 (*.xlsx)” and upload that file."
            )
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, TypeError) as error:
        raise NotAWorkbook(
            _("This file is not an Excel workbook (.xlsx). Please choose the Excel file.")
        ) from error


def read_workbook(content):
    """Every sheet of an uploaded .xlsx file, read. Raises NotAWorkbook."""
    book = open_workbook(content)
    try:
        if len(book.worksheets) > MAX_SHEETS:
            raise NotAWorkbook(
                _("The workbook has more than %(count)d sheets; split it into smaller files.")
                % {"count": MAX_SHEETS}
            )
        return [read_sheet(sheet) for sheet in book.worksheets]
    finally:
        book.close()


def read_sheet(worksheet):
    sheet = Sheet(title=worksheet.title)
    worksheet.reset_dimensions()  # some programs write a wrong used range; read every cell
    header_lines = []
    columns = None  # field → (0-based index, the header as written)
    for number, row in enumerate(worksheet.iter_rows(values_only=True, max_row=MAX_ROWS), 1):
        cells = [c for c in row if c is not None and str(c).strip()]
        if not cells:
            continue
        if columns is None:
            columns = header_columns(row)
            if columns is None:
                header_lines.append((number, row))
            else:
                sheet.header_row = number
                read_header_lines(sheet, header_lines)
                check_columns(sheet, number, columns)
            continue
        if squash(cells[0]).startswith(("备注", "注:", "填表说明")):
            break
        values = {
            name: row[index] if index < len(row) else None for name, (index, _) in columns.items()
        }
        if all(clean(values.get(name)) == "" for name in CONTENT):
            continue  # a blank row of the form, perhaps with its 序号 printed
        read_row(sheet, number, values, {name: heading for name, (_, heading) in columns.items()})
    if columns is None:
        sheet.skipped = (
            _("empty sheet")
            if not header_lines
            else _("no header row (序号, 时间, 地点, 开展形式, 参加人数, 图片说明) was found")
        )
    elif not sheet.rows and not any(p.row > sheet.header_row for p in sheet.problems):
        # The blank form (报送时间：2021年 月 日): nothing to import, nothing to correct.
        sheet.skipped, sheet.problems = _("the form has no activity rows"), []
    return sheet


def header_columns(row):
    """The columns of the form's header row, or None if `row` is not that row."""
    found = {}
    for index, cell in enumerate(row):
        text = re.sub(r"\(.*?\)$", "", squash(cell)) if cell is not None else ""
        for name, spellings in COLUMN_NAMES.items():
            if text in spellings and name not in found:
                found[name] = (index, clean(cell))
    return found if len(found) >= 3 else None


def check_columns(sheet, number, columns):
    for name in CONTENT:
        if name not in columns:
            sheet.problem(
                number,
                COLUMN_NAMES[name][0],
                _("the header row has no “%(column)s” column") % {"column": COLUMN_NAMES[name][0]},
            )


def read_header_lines(sheet, lines):
    """社区（盖章） and 报送时间 from the lines above the header row, wherever they are."""
    year_hint = None
    for number, row in lines:
        line = SEPARATOR.join(normal(c) for c in row if c is not None and str(c).strip())
        community = label_value(line, COMMUNITY_LABEL)
        submitted = label_value(line, SUBMITTED_LABEL)
        if community:
            sheet.community_name = community
        if submitted:
            when = parse_when(submitted, year_hint)
            if when is None:
                sheet.problem(
                    number,
                    "报送时间",
                    _("报送时间 “%(value)s” is not a date") % {"value": submitted},
                )
            else:
                sheet.submitted_at, sheet.submitted_day_only = when
            sheet.submitted_row = number
        elif community is None and (match := TITLE_YEAR.search(line)):
            year_hint = int(match.group(1))
    sheet.year_hint = year_hint
    if not sheet.community_name:
        sheet.problem(
            lines[-1][0] if lines else sheet.header_row,
            "社区（盖章）",
            _("the header does not name the community (社区（盖章）：…)"),
        )
    if sheet.submitted_at is None and not any(p.column == "报送时间" for p in sheet.problems):
        sheet.problem(
            lines[-1][0] if lines else sheet.header_row,
            "报送时间",
            _("the header has no 报送时间 (报送时间：2021年5月1日)"),
        )


def label_value(line, label):
    """The text after `label` up to the next label or cell with text; None without the label."""
    match = label.search(line)
    if match is None:
        return None
    rest = line[match.end() :]
    stop = min(
        (m.start() for m in (COMMUNITY_LABEL.search(rest), SUBMITTED_LABEL.search(rest)) if m),
        default=len(rest),
    )
    tokens = [t.strip(": ") for t in rest[:stop].split(SEPARATOR)]
    return next((t for t in tokens if t), "")


def parse_when(value, year_hint, month_year=None):
    """(a time in Luoshan, whether it had only a day) from a cell, or None.

    `month_year` gives the year for a date written without one (4月15日).
    """
    if isinstance(value, datetime):
        return value.replace(tzinfo=value.tzinfo or LOCAL), value.time() == time(0)
    if isinstance(value, date):
        return datetime.combine(value, time(0), LOCAL), True
    if isinstance(value, int | float) and not isinstance(value, bool):
        if not 20000 < value < 80000:  # 1954–2119: an Excel date, not a count
            return None
        when = from_excel(value)
        return when.replace(tzinfo=LOCAL), when.time() == time(0)
    text = normal(value)
    parts = None
    if match := FULL_DATE.search(text):
        parts = [int(g) if g else 0 for g in match.groups()]
    elif (match := MONTH_DAY.fullmatch(text)) and (month_year or year_hint):
        month, day, hour, minute = (int(g) if g else 0 for g in match.groups())
        parts = [month_year(month) if month_year else year_hint, month, day, hour, minute]
    if parts is None:
        return None
    try:
        return datetime(*parts, tzinfo=LOCAL), parts[3] == parts[4] == 0
    except ValueError:
        return None


def read_row(sheet, number, values, headings):
    def problem(name, message):
        sheet.problem(number, headings.get(name, COLUMN_NAMES[name][0]), message)

    def year_for(month):
        """A date without a year: the title's year, else the year it was reported in."""
        if sheet.year_hint:
            return sheet.year_hint
        if sheet.submitted_at:
            sent = sheet.submitted_at
            return sent.year - 1 if month > sent.month else sent.year
        return None

    sheet.lines.append(line := Line(number, {name: clean(value) for name, value in values.items()}))
    raw = values["held_at"]
    when = parse_when(raw, None, month_year=year_for) if clean(raw) else None
    line.held_at = when and when[0]
    if when is None:
        problem(
            "held_at",
            _("“%(value)s” is not a date; write it as 2021年4月15日 or 2021-04-15 09:30")
            % {"value": clean(raw)}
            if clean(raw)
            else _("the time is empty"),
        )
    participants = clean(values["participants"])
    try:
        count = float(participants)
        if count != int(count) or count < 1:
            raise ValueError
    except ValueError:
        count = None
        problem(
            "participants",
            _("“%(value)s” is not a number of people; write only the number, e.g. 50")
            % {"value": participants}
            if participants
            else _("the number of participants is empty"),
        )
    texts = {}
    for name, limit in (("place", 100), ("form", 50), ("caption", 200)):
        texts[name] = clean(values[name])
        heading = headings.get(name, COLUMN_NAMES[name][0])
        if not texts[name]:
            problem(name, _("“%(column)s” is empty") % {"column": heading})
        elif len(texts[name]) > limit:
            problem(
                name,
                _("“%(column)s” is longer than %(limit)d characters")
                % {"column": heading, "limit": limit},
            )
    if line.problems:
        return
    known = texts["form"] in ActivityForm.values and texts["form"] != ActivityForm.OTHER
    form = texts["form"] if known else ActivityForm.OTHER
    line.row = Row(
        excel_row=number,
        held_at=when[0],
        place=texts["place"],
        form=form,
        form_other="" if known else texts["form"],
        participants=int(count),
        caption=texts["caption"],
        day_only=when[1],
        position=len(sheet.rows) + 1,
    )
    sheet.rows.append(line.row)
