"""Who may see and change what: the one place that answers it.

Each rule is written here once, as a query (which communities) beside the
yes/no answer for one object, so the two cannot drift apart. Views, the
admin, the templates (through `viewer`) and the downloads ask here, then
answer 404 for what the user may not see at all and 403 for what they may
see but not change.
"""

from dataclasses import dataclass

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from communities.models import Assignment, Community, Role


@dataclass(frozen=True)
class Viewer:
    role: str | None
    community_id: int | None = None
    work_point_id: int | None = None
    unit_id: int | None = None
    # The unit's staff enter the monthly fraud cases (派出所: Unit.reports_cases).
    unit_reports_cases: bool = False

    # Reading: which communities, as a query and for one community.

    def community_filter(self):
        """The communities this viewer may read, as a filter on Community."""
        if self.sees_all:
            return Q()
        if self.role == Role.WORK_POINT_HEAD:
            return Q(work_point_id=self.work_point_id)
        if self.role == Role.COMMUNITY_STAFF:
            return Q(pk=self.community_id)
        return Q(pk__in=[])

    def can_view(self, community):
        """The same rule as `community_filter`, for one community."""
        if self.sees_all:
            return True
        if self.role == Role.WORK_POINT_HEAD:
            return self.work_point_id == community.work_point_id
        if self.role == Role.COMMUNITY_STAFF:
            return self.community_id == community.pk
        return False

    @property
    def has_role(self):
        """An account with no group, or not bound to its community or point, sees nothing."""
        return self.role is not None

    @property
    def sees_all(self):
        """The office and the leadership read every community and the quarter pages."""
        return self.role in (Role.OFFICE, Role.LEADERSHIP)

    # Changing: a community's own staff, and the office.

    @property
    def files_reports(self):
        """Community staff file their own community's monthly reports."""
        return self.role == Role.COMMUNITY_STAFF

    @property
    def keeps_team(self):
        """Community staff keep their own community's propaganda team."""
        return self.role == Role.COMMUNITY_STAFF

    def can_edit(self, community):
        """Only a community's own staff file its reports and keep its team."""
        return self.files_reports and self.community_id == community.pk

    def can_see_originals(self, community):
        """Originals keep their GPS: own staff and the office only."""
        return self.is_office or self.can_edit(community)

    @property
    def is_office(self):
        """The governance office reviews, records findings and warnings, and works the desk."""
        return self.role == Role.OFFICE

    def may_record_finding(self, report):
        """M6: the office, on a report that has been submitted (Finding.record says the same)."""
        return self.is_office and report.has_been_submitted

    # A work point's own duty (P1): its supervision visits and work meetings.

    @property
    def records_supervision(self):
        """Work-point heads record their own point's supervision visits and work meetings."""
        return self.role == Role.WORK_POINT_HEAD

    def can_view_point(self, work_point_id):
        """A point's visits and meetings: its own head, the office and the leadership."""
        return self.sees_all or self.can_record_for(work_point_id)

    def can_record_for(self, work_point_id):
        """Only a point's own head records (and corrects) its visits and meetings."""
        return self.records_supervision and self.work_point_id == work_point_id

    def can_see_point_originals(self, work_point_id):
        """Originals keep their GPS: the point's own head and the office only."""
        return self.is_office or self.can_record_for(work_point_id)

    # A unit's own duty (U1): its activities.

    @property
    def records_unit_activities(self):
        """Unit staff record their own unit's activities."""
        return self.role == Role.UNIT_STAFF

    def can_view_unit(self, unit_id):
        """A unit's activities: its own staff, the office and the leadership."""
        return self.sees_all or self.can_record_for_unit(unit_id)

    def can_record_for_unit(self, unit_id):
        """Only a unit's own staff record (and correct) its activities."""
        return self.records_unit_activities and self.unit_id == unit_id

    def can_see_unit_originals(self, unit_id):
        """Originals keep their GPS: the unit's own staff and the office only."""
        return self.is_office or self.can_record_for_unit(unit_id)

    # The aim: fraud cases falling. The police (派出所) and the office enter them.

    @property
    def records_cases(self):
        """The office, and the staff of a unit that reports cases (派出所)."""
        return self.is_office or (self.records_unit_activities and self.unit_reports_cases)

    @property
    def reads_cases(self):
        """Who records them, and the leadership."""
        return self.sees_all or self.records_cases


