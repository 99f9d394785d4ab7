"""Charts drawn on the server as SVG by pygal: no outside host, no script to fetch."""

import pygal
from django.utils.translation import gettext as _
from pygal.style import Style

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


def deductions_bar(scores):
    """Deductions per community in a quarter, most first; communities at 0 left out."""
    deducted = [s for s in scores if s.total > 0]
    longest = max((len(s.community.name) for s in deducted), default=4)
    chart = pygal.HorizontalBar(
        height=max(160, 60 + 28 * len(deducted)),
        range=(0, 5),
        print_values=True,
        truncate_label=-1,
        margin_left=16 * longest,
        **OPTIONS,  # CJK glyphs are wide
    )
    chart.title = _("Points deducted")
    chart.x_labels = [s.community.name for s in reversed(deducted)]
    chart.add(_("Points deducted"), [s.total for s in reversed(deducted)])
    return chart.render(is_unicode=True)


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
    return chart.render(is_unicode=True)
