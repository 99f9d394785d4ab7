"""`python manage.py backup --output DIR`: the database and the photos, with a manifest."""

import time

from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from luoshan import backup


class Command(BaseCommand):
    help = (
        "Write a consistent copy of the database and the media files into DIR (a new or empty "
        "folder), with manifest.json: every file's size and SHA-256, the engine, the "
        "migrations and the time. Safe while the portal runs."
    )

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="a new or empty folder")

    def handle(self, *args, output, **options):
        started = time.monotonic()
        try:
            manifest = backup.create(output)
        except backup.BackupError as error:
            raise CommandError(str(error)) from None
        database, *media = manifest["files"]
        self.stdout.write(
            _(
                "Backup written to %(folder)s: the %(engine)s database (%(database_mb).1f MB) "
                "and %(count)d media files (%(media_mb).1f MB) in %(seconds).1f s."
            )
            % {
                "folder": output,
                "engine": manifest["engine"],
                "database_mb": database["size"] / 1e6,
                "count": len(media),
                "media_mb": sum(entry["size"] for entry in media) / 1e6,
                "seconds": time.monotonic() - started,
            }
        )