_ROLE_ORDER = (
    Role.OFFICE,
    Role.LEADERSHIP,
    Role.WORK_POINT_HEAD,
    Role.COMMUNITY_STAFF,
    Role.UNIT_STAFF,
)


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
            assignment = Assignment.objects.filter(user=user).select_related("unit").first()
            if role == Role.COMMUNITY_STAFF and assignment and assignment.community_id:
                viewer = Viewer(role=role, community_id=assignment.community_id)
            elif role == Role.WORK_POINT_HEAD and assignment and assignment.work_point_id:
                viewer = Viewer(role=role, work_point_id=assignment.work_point_id)
            elif role == Role.UNIT_STAFF and assignment and assignment.unit_id:
                viewer = Viewer(
                    role=role,
                    unit_id=assignment.unit_id,
                    unit_reports_cases=assignment.unit.reports_cases,
                )
            elif role in (Role.OFFICE, Role.LEADERSHIP):
                viewer = Viewer(role=role)
    user._luoshan_viewer = viewer
    return viewer


def visible_communities(user):
    """The communities whose reports `user` may read."""
    return Community.objects.filter(viewer_of(user).community_filter())


def require_view(user, community):
    """404 unless `user` may read `community`, so a typed-in id reveals nothing."""
    if not viewer_of(user).can_view(community):
        raise Http404


def require_edit(user, community):
    """403 unless `user` files `community`'s reports (they may read it, not change it)."""
    if not viewer_of(user).can_edit(community):
        raise PermissionDenied


def require_point_view(user, work_point):
    """404 for another point's head, so a typed-in id reveals nothing; 403 for a role
    that reads no point's duties (community staff, an account without a role)."""
    viewer = viewer_of(user)
    if viewer.can_view_point(work_point.pk):
        return
    if viewer.records_supervision:
        raise Http404
    raise PermissionDenied


def require_point_head(user, work_point):
    """As require_point_view, then 403 unless `user` is the point's own head (the office
    and the leadership read, they never record)."""
    require_point_view(user, work_point)
    if not viewer_of(user).can_record_for(work_point.pk):
        raise PermissionDenied


def require_unit_view(user, unit):
    """404 for another unit's staff (a typed-in id reveals nothing); 403 for a role that
    reads no unit's activities (community staff, point heads, no role)."""
    viewer = viewer_of(user)
    if viewer.can_view_unit(unit.pk):
        return
    if viewer.records_unit_activities:
        raise Http404
    raise PermissionDenied


def require_unit_staff(user, unit):
    """As require_unit_view, then 403 unless `user` is the unit's own staff (the office and
    the leadership read, they never record)."""
    require_unit_view(user, unit)
    if not viewer_of(user).can_record_for_unit(unit.pk):
        raise PermissionDenied


def require_sees_all(user):
    """403 unless `user` reads every community (the quarter pages)."""
    if not viewer_of(user).sees_all:
        raise PermissionDenied


def require_office(user):
    """403 unless `user` works at the office's desk."""
    if not viewer_of(user).is_office:
        raise PermissionDenied


def works_at_desk(user):
    """The accounts the admin serves (the office, superusers), before any second factor."""
    return user.is_active and user.is_staff and viewer_of(user).is_office


def is_verified(user):
    """True once this session has passed the second factor (django_otp.login)."""
    check = getattr(user, "is_verified", None)  # installed by django-otp's OTPMiddleware
    return bool(check and check())


def desk_open_to(user):
    """The admin opens to a desk account that has also passed the second factor."""
    return works_at_desk(user) and is_verified(user)


def may_review(user):
    """M5, M6: judging reports (accept, return, falsified) is the office's permission,
    granted with its group (communities/permissions.py)."""
    return user.has_perm("reporting.review_monthlyreport")


def require_review(user):
    if not may_review(user):
        raise PermissionDenied


def own_community_id(user):
    """The community a staff member files for; 403 for everyone else."""
    viewer = viewer_of(user)
    if not viewer.files_reports:
        raise PermissionDenied
    return viewer.community_id
