"""Print a month's evidence flags: `python manage.py evidence_flags 2021-04 [--format json]
[--recheck]`.

The flags of every report of that month, most serious first, as the office's month
page lists them; `--recheck` runs the checks for the month's received reports first
(evidence.checks.check_month), e.g. after the thresholds changed. JSON is for
scripts; the text is a table for a person.
"""

import json
import re

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from core.text import terminal_table
from evidence.checks import check_month
from evidence.models import Flag, FlagKind

MONTH = re.compile(r"(\d{4})-(\d{2})")


def parse_month(text):
    """'2021-04' → (2021, 4); CommandError in words otherwise."""
    found = MONTH.fullmatch(text.strip())
    if not found or not 1 <= int(found[2]) <= 12:
        raise CommandError(
            _("“%(value)s” is not a month: give it as YYYY-MM, e.g. 2021-04.") % {"value": text}
        )
    return int(found[1]), int(found[2])


def report_record(report):
    return {
        "id": report.pk,
        "community": report.community.name,
        "month": f"{report.plan.year}-{report.month:02d}",
    }


def status(flag):
    """open, dismissed, or answered: the report was found falsified (E1)."""
    if flag.dismissed_at is not None:
        return "dismissed"
    return "answered" if flag.answered else "open"


STATUS_WORDS = {
    "open": pgettext_lazy("flag status", "open"),
    "dismissed": pgettext_lazy("flag status", "dismissed"),
    "answered": pgettext_lazy("flag status", "found falsified"),
}


def as_record(flag):
    record = {
        "kind": flag.kind,
        "report": report_record(flag.report),
        "activity": flag.activity_id,
        "photo": flag.photo_id,
        "detail": str(flag.detail),
        "status": status(flag),
        "matches": None,
    }
    if flag.kind == FlagKind.PHOTO_REUSED:
        record["matches"] = {
            "photo": flag.other_photo_id,
            "report": report_record(flag.other_report),
            "distance": flag.distance,
            "identical": flag.identical,
        }
    elif flag.kind == FlagKind.CAPTION_REUSED:
        record["matches"] = {
            "activity": flag.other_activity_id,
            "report": report_record(flag.other_report),
        }
    return record


class Command(BaseCommand):
    help = "Print the evidence flags of a month's reports, most serious first (E1–E5)."

    def add_arguments(self, parser):
        parser.add_argument("month", help="e.g. 2021-04")
        parser.add_argument("--format", choices=("json", "text"), default="text")
        parser.add_argument(
            "--recheck", action="store_true", help="run the checks for the month's reports first"
        )

    def handle(self, *args, **options):
        year, month = parse_month(options["month"])
        if options["recheck"]:
            check_month(year, month)
        flags = list(Flag.objects.of_month(year, month).with_context().most_serious_first())
        if options["format"] == "json":
            records = [as_record(flag) for flag in flags]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
            return
        self.write_table(f"{year}-{month:02d}", flags)

    def write_table(self, month, flags):
        if not flags:
            self.stdout.write(_("No flags for %(month)s.") % {"month": month})
            return
        opened = sum(flag.is_open for flag in flags)
        self.stdout.write(
            _("Flags for %(month)s: %(count)d, %(open)d of them open.")
            % {"month": month, "count": len(flags), "open": opened}
        )
        heading = [
            _("kind"),
            _("Report"),
            _("Activity"),
            _("Photo"),
            pgettext("flag status", "Status"),
            _("detail"),
        ]
        rows = [
            [
                flag.get_kind_display(),
                str(flag.report),
                str(flag.activity.position),
                str(flag.photo or "—"),
                str(STATUS_WORDS[status(flag)]),
                str(flag.detail),
            ]
            for flag in flags
        ]
        for line in terminal_table([heading, *rows]):
            self.stdout.write(line)
