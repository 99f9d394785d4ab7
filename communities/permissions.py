"""The governance office's permissions in the admin, kept right after every migrate.

The office manages communities, teams, accounts and plans, and reads reports;
it never deletes a report, an activity, a photo or an audit record (they are
evidence), and the audit trail (history, the security log) is read-only. It unlocks
a locked-out account by deleting its attempt (django-axes).
"""

from django.contrib.auth.models import Group, Permission

from communities.models import Role

OFFICE_PERMISSIONS = {
    "communities.workpoint": ("add", "change", "view"),
    "communities.community": ("add", "change", "view"),
    "communities.assignment": ("add", "change", "delete", "view"),
    "communities.propagandateam": ("add", "change", "view"),
    "communities.teammember": ("add", "change", "delete", "view"),
    "communities.accessevent": ("view",),
    # U1: the office adds and changes the units the plan gives a duty, never deletes one;
    # their activities and photos are evidence, read only.
    "communities.unit": ("add", "change", "view"),
    "duties.unitactivity": ("view",),
    "duties.unitactivityphoto": ("view",),
    "reporting.plan": ("add", "change", "view"),
    "reporting.monthlyreport": ("view", "review"),
    "reporting.activity": ("view",),
    "reporting.activityphoto": ("view",),
    "reporting.reportevent": ("view",),
    "reporting.finding": ("view",),
    "scoring.inspection": ("add", "change", "view"),
    "scoring.inspectionresult": ("add", "change", "delete", "view"),
    "scoring.officialwarning": ("change", "view"),
    # C1: the office drafts, edits and issues the circulars on their desk pages; an issued
    # one is read only, and none is deleted.
    "publishing.circular": ("add", "change", "view"),
    # R1: the e-mail switch and the WeCom groups are the office's to set; the log is read.
    "reminders.emailchannel": ("change", "view"),
    "reminders.wecomgroup": ("add", "change", "delete", "view"),
    "reminders.reminder": ("view",),
    # Roles are chosen on a user's page; the roles' own pages list Django's permission
    # names, in English, and stay with superusers.
    "auth.user": ("add", "change", "view"),
    # django-axes: deleting a locking attempt unlocks the account. Its own logs stay
    # with superusers: the office reads one log, the security log (AccessEvent).
    "axes.accessattempt": ("view", "delete"),
}


def office_permissions():
    wanted = Permission.objects.none()
    for target, actions in OFFICE_PERMISSIONS.items():
        app_label, _, model = target.partition(".")
        found = Permission.objects.filter(
            content_type__app_label=app_label,
            codename__regex=rf"^({'|'.join(actions)})_",
        )
        if model:
            found = found.filter(content_type__model=model)
        wanted |= found
    return wanted


def grant_office_permissions(**kwargs):
    office = Group.objects.filter(name=Role.OFFICE).first()
    if office is not None:
        office.permissions.set(office_permissions())
