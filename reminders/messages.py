"""The words of a reminder, as the users read them (Chinese): the banner's line, the
e-mail, the WeCom group's message, the command's table."""

from django.conf import settings
from django.utils.translation import gettext as _

from reminders.due import DueMonth

# WeCom refuses a text message longer than this (bytes of UTF-8).
WECOM_MAX_BYTES = 2048


def day_label(day):
    """5月1日: a deadline as people say it (the year is the month's own, or the next)."""
    return _("%(month)d/%(day)d") % {"month": day.month, "day": day.day}


def month_label(month: DueMonth):
    """2021年4月."""
    return _("%(year)d, month %(month)d") % {"year": month.plan.year, "month": month.month}


def occasion_label(days_before):
    if days_before == 0:
        return _("on the deadline day")
    return _("%(n)d day(s) before") % {"n": days_before}


def banner_text(month: DueMonth):
    """The portal's line: 4月报表将于5月1日截止，尚未报送."""
    values = {"month": month.month, "deadline": day_label(month.deadline)}
    if month.is_report:
        return _("The month %(month)d report is due on %(deadline)s; not submitted yet.") % values
    return (
        _(
            "The month %(month)d supervision visit and work meeting are due on %(deadline)s; "
            "not both recorded yet."
        )
        % values
    )


def owed_line(month: DueMonth, names):
    """One line of a group's message: the month, its deadline and who still owes it."""
    values = {
        "month": month_label(month),
        "deadline": day_label(month.deadline),
        "names": "、".join(names),
    }
    if month.is_report:
        return (
            _(
                "The %(month)s anti-fraud activity report is due on %(deadline)s; "
                "these communities have not submitted it yet: %(names)s."
            )
            % values
        )
    return (
        _(
            "The %(month)s supervision visit and work meeting are due on %(deadline)s; "
            "these work points have not recorded both yet: %(names)s."
        )
        % values
    )


def closing_line():
    if settings.REMINDER_PORTAL_URL:
        return _("Please sign in to the portal to do it: %(url)s") % {
            "url": settings.REMINDER_PORTAL_URL
        }
    return _("Please sign in to the portal to do it.")


def wecom_text(dues):
    """The group's one message of a run: every target it covers, month by month. A list
    too long for WeCom is cut, saying how many are left out."""
    by_month = {}
    for due in dues:
        by_month.setdefault(due.month, []).append(due.target.name)
    heading, closing = _("[Luoshan anti-fraud reminder]"), closing_line()
    lines = [owed_line(month, names) for month, names in by_month.items()]
    text = "\n".join([heading, *lines, closing])
    if len(text.encode()) <= WECOM_MAX_BYTES:
        return text
    # Each month keeps an equal share of the room, its first names and a count.
    room = (WECOM_MAX_BYTES - len(f"{heading}\n\n{closing}".encode())) // len(by_month) - 1
    return "\n".join([heading, *(_cut(m, names, room) for m, names in by_month.items()), closing])


def _cut(month, names, room):
    for shown in range(len(names), 0, -1):
        left_out = len(names) - shown
        listed = names[:shown]
        if left_out:
            listed = [
                *listed[:-1],
                _("%(name)s and %(n)d more") % {"name": listed[-1], "n": left_out},
            ]
        line = owed_line(month, listed)
        if len(line.encode()) <= room:
            return line
    return owed_line(month, [_("%(n)d in all") % {"n": len(names)}])


def email_subject(due):
    return _("[Anti-fraud reminder] %(target)s: %(what)s") % {
        "target": due.target.name,
        "what": banner_text(due.month),
    }


def email_body(due):
    greeting = _("%(target)s:") % {"target": due.target.name}
    signature = _(
        "Luoshan sub-district governance office (sent by the reporting portal; please do not reply)"
    )
    return "\n\n".join(
        [greeting, owed_line(due.month, [due.target.name]), closing_line(), signature]
    )
