"""A month of fraud cases in Excel: the template the police station downloads (every community
listed, what is recorded already filled in), and the filled template read back.

As reporting.imports does for the old Attachment 2 sheets: the file is read without touching
the database's figures (`read_template`), every problem named by its Excel row and cell in
the clerk's words; the preview (`preview`) holds it against what is recorded (new, changed,
unchanged); nothing is written until the person confirms, and the confirmation writes all
of it or nothing through duties.cases_records.record_month, which refuses it if the figures
changed after the preview. The preview's figures travel signed in the page (`signed_plan`),
so no upload is kept on the server.
"""

import io
from dataclasses import dataclass, field

import openpyxl
from django.core import signing
from django.utils.translation import gettext as _
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheets import FONT, write
from duties.cases_records import figures_of
from duties.cases_rules import FigureRefused, Figures, check_pair, read_cases, read_losses
from reporting.imports import unknown_community
from reporting.sheets import clean, open_workbook, squash

MAX_SIZE = 1024 * 1024  # a month's template is some 10 KB; a megabyte is something else
MAX_ROWS = 500  # rows read: a sub-district has a few dozen communities
SHEET_TITLE = "发案情况"
# The template's layout: the month in B2 and D2, the header in row 3, communities below.
YEAR_CELL, MONTH_CELL = "B2", "D2"
HEADER_ROW = 3
COLUMNS = ("序号", "社区", "工作点", "发案数（起）", "损失金额（元）")
NAME_COLUMN, CASES_COLUMN, LOSSES_COLUMN = "B", "D", "E"
# Header words read back, however the brackets and spaces were typed.
HEADERS = {"name": ("社区", "社区名称"), "cases": ("发案数", "发案数(起)", "案件数"),
           "losses": ("损失金额", "损失金额(元)", "损失金额元", "损失")}  # fmt: skip
SIGNED_SALT = "duties.cases.import"
SIGNED_MAX_AGE = 24 * 3600

NEW, CHANGED, UNCHANGED, EMPTY = "new", "changed", "unchanged", "empty"

THIN = Side(style="thin")
RULED = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
BOLD = Font(name=FONT, bold=True)
TO_FILL = PatternFill("solid", fgColor="FFF7D6")


# --- The template --------------------------------------------------------------------------


def template(year, month, communities, recorded):
    """The month's template as .xlsx bytes: every community, with its recorded figures."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = SHEET_TITLE
    write(sheet["A1"], f"罗山街道各社区诈骗案件情况（{year}年{month}月）").font = Font(
        name=FONT, bold=True, size=14
    )
    sheet.merge_cells("A1:E1")
    for ref, value in (("A2", "年份"), (YEAR_CELL, year), ("C2", "月份"), (MONTH_CELL, month)):
        write(sheet[ref], value).font = BOLD if isinstance(value, str) else Font(name=FONT)
    for column, header in enumerate(COLUMNS, start=1):
        written = write(sheet.cell(HEADER_ROW, column), header)
        written.font, written.border = BOLD, RULED
        written.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    for number, community in enumerate(communities, start=1):
        row = recorded.get(community.pk)
        values = (
            number,
            community.name,
            community.work_point.name,
            row.cases if row else None,
            row.losses if row else None,
        )
        for column, value in enumerate(values, start=1):
            written = write(sheet.cell(HEADER_ROW + number, column), value)
            written.border = RULED
            written.font = Font(name=FONT)
            if column >= 4:
                written.fill, written.protection = TO_FILL, Protection(locked=False)
                written.number_format = "0" if column == 4 else "#,##0.00"
    last = HEADER_ROW + len(communities)
    note = last + 2
    write(
        sheet.cell(note, 1),
        "填表说明：按派出所警情通报填写各社区本月发案数（起）和损失金额（元）；没有案件填0，"
        "暂无数据的社区两项都留空。请勿改动年份、月份、社区名称和表头。",
    ).alignment = Alignment(wrap_text=True, vertical="top")
    sheet.merge_cells(start_row=note, start_column=1, end_row=note, end_column=5)
    sheet.row_dimensions[note].height = 48
    if communities:
        cases = DataValidation(type="whole", operator="between", formula1="0", formula2="1000")
        losses = DataValidation(type="decimal", operator="between", formula1="0", formula2="1E8")
        for validation, column in ((cases, CASES_COLUMN), (losses, LOSSES_COLUMN)):
            validation.error = "请填写不小于0的数字"
            validation.showErrorMessage = True
            validation.add(f"{column}{HEADER_ROW + 1}:{column}{last}")
            sheet.add_data_validation(validation)
    for column, width in zip("ABCDE", (6, 22, 14, 14, 18), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = f"A{HEADER_ROW + 1}"
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def template_name(year, month):
    return f"发案情况-{year}-{month:02d}.xlsx"


# --- Reading the filled template -----------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """What is wrong, where the clerk finds it in Excel: row and cell (None for the file)."""

    row: int | None
    cell: str
    message: str

    def __str__(self):
        if self.row is None:
            return self.message
        return _("Row %(row)d, cell %(cell)s: %(message)s") % {
            "row": self.row,
            "cell": self.cell,
            "message": self.message,
        }


@dataclass(frozen=True)
class Line:
    """A community's line of the file: its row, its community, its figures (None: empty)."""

    row: int
    community: object
    figures: Figures | None


