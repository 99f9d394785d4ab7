"""R1's run: what would go at a moment, and sending each of it once.

`planned(at)` is every reminder due at `at` (reminders.due) through every channel that
reaches its target, less those already sent; `send_due(at)` sends them, each claimed
first with a conditional update (two runs at once never send one twice), and writes
the outcome on its `Reminder`: sent, or pending with its error, to be tried again by
the next run while it is still due. Each WeCom group gets one message a run, listing
all its targets.
"""

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone

from communities.models import Community
from reminders import messages
from reminders.channels import NotDelivered, post_to_wecom, send_email
from reminders.due import Due, due_reminders
from reminders.models import Channel, EmailChannel, Kind, Reminder, WeComGroup

CHANNEL_ORDER = (Channel.PORTAL, Channel.EMAIL, Channel.WECOM)


@dataclass(frozen=True)
class Send:
    """One reminder to go: a due target through one channel (a WeCom group's, or none)."""

    due: Due
    channel: str
    group: WeComGroup | None = None

    @property
    def is_report(self):
        return self.due.month.is_report

    def lookup(self):
        """The fields that make the reminder one (Reminder's unique constraint)."""
        month = self.due.month
        return {
            "kind": month.kind,
            "community": self.due.target if self.is_report else None,
            "work_point": None if self.is_report else self.due.target,
            "plan": month.plan,
            "month": month.month,
            "days_before": month.days_before,
            "channel": self.channel,
            "wecom_group": self.group,
        }

    @property
    def key(self):
        """The same as a tuple of ids, as `_already_sent` reads them."""
        month, target_id = self.due.month, self.due.target.pk
        return (
            target_id if self.is_report else None,
            None if self.is_report else target_id,
            month.plan.pk,
            month.month,
            month.kind,
            month.days_before,
            self.channel,
            self.group.pk if self.group else None,
        )

    def as_record(self):
        """What `send_reminders --format json` prints for it."""
        month = self.due.month
        return {
            "target": self.due.target.name,
            "target_id": self.due.target.pk,
            "channel": self.channel,
            "month": month.label,
            "kind": month.kind,
            "deadline": month.deadline.isoformat(),
            "days_before": month.days_before,
            "group": self.group.name if self.group else None,
        }


@dataclass(frozen=True)
class Outcome:
    send: Send
    error: str = ""  # empty: sent

    @property
    def delivered(self):
        return not self.error


def planned(at):
    """R1: every reminder due at `at` and not sent yet, in the order it is listed: the
    portal for every target, e-mail when it is on, and each enabled WeCom group that
    covers the target. Reminders tried and failed before are in it again."""
    dues = due_reminders(at)
    if not dues:
        return []
    email_on = EmailChannel.is_on()
    groups = list(WeComGroup.objects.enabled().prefetch_related("work_points", "communities"))
    sends = []
    for due in dues:
        sends.append(Send(due, Channel.PORTAL))
        if email_on:
            sends.append(Send(due, Channel.EMAIL))
        sends += [Send(due, Channel.WECOM, group) for group in groups if group.covers(due.target)]
    sent = _already_sent({(d.month.plan.pk, d.month.month) for d in dues})
    return [send for send in sends if send.key not in sent]


def send_due(at):
    """Send what `planned(at)` lists; the outcome of each reminder this run claimed."""
    now = timezone.now()
    sends = planned(at)
    outcomes = []
    emails = _addresses([send.due for send in sends if send.channel == Channel.EMAIL])
    for send in sends:
        if send.channel == Channel.WECOM:
            continue
        reminder = _claim(send, now)
        if reminder is None:
            continue
        try:
            recipients = _deliver(send, emails)
        except NotDelivered as error:
            reminder.mark_failed(str(error))
            outcomes.append(Outcome(send, str(error)))
        else:
            reminder.mark_sent(timezone.now(), ", ".join(recipients))
            outcomes.append(Outcome(send))
    by_group = {}
    for send in sends:
        if send.channel == Channel.WECOM:
            by_group.setdefault(send.group, []).append(send)
    for group, group_sends in by_group.items():
        outcomes += _post_to_group(group, group_sends, now)
    return outcomes


def _deliver(send, emails):
    """The addresses reached; the portal's banner needs nothing sent."""
    if send.channel == Channel.PORTAL:
        return []
    recipients = emails.get((send.due.month.kind, send.due.target.pk), [])
    send_email(messages.email_subject(send.due), messages.email_body(send.due), recipients)
    return recipients


def _post_to_group(group, sends, now):
    claimed = [(send, reminder) for send in sends if (reminder := _claim(send, now))]
    if not claimed:
        return []
    text = messages.wecom_text([send.due for send, _reminder in claimed])
    try:
        post_to_wecom(group.webhook_url, text, settings.REMINDER_WECOM_TIMEOUT)
    except NotDelivered as error:
        for _send, reminder in claimed:
            reminder.mark_failed(str(error), group.name)
        return [Outcome(send, str(error)) for send, _reminder in claimed]
    sent_at = timezone.now()
    for _send, reminder in claimed:
        reminder.mark_sent(sent_at, group.name)
    return [Outcome(send) for send, _reminder in claimed]


def _claim(send, now):
    """The send's reminder (written the first time it is due), claimed for this run;
    None if it was sent meanwhile or another run holds it."""
    reminder, _created = Reminder.objects.get_or_create(
        **send.lookup(), defaults={"deadline": send.due.month.deadline, "created_at": now}
    )
    return reminder if reminder.claim(now) else None


def _already_sent(plan_months):
    of_months = Q(pk__in=[])
    for plan_id, month in plan_months:
        of_months |= Q(plan_id=plan_id, month=month)
    return set(
        Reminder.objects.sent()
        .filter(of_months)
        .values_list(
            "community_id",
            "work_point_id",
            "plan_id",
            "month",
            "kind",
            "days_before",
            "channel",
            "wecom_group_id",
        )
    )


def _addresses(dues):
    """(kind, target id) → the e-mail addresses of its active accounts: a community's
    staff, a work point's head. One query."""
    if not dues:
        return {}
    communities = [due.target.pk for due in dues if isinstance(due.target, Community)]
    points = [due.target.pk for due in dues if not isinstance(due.target, Community)]
    accounts = (
        get_user_model()
        .objects.filter(is_active=True)
        .exclude(email="")
        .filter(Q(assignment__community__in=communities) | Q(assignment__work_point__in=points))
        .order_by("pk")
        .values_list("assignment__community_id", "assignment__work_point_id", "email")
    )
    found = {}
    for community_id, point_id, email in accounts:
        key = (Kind.REPORT, community_id) if community_id else (Kind.SUPERVISION, point_id)
        found.setdefault(key, []).append(email)
    return found
