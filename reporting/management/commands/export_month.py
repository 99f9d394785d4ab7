"""`python manage.py export_month 2021-04 -o FILE.xlsx`: the month's Attachment 2 workbook."""

from django.core.management.base import BaseCommand, CommandError

from reporting import attachment2
from reporting.forms import MonthForm
from reporting.models import MonthlyReport


class Command(BaseCommand):
    help = "Write the month's Attachment 2 workbook, one sheet per community that submitted."

    def add_arguments(self, parser):
        parser.add_argument("month", help="YYYY-MM, e.g. 2021-04")
        parser.add_argument("-o", "--output", required=True, help="the .xlsx file to write")

    def handle(self, *args, month, output, **options):
        form = MonthForm({"month": month})
        if not form.is_valid():
            raise CommandError(f"{month}: " + "; ".join(form.errors["month"]))
        plan, number = form.cleaned_data["month"]
        reports = attachment2.with_photos(
            MonthlyReport.objects.filter(plan=plan, month=number).received()
        ).order_by("community__work_point__position", "community__position", "community__name")
        with open(output, "wb") as out:
            attachment2.workbook(reports, out)
        self.stdout.write(f"{output}: {reports.count()} sheet(s)")
