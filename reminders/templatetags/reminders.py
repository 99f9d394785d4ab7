"""The portal's own reminder (R1): a banner on the home page while a reminder is due.

    {% load reminders %}{% reminder_banner %}

Community staff see their community's report of a month within its reminder days
and not submitted, with a button to it; a work point's head sees the point's
supervision of the month not done, with a link to the month's page where it is
recorded (duties:month). Anyone else sees nothing. Drawn from the data as it is, so
it shows even when no run of send_reminders has happened; a fixed number of queries.
"""

from django import template
from django.utils import timezone

from communities.access import viewer_of
from reminders.due import report_banners, supervision_banners
from reminders.messages import banner_text

register = template.Library()


@register.inclusion_tag("reminders/banner.html", takes_context=True)
def reminder_banner(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    banners = []
    if user is not None and user.is_authenticated:
        viewer, now = viewer_of(user), timezone.now()
        if viewer.files_reports:
            banners = report_banners(viewer.community_id, now)
        elif viewer.work_point_id is not None:
            banners = supervision_banners(viewer.work_point_id, now)
    return {
        "banners": [(banner, banner_text(banner.month)) for banner in banners],
        "csrf_token": context.get("csrf_token"),
    }
