"""Middleware of our own, below every app."""

from django.utils.cache import patch_cache_control


class PrivatePagesNotStored:
    """A page shown to a signed-in person is never stored by a browser or a proxy.

    Reports, teams' phone numbers and scores must not stay behind in the cache of a
    shared computer (a community office's PC) after logging out, nor come back with
    the browser's back button. A response that already says how to cache itself
    (a photo's display copy, Django's never_cache on the admin) keeps its own header.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            patch_cache_control(response, private=True, no_store=True)
        return response
