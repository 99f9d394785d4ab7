"""The answer to a locked-out login (django-axes' AXES_LOCKOUT_CALLABLE): the login
page again, saying for how long, with 429 Too Many Requests."""

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _


def lockout_response(request, original_response=None, credentials=None):
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _(
        "Too many failed logins: this account is locked. Try again in %(minutes)d minutes, "
        "or ask the governance office (综治办) to unlock it."
    ) % {"minutes": minutes}
    form = AuthenticationForm(request)
    return TemplateResponse(
        request,
        "registration/login.html",
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    ).render()
