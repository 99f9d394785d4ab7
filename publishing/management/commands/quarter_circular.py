"""Write a quarter's circular (通报, C1) as .docx: `python manage.py quarter_circular 2021Q2
-o 2021Q2.docx`.

A draft is made from the scores as they stand (or as of `--at`), with the texts the office
saved for the quarter's circular, or the standard ones if it has none yet. An issued
circular is written as it was issued, whatever the scores say now.
"""

from datetime import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from publishing.documents import circular_docx, quarter_draft
from publishing.figures import quarter_figures
from reporting.models import Plan
from reporting.periods import Quarter, local


class Command(BaseCommand):
    help = "Write a quarter's circular (通报) as a Word document, a draft unless it was issued."

    def add_arguments(self, parser):
        parser.add_argument("quarter", help="e.g. 2021Q2")
        parser.add_argument(
            "-o",
            "--output",
            help="the .docx file to write (default: the quarter, e.g. 2021Q2.docx)",
        )
        parser.add_argument(
            "--at",
            help="draw the figures as of this moment (ISO 8601, e.g. 2021-07-01T12:00+08:00)",
        )

    def handle(self, *args, **options):
        try:
            quarter = Quarter.parse(options["quarter"])
        except ValueError:
            raise CommandError(
                _("Not a quarter: '%(text)s' (expected a year and a quarter, e.g. 2021Q2)")
                % {"text": options["quarter"]}
            ) from None
        at = self._moment(options["at"])
        plan = Plan.objects.filter(year=quarter.year).first()
        if plan is None:
            raise CommandError(_("There is no plan for %(year)d.") % {"year": quarter.year})
        circular = quarter_draft(plan, quarter)
        if circular.is_issued:
            content = bytes(circular.document)
            done = _("issued on %(day)s, written as issued") % {"day": circular.issued_on}
        else:
            figures = quarter_figures(plan, quarter, at)
            if not figures["assessed"]:
                self.stderr.write(
                    _("%(quarter)s has no month with a report due: not assessed (S6)")
                    % {"quarter": quarter}
                )
            content = circular_docx(circular, figures)
            done = _("draft, figures as of %(at)s") % {
                "at": local(at).isoformat(timespec="minutes")
            }
        path = Path(options["output"] or f"{quarter}.docx")
        try:
            path.write_bytes(content)
        except OSError as error:
            raise CommandError(
                _("Cannot write %(path)s: %(error)s") % {"path": path, "error": error.strerror}
            ) from None
        self.stdout.write(_("Wrote %(path)s (%(what)s).") % {"path": path, "what": done})

    def _moment(self, text):
        if not text:
            return timezone.now()
        try:
            at = datetime.fromisoformat(text)
        except ValueError:
            raise CommandError(
                _("--at: not an ISO date and time: '%(text)s'") % {"text": text}
            ) from None
        return timezone.make_aware(at) if timezone.is_naive(at) else at
