"""The forms of the fraud-cases pages (duties/cases.py): a month of every community's
figures, and the Excel file of an import. Both read figures with duties.cases_rules."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from duties.cases_import import MAX_SIZE
from duties.cases_rules import FigureRefused, check_pair, read_cases, read_losses

TYPED_LIMIT = 30  # characters of one figure: 1,000,000,000.00 and room for spaces

CLEARED = gettext_lazy(
    "This community's figures are recorded: correct them, they cannot be emptied."
)


def figure_input(mode):
    """A figure typed on a phone: the number pad, nothing remembered; text, not
    type=number, so that what was typed comes back with the reason it was refused."""
    return forms.TextInput(
        attrs={"inputmode": mode, "autocomplete": "off", "class": "form-control cases-figure"}
    )


def plain_amount(amount):
    """An amount as a clerk would type it: 3500.50, 15000 (no ".00", no separators)."""
    return f"{amount:.2f}".removesuffix(".00")


class MonthCasesForm(forms.Form):
    """Every community of the sub-district in one form: cases and losses of a month, each
    pair both filled or both empty; a community already recorded is corrected, never
    emptied. `cleaned_data["figures"]` is {Community: Figures} of the communities filled."""

    def __init__(self, *args, communities, recorded, **kwargs):
        super().__init__(*args, **kwargs)
        self.communities, self.recorded = communities, recorded
        for community in communities:
            row = recorded.get(community.pk)
            self.fields[f"cases_{community.pk}"] = forms.CharField(
                label=_("%(community)s, fraud cases") % {"community": community.name},
                required=False,
                max_length=TYPED_LIMIT,
                initial=row.cases if row else None,
                widget=figure_input("numeric"),
            )
            self.fields[f"losses_{community.pk}"] = forms.CharField(
                label=_("%(community)s, losses (yuan)") % {"community": community.name},
                required=False,
                max_length=TYPED_LIMIT,
                initial=plain_amount(row.losses) if row else None,
                widget=figure_input("decimal"),
            )

    def rows(self):
        """(community, its cases field, its losses field, its recorded row or None); a
        refused field says so to assistive technology, pointing at its message."""
        for name in self.errors:
            if name in self.fields:
                self.fields[name].widget.attrs.update(
                    {
                        "class": "form-control cases-figure is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{self[name].auto_id}_error",
                    }
                )
        return [
            (c, self[f"cases_{c.pk}"], self[f"losses_{c.pk}"], self.recorded.get(c.pk))
            for c in self.communities
        ]

    def clean(self):
        figures = {}
        for community in self.communities:
            names = {"cases": f"cases_{community.pk}", "losses": f"losses_{community.pk}"}
            if any(name not in self.cleaned_data for name in names.values()):
                continue  # too long: refused already
            try:
                pair = check_pair(
                    read_cases(self.cleaned_data[names["cases"]]),
                    read_losses(self.cleaned_data[names["losses"]]),
                )
            except FigureRefused as refused:
                self.add_error(names[refused.field], ValidationError(refused.message, refused.code))
                continue
            if pair is None and community.pk in self.recorded:
                self.add_error(names["cases"], ValidationError(CLEARED, "cleared"))
            elif pair is not None:
                figures[community] = pair
        self.cleaned_data["figures"] = figures
        return self.cleaned_data


class CasesWorkbookForm(forms.Form):
    """The filled template of a month (.xlsx), read by duties.cases_import."""

    file = forms.FileField(
        label=gettext_lazy("Filled template (.xlsx)"),
        error_messages={
            "required": gettext_lazy("Please choose the filled Excel template."),
            "empty": gettext_lazy("The chosen file is empty. Please choose the filled template."),
        },
        widget=forms.FileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_SIZE:
            raise ValidationError(
                _("The file is larger than %(size)d KB; a month's template is much smaller.")
                % {"size": MAX_SIZE // 1024},
                code="too_large",
            )
        return upload
