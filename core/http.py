"""Answers shared by the apps' views."""

from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, fallback, field="back"):
    """Back to the page a form was posted from (its `field`), if it is one of ours;
    else to `fallback`. Never to another site, whatever the form says."""
    target = request.POST.get(field, "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)
