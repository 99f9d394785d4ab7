"""Delivering a reminder: e-mail through Django's mail (SMTP from the environment), and
a WeCom group through its robot's webhook.

Each raises NotDelivered, in words the office can act on, when the message was not
taken; the caller keeps that on the reminder, which stays pending and is tried again.
"""

import json
import smtplib
from urllib.error import HTTPError, URLError
from urllib.request import Request, build_opener

from django.core.mail import send_mail
from django.utils.translation import gettext as _


class NotDelivered(Exception):
    """The channel did not take the message; str() says why."""


def send_email(subject, body, recipients):
    if not recipients:
        raise NotDelivered(_("No e-mail address: none of the accounts to remind has one."))
    try:
        send_mail(subject, body, None, recipients, fail_silently=False)
    except (smtplib.SMTPException, OSError, ValueError) as error:  # ValueError: a bad header
        raise NotDelivered(
            _("The mail server refused it: %(error)s") % {"error": f"{error!r}"[:300]}
        ) from error


def post_to_wecom(url, text, timeout):
    """POST WeCom's documented text message, {"msgtype": "text", "text": {"content": …}}.

    Delivered only on HTTP 200 with {"errcode": 0}; anything else, or no answer within
    `timeout` seconds, is NotDelivered.
    """
    if not url.lower().startswith(("https://", "http://")):
        raise NotDelivered(_("The robot's address is not a web address."))
    body = json.dumps({"msgtype": "text", "text": {"content": text}}, ensure_ascii=False)
    request = Request(  # noqa: S310 (the scheme is checked above)
        url,
        data=body.encode(),
        headers={"Content-Type": "application/json; charset=utf-8"},
        method="POST",
    )
    try:
        # A fresh opener reads the proxy settings of the environment as they are now.
        with build_opener().open(request, timeout=timeout) as response:
            status, answer = response.status, response.read(64 * 1024)
    except HTTPError as error:
        raise NotDelivered(
            _("The WeCom robot answered HTTP %(status)d.") % {"status": error.code}
        ) from error
    except (URLError, OSError) as error:  # TimeoutError is an OSError
        reason = getattr(error, "reason", error)
        raise NotDelivered(
            _("The WeCom robot could not be reached: %(error)s") % {"error": f"{reason}"[:300]}
        ) from error
    if status != 200:
        raise NotDelivered(_("The WeCom robot answered HTTP %(status)d.") % {"status": status})
    try:
        answered = json.loads(answer)
        code, message = answered.get("errcode"), answered.get("errmsg", "")
    except (ValueError, AttributeError) as error:
        raise NotDelivered(_("The WeCom robot's answer could not be read.")) from error
    if code != 0:
        raise NotDelivered(
            _("The WeCom robot refused it: errcode %(code)s, %(message)s")
            % {"code": code, "message": f"{message}"[:300]}
        )
