"""`python manage.py restore DIR`: a backup back into an empty database and media folder."""

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luoshan import backup


class Command(BaseCommand):
    help = (
        "Restore the backup in DIR into the configured database, which must be empty, and the "
        "media folder. Every checksum is checked first; any problem refuses the whole restore "
        "and touches nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("folder", help="a folder written by manage.py backup")

    def handle(self, *args, folder, **options):
        try:
            restored = backup.restore(folder)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            _(
                "Restored the backup of %(created_at)s: %(reports)d reports, %(activities)d "
                "activities, %(photos)d photos; %(copied)d media files copied, %(present)d "
                "already there."
            )
            % {
                "created_at": restored.created_at,
                "reports": restored.reports,
                "activities": restored.activities,
                "photos": restored.photos,
                "copied": restored.files_copied,
                "present": restored.files_present,
            }
        )
        if restored.migrations_pending:
            self.stdout.write(
                _(
                    "This release has %(count)d migrations the backup had not applied: run "
                    "manage.py migrate before starting the portal."
                )
                % {"count": restored.migrations_pending}
            )
