"""C1 on the score pages (templates/scoring/quarter.html, inspection.html): the issued
circular of the quarter or the inspection, with its frozen document and "已发布通报后有变更"
when the scores have changed since; for the office, the way to its page on the desk.

    {% load circulars %}{% quarter_circular plan quarter %}
    {% load circulars %}{% inspection_circular inspection %}

scoring's templates load these tags; scoring's code never imports publishing. For the
office and the leadership only: one query; with an issued circular, one more (the scores'
version) and, once for each version of the scores, the figures drawn again to compare.
"""

from django import template
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from publishing.figures import changed_since_issue
from publishing.models import Circular, CircularKind
from scoring.gather import scores_version

# A time-driven change (a deadline passing, a later quarter closing) renews no version:
# the verdict is drawn again at least this often.
CHANGED_KEPT_FOR_SECONDS = 10 * 60

register = template.Library()


@register.inclusion_tag("publishing/_circular.html", takes_context=True)
def quarter_circular(context, plan, quarter):
    """The circular of `quarter` (a reporting.periods.Quarter) of `plan`."""
    found = Circular.objects.filter(kind=CircularKind.QUARTER, plan=plan, quarter=quarter.number)
    desk_url = reverse("admin:publishing_circular_quarter", args=[str(quarter)])
    return _shown(context.get("viewer"), found, desk_url, CircularKind.QUARTER.label)


@register.inclusion_tag("publishing/_circular.html", takes_context=True)
def inspection_circular(context, inspection):
    """The circular of `inspection`."""
    found = Circular.objects.filter(inspection=inspection)
    desk_url = reverse("admin:publishing_circular_inspection", args=[inspection.pk])
    return _shown(context.get("viewer"), found, desk_url, CircularKind.INSPECTION.label)


def _shown(viewer, found, desk_url, heading):
    if viewer is None or not viewer.sees_all:
        return {"shown": False}
    # The figures are read (to compare), the document is not: it is served on its own.
    circular = found.select_related("plan", "inspection__plan").defer("document").first()
    issued = circular if circular is not None and circular.is_issued else None
    return {
        "shown": issued is not None or viewer.is_office,
        "heading": heading,
        "circular": issued,
        "draft": circular is not None and issued is None,
        "changed": issued is not None and changed_now(issued),
        "desk_url": desk_url if viewer.is_office else None,
    }


def changed_now(circular):
    """C1's "已发布通报后有变更" for an issued circular, as the score pages show it: kept
    in the cache with the scores' version (scoring.gather), which every change of a fact
    renews, so that a page read by many does not draw a province's figures each time."""
    key = f"publishing:changed:{circular.pk}:{circular.issued_at.timestamp()}"
    version = scores_version()
    kept_version, changed = cache.get(key, (None, None))
    if kept_version != version:
        changed = changed_since_issue(circular, timezone.now())
        cache.set(key, (version, changed), CHANGED_KEPT_FOR_SECONDS)
    return changed
