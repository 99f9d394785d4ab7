"""Who may see and change what: the one place that answers it.

Views ask here, then answer 404 for what the user may not see at all and
403 for what they may see but not change.
"""

from dataclasses import dataclass

from django.http import Http404

from communities.models import Assignment, Role


@dataclass(frozen=True)
class Viewer:
    role: str | None
    community_id: int | None = None
    work_point_id: int | None = None

    @property
    def sees_all(self):
        return self.role in (Role.OFFICE, Role.LEADERSHIP)

    @property
    def is_office(self):
        return self.role == Role.OFFICE

    def can_view(self, community):
        if self.sees_all:
            return True
        if self.role == Role.WORK_POINT_HEAD:
            return self.work_point_id == community.work_point_id
        return self.community_id is not None and self.community_id == community.pk

    def can_edit(self, community):
        """Only a community's own staff file its reports and keep its team."""
        return self.role == Role.COMMUNITY_STAFF and self.community_id == community.pk

    def can_see_originals(self, community):
        """Originals keep their GPS: own staff and the office only."""
        return self.is_office or self.can_edit(community)


_ROLE_ORDER = (Role.OFFICE, Role.LEADERSHIP, Role.WORK_POINT_HEAD, Role.COMMUNITY_STAFF)


def viewer_of(user):
    """The user's role and binding, computed once per request and kept on the user."""
    cached = getattr(user, "_luoshan_viewer", None)
    if cached is not None:
        return cached
    viewer = Viewer(role=None)
    if user.is_authenticated:
        if user.is_superuser:
            viewer = Viewer(role=Role.OFFICE)
        else:
            groups = set(user.groups.values_list("name", flat=True))
            role = next((r for r in _ROLE_ORDER if r in groups), None)
            assignment = Assignment.objects.filter(user=user).first()
            if role == Role.COMMUNITY_STAFF and assignment and assignment.community_id:
                viewer = Viewer(role=role, community_id=assignment.community_id)
            elif role == Role.WORK_POINT_HEAD and assignment and assignment.work_point_id:
                viewer = Viewer(role=role, work_point_id=assignment.work_point_id)
            elif role in (Role.OFFICE, Role.LEADERSHIP):
                viewer = Viewer(role=role)
    user._luoshan_viewer = viewer
    return viewer


def require_view(user, community):
    """404 unless `user` may read `community`, so a typed-in id reveals nothing."""
    if not viewer_of(user).can_view(community):
        raise Http404
