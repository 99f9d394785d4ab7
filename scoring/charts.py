"""Charts drawn on the server as SVG by pygal: no outside host, no script to fetch.

The Content-Security-Policy allows no inline script and no style attribute, and an
inline <style> only with the request's nonce. So each chart comes apart: its SVG,
without pygal's configuration script nor its tooltip layer (both for pygal's
JavaScript, which the portal never loads; the layer is hidden by a style attribute),
and its stylesheet, which the page puts in its head with the nonce
(templates/scoring/quarter.html, ledger.html).
"""

from dataclasses import dataclass, field

import pygal
from django.utils.safestring import SafeString, mark_safe
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
