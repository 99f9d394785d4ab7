"""Charts drawn on the server as SVG by pygal: no outside host, no script to fetch.

The Content-Security-Policy allows no inline script and no style attribute, and an
inline <style> only with the request's nonce. So each chart comes apart: its SVG,
without pygal's configuration script nor its tooltip layer (both for pygal's
JavaScript, which the portal never loads; the layer is hidden by a style attribute),
and its stylesheet, which the page puts in its head with the nonce
(templates/scoring/quarter.html, ledger.html).
"""

import math
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache

import pygal
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from pygal.style import Style

from scoring.rules import CAP

STYLE = Style(
    font_family='"Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif',
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#6c757d",
    colors=("#b02a37", "#0b4f9c", "#146c43"),
    label_font_size=14,
    major_label_font_size=14,
    value_font_size=14,
    title_font_size=16,
)
OPTIONS = {"style": STYLE, "js": [], "disable_xml_declaration": True, "show_legend": False}


@dataclass(frozen=True)
class Chart:
    """A chart as a page shows it: `svg` inline in the body, `css` in a nonced <style>."""

    svg: SafeString
    css: SafeString

    def __html__(self):
        return self.svg

    def __str__(self):
        return self.svg


@dataclass
class _TakeApart:
    """A pygal xml filter: keeps the chart's stylesheet and drops what needs a script."""

    css: list = field(default_factory=list)

    def __call__(self, root):
        for style in root.iter("style"):
            self.css.append(style.text or "")
            style.getparent().remove(style)
        for script in root.iter("script"):
            script.getparent().remove(script)
        for layer in root.xpath('//*[contains(concat(" ", @class, " "), " tooltip-overlay ")]'):
            layer.getparent().remove(layer)
        return root


def _render(chart):
    take_apart = _TakeApart()
    chart.add_xml_filter(take_apart)
    svg = chart.render(is_unicode=True)
    # pygal's own text from our fixed STYLE: no markup, no outside URL (no Google font).
    return Chart(svg=mark_safe(svg), css=mark_safe("\n".join(take_apart.css)))


def deductions_count(totals):
    """How many communities lost 0, 1, … 5 points in a quarter (S4): six bars, whether
    the quarter has twenty communities or twenty thousand; the table names them."""
    counts = Counter(totals)
    return _deductions_chart(tuple(counts.get(p, 0) for p in range(CAP + 1)), get_language())


@lru_cache(maxsize=64)
def _deductions_chart(counts, language):
    """Drawn once for each distinct count and language: pygal takes tens of milliseconds."""
    step = max(1, math.ceil(max(counts) / 4))  # whole communities, four or five lines
    chart = pygal.Bar(
        width=480,
        height=320,
        range=(0, step * 4),
        y_labels=list(range(0, step * 4 + 1, step)),
        print_values=True,
        x_title=_("Points deducted"),
        y_title=_("Communities"),
        **OPTIONS,
    )
    chart.title = _("Communities by points deducted")
    chart.x_labels = [str(points) for points in range(CAP + 1)]
    chart.add(_("Communities"), list(counts))
    return _render(chart)


def trend_line(trend):
    """A community's deduction in each assessed quarter of the year."""
    chart = pygal.Line(
        height=260,
        range=(0, 5),
        dots_size=5,
        print_values=True,
        margin_right=60,
        truncate_label=-1,
        **OPTIONS,
    )
    chart.title = _("Points deducted per quarter")
    chart.x_labels = [quarter.label for quarter, _total in trend]
    chart.add(_("Points deducted"), [total for _quarter, total in trend])
    return _render(chart)


# A year's months side by side: a chart drawn 480 wide shows at some 340 px on a phone,
# so its text is drawn larger to stay readable there.
MONTH_STYLE = Style(
    **{
        **{name: getattr(STYLE, name) for name in ("font_family", "background", "colors")},
        "plot_background": STYLE.plot_background,
        "foreground": STYLE.foreground,
        "foreground_strong": STYLE.foreground_strong,
        "foreground_subtle": STYLE.foreground_subtle,
        "label_font_size": 18,
        "major_label_font_size": 18,
        "value_font_size": 18,
        "title_font_size": 20,
        "legend_font_size": 18,
    }
)


def month_bars(title, series, y_title):
    """Bars for the twelve months of a year, one colour for each of `series`, pairs of
    (name, twelve values), a value None where there is nothing to show (a month whose
    figures were not entered: no bar, never a bar of 0). A legend when there are two."""
    frozen = tuple((str(name), tuple(values)) for name, values in series)
    return _month_bars(str(title), frozen, str(y_title), get_language())


@lru_cache(maxsize=64)
def _month_bars(title, series, y_title, language):
    values = [v for _name, vs in series for v in vs if v is not None]
    step = max(1, math.ceil(max(values, default=0) / 4))  # whole numbers, four or five lines
    chart = pygal.Bar(
        width=480,
        height=360,
        range=(0, step * 4),
        y_labels=list(range(0, step * 4 + 1, step)),
        x_title=_("Month"),
        y_title=y_title,
        **{
            **OPTIONS,
            "style": MONTH_STYLE,
            "show_legend": len(series) > 1,
            "legend_at_bottom": True,
            "legend_at_bottom_columns": len(series),
        },
    )
    chart.title = title
    chart.x_labels = [str(month) for month in range(1, 13)]
    for name, month_values in series:
        chart.add(name, list(month_values))
    return _render(chart)