@dataclass
class Reading:
    """The file as read: its lines and what is wrong with it."""

    lines: list = field(default_factory=list)
    problems: list = field(default_factory=list)

    def problem(self, row, cell, message):
        self.problems.append(Problem(row, cell, message))


def read_template(content, year, month, communities):
    """A filled template for `month` of `year`, read: a Reading. `communities` are the
    sub-district's; a name is matched as typed, ignoring spaces and bracket widths.
    Raises NotAWorkbook for a file that is not one."""
    reading = Reading()
    if len(content) > MAX_SIZE:
        reading.problem(
            None,
            "",
            _("The file is larger than %(size)d KB; a month's template is much smaller.")
            % {"size": MAX_SIZE // 1024},
        )
        return reading
    book = open_workbook(content)
    try:
        sheet = book[SHEET_TITLE] if SHEET_TITLE in book.sheetnames else book.worksheets[0]
        sheet.reset_dimensions()
        rows = list(sheet.iter_rows(values_only=True, max_row=MAX_ROWS + 1, max_col=8))
    finally:
        book.close()
    if len(rows) > MAX_ROWS:
        reading.problem(
            None,
            "",
            _("The sheet has more than %(count)d rows; a month's template has one per community.")
            % {"count": MAX_ROWS},
        )
        return reading
    if not _check_month(reading, rows, year, month):
        return reading
    columns = _header(reading, rows)
    if columns is None:
        return reading
    by_name = {squash(c.name): c for c in communities}
    seen = {}
    for number, values in enumerate(rows[HEADER_ROW:], start=HEADER_ROW + 1):
        _read_line(reading, number, values, columns, by_name, seen)
    if not reading.lines and not reading.problems:
        reading.problem(HEADER_ROW + 1, "B", _("The sheet lists no community."))
    return reading


def _cell(rows, ref):
    column, row = ord(ref[0]) - ord("A"), int(ref[1:])
    values = rows[row - 1] if len(rows) >= row else ()
    return values[column] if len(values) > column else None


def _check_month(reading, rows, year, month):
    """The template names its month in B2 (year) and D2 (month): it must be this page's."""
    stated = []
    for ref in (YEAR_CELL, MONTH_CELL):
        value = _cell(rows, ref)
        try:
            number = int(squash(value).removesuffix("年").removesuffix("月"))
        except (TypeError, ValueError):
            number = None
        stated.append(number)
        if number is None:
            reading.problem(
                2,
                ref,
                _("“%(value)s” is not the template's year or month; use the template of this page.")
                % {"value": clean(value)},
            )
    if reading.problems:
        return False
    if tuple(stated) != (year, month):
        reading.problem(
            2,
            f"{YEAR_CELL}、{MONTH_CELL}",
            _(
                "This template is for %(file_year)d-%(file_month)d, not %(year)d-%(month)d; "
                "upload it on that month's page, or download this month's template."
            )
            % {"file_year": stated[0], "file_month": stated[1], "year": year, "month": month},
        )
        return False
    return True


def _header(reading, rows):
    """{"name"|"cases"|"losses": 0-based column} from the header row, or None (refused)."""
    found = {}
    for index, value in enumerate(_row(rows, HEADER_ROW)):
        text = squash(value) if value is not None else ""
        for name, spellings in HEADERS.items():
            if text in {squash(s) for s in spellings} and name not in found:
                found[name] = index
    if set(found) != set(HEADERS):
        reading.problem(
            HEADER_ROW,
            f"A{HEADER_ROW}:E{HEADER_ROW}",
            _(
                "The header row should read %(columns)s; the columns were changed. "
                "Please fill in the template downloaded from this page."
            )
            % {"columns": "、".join(COLUMNS)},
        )
        return None
    return found


def _row(rows, number):
    return rows[number - 1] if len(rows) >= number else ()


def _letter(index):
    return chr(ord("A") + index)


def _read_line(reading, number, values, columns, by_name, seen):
    def value(name):
        index = columns[name]
        return values[index] if len(values) > index else None

    name = clean(value("name"))
    cases_value, losses_value = value("cases"), value("losses")
    if not name:
        if clean(cases_value) or clean(losses_value):
            reading.problem(
                number, f"{_letter(columns['name'])}{number}", _("The community's name is empty.")
            )
        return
    if squash(name).startswith(("填表说明", "备注", "注:")):
        return
    community = by_name.get(squash(name))
    name_cell = f"{_letter(columns['name'])}{number}"
    if community is None:
        reading.problem(number, name_cell, unknown_community(name, by_name))
        return
    if community.pk in seen:
        reading.problem(
            number,
            name_cell,
            _("%(community)s is listed twice (also in row %(row)d); keep one line.")
            % {"community": community.name, "row": seen[community.pk]},
        )
        return
    seen[community.pk] = number
    cells = {
        "cases": f"{_letter(columns['cases'])}{number}",
        "losses": f"{_letter(columns['losses'])}{number}",
    }
    try:
        figures = check_pair(read_cases(cases_value), read_losses(losses_value))
    except FigureRefused as refused:
        reading.problem(number, cells[refused.field], refused.message)
        return
    reading.lines.append(Line(number, community, figures))


# --- The preview ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """What confirming would do to a community's month."""

    line: Line
    recorded: object  # its FraudCases row, or None
    outcome: str

    @property
    def community(self):
        return self.line.community

    @property
    def recorded_figures(self):
        return figures_of(self.recorded) if self.recorded else None

    @property
    def outcome_label(self):
        return {
            NEW: _("to be entered"),
            CHANGED: _("to be corrected"),
            UNCHANGED: _("unchanged figures"),
            EMPTY: _("left empty: kept as it is"),
        }[self.outcome]


@dataclass
class Preview:
    changes: list

    def having(self, outcome):
        return [c for c in self.changes if c.outcome == outcome]

    @property
    def to_write(self):
        return [c for c in self.changes if c.outcome in (NEW, CHANGED)]

    def counts(self):
        return {outcome: len(self.having(outcome)) for outcome in (NEW, CHANGED, UNCHANGED, EMPTY)}


def preview(reading, recorded):
    """Each line of a good file against what is recorded (`recorded`: {community id: row})."""
    changes = []
    for line in reading.lines:
        row = recorded.get(line.community.pk)
        if line.figures is None:
            outcome = EMPTY
        elif row is None:
            outcome = NEW
        else:
            outcome = UNCHANGED if figures_of(row) == line.figures else CHANGED
        changes.append(Change(line, row, outcome))
    return Preview(changes)


def signed_plan(year, month, result, by):
    """What confirming will write, what the preview showed of those communities
    ({community id: [cases, losses]} twice) and how many communities the file left
    unchanged, signed for the confirmation."""
    return signing.dumps(
        {
            "year": year,
            "month": month,
            "by": by.pk,
            "write": {str(c.community.pk): c.line.figures.as_list() for c in result.to_write},
            "seen": {
                str(c.community.pk): figures_of(c.recorded).as_list()
                for c in result.changes
                if c.recorded is not None
            },
            "unchanged": len(result.having(UNCHANGED)),
        },
        salt=SIGNED_SALT,
        compress=True,
    )


def read_signed(token, year, month, by):
    """(figures to write, figures seen, unchanged), the first two {community id: Figures},
    the last how many communities the file left as recorded, of `signed_plan`; None when
    it cannot be read, is a day old, or is another month's or person's."""
    try:
        signed = signing.loads(token, salt=SIGNED_SALT, max_age=SIGNED_MAX_AGE)
        if (signed["year"], signed["month"], signed["by"]) != (year, month, by.pk):
            return None
        to_write, seen = (
            {int(cid): Figures.from_list(value) for cid, value in signed[part].items()}
            for part in ("write", "seen")
        )
        return to_write, seen, int(signed["unchanged"])
    except (signing.BadSignature, KeyError, TypeError, ValueError, AttributeError):
        return None
