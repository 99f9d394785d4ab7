"""A community's or a unit's own papers for the year's phases (实施方案, 总结), on their
home page (templates/reporting/home_staff.html) and their unit's month page:

    {% load phases %}{% phase_papers year %}

Each phase: handed in, or not yet and by when; a link to upload. Nothing for anyone but
the owner's own staff; one query.
"""

from django import template

from communities.access import viewer_of
from duties.documents import due_on
from duties.models import Phase, PhaseDocument

register = template.Library()


@register.inclusion_tag("duties/_phase_papers.html", takes_context=True)
def phase_papers(context, year):
    request = context.get("request")
    user = getattr(request, "user", None)
    viewer = viewer_of(user) if user is not None and user.is_authenticated else None
    if not year or viewer is None:
        return {"papers": []}
    if viewer.files_reports:
        owner = {"community_id": viewer.community_id}
        link = ("communities", viewer.community_id)
    elif viewer.records_unit_activities:
        owner = {"unit_id": viewer.unit_id}
        link = ("units", viewer.unit_id)
    else:
        return {"papers": []}
    handed_in = set(
        PhaseDocument.objects.filter(plan__year=year, **owner).values_list("phase", flat=True)
    )
    return {
        "papers": [(Phase(p).label, p in handed_in, due_on(p, year)) for p in Phase],
        "kind": link[0],
        "pk": link[1],
        "year": year,
    }
