"""The report page's activity cards, their fields written out rather than templated.

crispy-bootstrap5 draws a field through a template of forty conditions and three
includes; six fields a card, a card for each activity and one more for the script
to copy: that was a third of the page's time. `card_field` writes the markup
crispy-bootstrap5 writes (tests/reporting/test_report_cards.py compares the two)
for the fields a card has: text, number and date inputs and a select; never a
check box, a file or radio buttons, which crispy draws otherwise.
"""

from django import forms, template
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

register = template.Library()


@register.filter
def card_field(field):
    """One field of an activity card: label, control, its errors, its help."""
    widget = field.field.widget
    classes = widget.attrs.get("class", "").split()
    for name in (
        widget.__class__.__name__.lower(),
        "form-select" if isinstance(widget, forms.Select) else "form-control",
        *(["is-invalid"] if field.errors else []),
    ):
        if name not in classes:
            classes.append(name)
    required = field.field.required
    return format_html(
        '<div id="div_{}" class="mb-3{}"><label for="{}" class="form-label{}">{}{}</label>'
        "{}{}{}</div>",
        field.auto_id,
        f" {field.css_classes()}" if field.css_classes() else "",
        field.id_for_label,
        " requiredField" if required else "",
        field.label,
        mark_safe('<span class="asteriskField">*</span>') if required else "",
        field.as_widget(attrs={"class": " ".join(classes)}),
        _errors(field),
        _help(field),
    )


def _errors(field):
    if not field.errors:
        return ""
    return format_html(
        '<div id="{}_error" class="invalid-feedback">{}</div>',
        field.auto_id,
        format_html_join(
            "",
            '<p id="error_{}_{}"><strong>{}</strong></p>',
            ((n, field.auto_id, error) for n, error in enumerate(field.errors, start=1)),
        ),
    )


def _help(field):
    if not field.help_text:
        return ""
    # As crispy writes it: help text is the code's own, never a user's.
    help_text = mark_safe(field.help_text)  # noqa: S308
    return format_html('<div id="{}_helptext" class="form-text">{}</div>', field.auto_id, help_text)
