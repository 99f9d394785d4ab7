"""The portal's login page, with one turn: the office goes on to its desk."""

from django.contrib.auth.views import LoginView
from django.urls import reverse

from communities.access import viewer_of


class PortalLoginView(LoginView):
    """Django's login; an office account without a `next` lands on the admin index (which
    then asks its second factor), everyone else on the portal's home page."""

    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        if viewer_of(self.request.user).is_office:
            return reverse("admin:index")
        return super().get_default_redirect_url()
