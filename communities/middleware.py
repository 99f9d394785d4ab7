"""A password change that is due comes before everything else (等保 2.0 身份鉴别)."""

from django.conf import settings
from django.shortcuts import redirect
from django.urls import Resolver404, resolve

from communities.passwords import due_message, password_change_due_in_session

# What a user whose password change is due may still reach.
ALLOWED_URL_NAMES = {"password_change", "password_change_done", "logout", "admin:logout"}


class PasswordChangeRequiredMiddleware:
    """Sends a logged-in user whose password is temporary or too old to the password
    change page; only that page, logging out and static files stay open.

    What the page should say is left on the request (`password_change_message`).
    Goes right after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.password_change_message = None
        if request.user.is_authenticated:
            reason = password_change_due_in_session(request, request.user)
            if reason is not None:
                request.password_change_message = due_message(reason)
                if not self.allowed(request):
                    return redirect("password_change")
        return self.get_response(request)

    @staticmethod
    def allowed(request):
        if request.path_info.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return False
        return match.view_name in ALLOWED_URL_NAMES
