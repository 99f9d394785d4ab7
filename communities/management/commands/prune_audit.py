"""Delete audit records older than the retention period, never younger than six months."""

from datetime import timedelta

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from communities.models import AccessEvent

MINIMUM_DAYS = 183  # 网络安全法 第二十一条: logs kept no less than six months


class Command(BaseCommand):
    help = "Delete login records older than --days (at least 183)."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=settings.AUDIT_RETENTION_DAYS)

    def handle(self, *args, days, **options):
        if days < MINIMUM_DAYS:
            raise CommandError(f"audit records are kept at least {MINIMUM_DAYS} days, not {days}")
        cutoff = timezone.now() - timedelta(days=days)
        deleted, _ = AccessEvent.objects.filter(at__lt=cutoff).delete()
        self.stdout.write(f"deleted {deleted} login records older than {cutoff:%Y-%m-%d}")
