"""Community staff's link to their public boards page (B1) on their home page
(templates/reporting/home_staff.html):

    {% load boards %}{% boards_link %}

Nothing for anyone else; no query (the viewer is read once per request already).
"""

from django import template

from communities.access import viewer_of

register = template.Library()


@register.inclusion_tag("duties/_boards_link.html", takes_context=True)
def boards_link(context):
    request = context.get("request")
    user = getattr(request, "user", None)
    shown = bool(user is not None and user.is_authenticated and viewer_of(user).files_reports)
    return {"shown": shown}
