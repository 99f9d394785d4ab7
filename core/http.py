"""Answers shared by the apps' views."""

import ipaddress

from django.conf import settings
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def redirect_back(request, fallback, field="back"):
    """Back to the page a form was posted from (its `field`), if it is one of ours;
    else to `fallback`. Never to another site, whatever the form says."""
    target = request.POST.get(field, "")
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


def _address(value):
    """`value` as a normalised IP address, or None if it is not exactly one."""
    value = (value or "").strip()
    if not value or len(value) > 45:  # the longest IPv6 text form is 45 characters
        return None
    try:
        address = ipaddress.ip_address(value)
    except ValueError:
        return None
    # A zone ("fe80::1%eth0") is meaningless beyond the proxy and PostgreSQL's inet refuses it.
    if getattr(address, "scope_id", None):
        return None
    return address


def _is_trusted_proxy(address):
    for proxy in settings.TRUSTED_PROXIES:
        try:
            if address in ipaddress.ip_network(proxy, strict=False):
                return True
        except ValueError:
            continue
    return False


def client_address(request):
    """The address of the person asking, as text, or None.

    Only a proxy named in TRUSTED_PROXIES may say who its client is (X-Real-IP, else
    the last X-Forwarded-For entry, the one that proxy added); anyone else's headers
    are ignored. A value that is not an IP address is ignored too, never stored.
    """
    remote = _address(request.META.get("REMOTE_ADDR"))
    if remote is not None and _is_trusted_proxy(remote):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1]
        told = _address(request.META.get("HTTP_X_REAL_IP")) or _address(forwarded)
        if told is not None:
            return str(told)
    return str(remote) if remote is not None else None
