"""Send the reminders due (R1): `python manage.py send_reminders [--dry-run]
[--at 2021-04-28T09:00+08:00] [--format json|text]`.

Run every day by cron or a systemd timer (README). Communities without a submitted
report and work points without the month's supervision are reminded on the portal,
by e-mail and in their WeCom groups, each reminder once; one that failed is tried
again by the next run while it is due. `--dry-run` lists what would go and sends and
records nothing; `--at` acts as of another moment (for a dry run, or to catch up).
JSON is for scripts; the text is a table for a person.
"""

import json
from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _

from core.text import terminal_table
from reminders import messages
from reminders.models import Channel, Kind
from reminders.sending import planned, send_due
from reporting.periods import local


def parse_moment(text):
    """'2021-04-28T09:00+08:00' → an aware datetime; CommandError in words otherwise."""
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        moment = None
    if moment is None or moment.tzinfo is None:
        raise CommandError(
            _(
                "“%(value)s” is not a moment with its offset: "
                "give it as e.g. 2021-04-28T09:00+08:00."
            )
            % {"value": text}
        )
    return moment


class NotDelivered(CommandError):
    """Some reminders failed (they are logged, and tried again on the next run)."""


class Command(BaseCommand):
    help = (
        "Send the reminders due (R1): communities without their monthly report, work "
        "points without their supervision; each once."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--dry-run", action="store_true", help="list what would go; send and record nothing"
        )
        parser.add_argument(
            "--at", help="act as of this moment, with its offset (default: now)", default=None
        )
        parser.add_argument("--format", choices=("json", "text"), default="text")

    def handle(self, *args, **options):
        at = parse_moment(options["at"]) if options["at"] else timezone.now()
        if options["dry_run"]:
            rows = [(send, None) for send in planned(at)]
        else:
            rows = [(outcome.send, outcome) for outcome in send_due(at)]
        if options["format"] == "json":
            records = [self.record(send, outcome) for send, outcome in rows]
            self.stdout.write(json.dumps(records, ensure_ascii=False, indent=2))
        else:
            self.write_table(at, rows, options["dry_run"])
        failed = [outcome for _send, outcome in rows if outcome and not outcome.delivered]
        if failed:
            # Exit 1, so that cron's mail or systemd's failed unit tells someone.
            raise NotDelivered(
                _("%(n)d reminder(s) not delivered; the next run tries them again.")
                % {"n": len(failed)}
            )

    @staticmethod
    def record(send, outcome):
        record = send.as_record()
        if outcome is not None:
            record["status"] = "sent" if outcome.delivered else "failed"
            record["error"] = outcome.error
        return record

    def write_table(self, at, rows, dry_run):
        when = f"{local(at):%Y-%m-%d %H:%M}"
        if not rows:
            self.stdout.write(_("%(when)s: no reminder due.") % {"when": when})
            return
        title = (
            _("%(when)s: %(n)d reminder(s) would be sent (dry run: nothing sent).")
            if dry_run
            else _("%(when)s: %(n)d reminder(s) sent or tried.")
        )
        self.stdout.write(title % {"when": when, "n": len(rows)})
        heading = [
            _("reminded"),
            _("kind"),
            _("month"),
            _("deadline"),
            _("Occasion"),
            _("channel"),
        ]
        if not dry_run:
            heading.append(_("Result"))
        lines = [heading, *(self.row(send, outcome) for send, outcome in rows)]
        for line in terminal_table(lines):
            self.stdout.write(line)

    @staticmethod
    def row(send, outcome):
        month = send.due.month
        channel = str(Channel(send.channel).label)
        if send.group:
            channel = f"{channel}（{send.group.name}）"
        cells = [
            send.due.target.name,
            str(Kind(month.kind).label),
            messages.month_label(month),
            messages.day_label(month.deadline),
            messages.occasion_label(month.days_before),
            channel,
        ]
        if outcome is not None:
            cells.append(
                _("Sent")
                if outcome.delivered
                else _("failed: %(error)s") % {"error": outcome.error}
            )
        return cells
