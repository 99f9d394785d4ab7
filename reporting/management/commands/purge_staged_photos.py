from django.core.management.base import BaseCommand

from reporting.models import StagedPhoto


class Command(BaseCommand):
    help = (
        "Delete photos uploaded from the report page and not saved within a day, with their "
        "files. Each upload does this too; run it daily (cron or a systemd timer) so that "
        "nothing waits for the next upload."
    )

    def handle(self, *args, **options):
        purged = StagedPhoto.objects.expired().purge()
        self.stdout.write(f"{purged} photo(s) not saved within a day deleted.")
