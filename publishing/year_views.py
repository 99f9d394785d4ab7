"""The year in figures as pages and files (publishing/year.py works them out): the year's
page for the office and the leadership (sees_all; anyone else 403), its workbook for both,
and the draft of the year's summary (.docx) for the office, which writes it.

The leadership reads the figures and may take the workbook; the summary is the office's
draft to edit in Word (主要做法, 存在问题, 下一步工作 are its to write), so only the office
downloads it.
"""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from communities.access import require_office, require_sees_all
from core.spreadsheets import exported_at, write_tables, xlsx_response
from publishing.views import docx_response
from publishing.year import not_entered, shown, signed, year_figures
from publishing.year_document import summary_docx, summary_file_name
from reporting.models import Plan
from scoring import charts


def year_charts(figures):
    """Activities per month (communities and units), and the month's fraud cases against
    the year before's, where they were entered."""
    activities = charts.month_bars(
        _("Activities per month"),
        [
            (_("Community activities"), [m.communities.activities for m in figures.months]),
            (_("Unit activities"), [m.units.activities for m in figures.months]),
        ],
        _("Activities"),
    )
    found = {"activities": activities}
    if figures.cases_entered:
        series = [(str(figures.year), [m.cases and m.cases.cases for m in figures.months])]
        if figures.has_last_year:
            last = [m.last_cases and m.last_cases.cases for m in figures.months]
            series.append((str(figures.year - 1), last))
        found["cases"] = charts.month_bars(_("Fraud cases per month"), series, _("Fraud cases"))
    return found


def headline(figures):
    """The headline figures as (label, value, note): what the year's cards say. The
    participants are the people reached in person; the carriers' warning SMS are a card
    of their own (their recipients would swamp the participants a hundredfold)."""
    rate, total, comparison = figures.rate, figures.cases_total, figures.comparison
    items = [
        (
            _("Activities"),
            shown(figures.tally.activities),
            _("communities %(c)s, units %(u)s")
            % {
                "c": shown(figures.community_tally.activities),
                "u": shown(figures.unit_tally.activities),
            },
        ),
        (
            _("Participants"),
            shown(figures.tally.participants),
            _("in person: communities %(c)s, units %(u)s")
            % {
                "c": shown(figures.community_tally.participants),
                "u": shown(figures.unit_tally.participants),
            },
        ),
        (
            _("SMS recipients"),
            shown(figures.unit_tally.sms_recipients),
            _("warning SMS from the carriers, %(n)s batches")
            % {"n": shown(figures.unit_tally.sms_batches)},
        ),
        (_("Photos"), shown(figures.tally.photos), ""),
        (
            _("On-time rate"),
            str(rate),
            _("%(n)s of %(due)s reports due") % {"n": rate.on_time, "due": rate.due},
        ),
        (_("Points deducted in the year"), shown(figures.deducted), ""),
    ]
    if total is None:
        items.append((_("Fraud cases"), not_entered(), ""))
        return items
    if comparison:
        cases_note = _("a year before, same months: %(last)s (%(change)s)") % {
            "last": shown(comparison.last_cases),
            "change": signed(comparison.change),
        }
        losses_note = _("losses a year before, same months: %(last)s (%(change)s)") % {
            "last": shown(comparison.last_losses),
            "change": signed(comparison.losses_change),
        }
    else:
        cases_note = losses_note = _("no figures of a year before to compare")
    items.append((_("Fraud cases"), shown(total.cases), cases_note))
    items.append((_("Losses"), shown(total.losses), losses_note))
    return items


@login_required
@require_GET
def year_page(request):
    require_sees_all(request.user)
    plans, plan = Plan.pick(request.GET.get("year", ""), timezone.localdate())
    context = {"plans": plans, "plan": plan}
    if plan:
        figures = year_figures(plan)
        context.update(
            figures=figures,
            headline=headline(figures),
            tables=figures.tables(),
            charts=year_charts(figures),
        )
    return render(request, "publishing/year.html", context)


@login_required
@require_GET
def year_xlsx(request, year):
    """The page's tables, one sheet each, as the page shows them."""
    require_sees_all(request.user)
    plan = get_object_or_404(Plan, year=year)
    figures = year_figures(plan)
    stamp = exported_at()
    sheets = [
        (table.headers, table.rows, table.sheet, f"{table.caption}　{stamp}")
        for table in figures.tables()
    ]
    return xlsx_response(write_tables(sheets), f"全年数据-{plan.year}.xlsx")


@login_required
@require_GET
def year_docx(request, year):
    """The draft of the year's summary, for the office to finish in Word."""
    require_office(request.user)
    plan = get_object_or_404(Plan, year=year)
    figures = year_figures(plan)
    return docx_response(summary_docx(figures), summary_file_name(plan.year))
