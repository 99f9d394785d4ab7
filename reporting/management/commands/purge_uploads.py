from django.core.management.base import BaseCommand

from reporting.models import ImportUpload, StagedPhoto


class Command(BaseCommand):
    help = (
        "Delete what was uploaded and not kept within a day: photos uploaded from the report "
        "page and never saved (with their files), and workbooks uploaded for import and never "
        "confirmed. Each upload does this too; run it daily (cron or a systemd timer) so that "
        "nothing waits for the next upload."
    )

    def handle(self, *args, **options):
        photos = StagedPhoto.objects.expired().purge()
        workbooks, _ = ImportUpload.purge()
        self.stdout.write(
            f"{photos} photo(s) not saved and {workbooks} workbook(s) not imported within a day "
            "deleted."
        )
