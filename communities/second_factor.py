"""The office's second factor (等保 2.0 身份鉴别): a code from a phone before the admin opens.

A password alone opens the portal's pages (reports, scores, and the office's actions
on them). The admin, where accounts, plans and all the evidence are kept, asks in
addition for a 6-digit code from an authenticator app (TOTP, django-otp) or one of
ten recovery codes kept on paper. The admin site asks `desk_open_to`; its login
page sends a desk account that has only given its password to `second_factor_url`.
"""

import math
from base64 import b32encode
from urllib.parse import urlencode

import django_otp
import segno
from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from communities.access import is_verified, works_at_desk
from communities.models import AccessEvent
from communities.signals import record

RECOVERY_CODES = 10
TOTP_DIGITS = 6


def needs_second_factor(user):
    """A desk account signed in with its password alone."""
    return user.is_authenticated and works_at_desk(user) and not is_verified(user)


def confirmed_totp(user):
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_url(user, next_url):
    """Where a desk account goes for its code: setting up the app the first time, else the check."""
    name = "second_factor_verify" if confirmed_totp(user) else "second_factor_setup"
    return f"{reverse(name)}?{urlencode({'next': next_url})}"


def new_recovery_codes(user):
    """Ten one-time codes replacing any earlier ones; each works once (StaticDevice)."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery codes", confirmed=True)
    codes = [StaticToken.random_token() for _n in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def confirm_totp(device):
    """The app's first code was right: the device counts from now on, with new recovery codes."""
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
        return new_recovery_codes(device.user)


def _wait_seconds(device):
    """Seconds before `device` takes another code after wrong ones (its throttle), else 0."""
    allowed, details = device.verify_is_allowed()
    if allowed:
        return 0
    locked_until = (details or {}).get("locked_until")
    if locked_until is None:
        return 1
    return max(1, math.ceil((locked_until - timezone.now()).total_seconds()))


class CodeForm(forms.Form):
    """One code, checked against the user's devices: the 6-digit TOTP code, or
    (when `recovery_allowed`) a recovery code, which is used up."""

    code = forms.CharField(
        label=gettext_lazy("6-digit code from the authenticator app"),
        max_length=32,
        error_messages={"required": gettext_lazy("Enter the code.")},
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
    )

    def __init__(self, totp_device, *args, recovery_allowed=False, recovery_asked=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.totp_device = totp_device
        self.recovery_allowed = recovery_allowed
        self.device = None
        if recovery_asked:
            self.fields["code"].label = _("Recovery code")
            self.fields["code"].widget.attrs.update(inputmode="text", autocapitalize="none")

    def clean_code(self):
        code = "".join(self.cleaned_data["code"].split()).lower()
        if code.isdigit() and len(code) == TOTP_DIGITS:
            devices = [self.totp_device]
        elif self.recovery_allowed:
            devices = list(StaticDevice.objects.filter(user=self.totp_device.user, confirmed=True))
        else:
            raise ValidationError(_("The code has 6 digits."), code="format")
        for device in devices:
            wait = _wait_seconds(device)
            if wait:
                raise ValidationError(
                    _("After a wrong code, wait %(seconds)s seconds before the next try."),
                    code="throttled",
                    params={"seconds": wait},
                )
            if django_otp.verify_token(device.user, device.persistent_id, code):
                self.device = device
                return code
        if devices != [self.totp_device]:
            raise ValidationError(
                _(
                    "That recovery code is not right, or it was used already: "
                    "each works once. Type another one from your list."
                ),
                code="wrong",
            )
        raise ValidationError(
            _(
                "That code is not right. Type the newest code the app shows; "
                "if it is still refused, check that the phone's clock is right."
            ),
            code="wrong",
        )


def _safe_next(request):
    """Back to the page asked for, if it is on this site; else the admin's index."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("admin:index")


def _desk_user(request):
    if not works_at_desk(request.user):
        raise PermissionDenied
    return request.user


def _grouped(text, size=4):
    return " ".join(text[i : i + size] for i in range(0, len(text), size))


def _verified(request, device):
    # A session raised to the admin gets a new key, so an id seen before cannot ride on it.
    request.session.cycle_key()
    django_otp.login(request, device)
    used = _("recovery code") if isinstance(device, StaticDevice) else _("authenticator app")
    record(AccessEvent.Kind.SECOND_FACTOR, request, target=request.user.get_username(), detail=used)


def _refused(request, form):
    """A wrong code (not a mistyped one) is a failed sign-in to the desk: in the log."""
    if form.has_error("code", "wrong"):
        record(AccessEvent.Kind.SECOND_FACTOR_FAILED, request, target=request.user.get_username())


@never_cache
@login_required
def setup(request):
    """The first time: the app's QR code and its secret as text, then the app's first code."""
    user = _desk_user(request)
    next_url = _safe_next(request)
    if confirmed_totp(user):
        return redirect(second_factor_url(user, next_url))
    # The same secret until confirmed: a reload after scanning must not change it.
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator app", confirmed=False)
    form = CodeForm(device, request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = confirm_totp(device)
        _verified(request, device)
        return render(
            request,
            "communities/second_factor_recovery_codes.html",
            {"codes": codes, "next": next_url},
        )
    if request.method == "POST":
        _refused(request, form)
    secret = b32encode(device.bin_key).decode()
    return render(
        request,
        "communities/second_factor_setup.html",
        {
            "form": form,
            "next": next_url,
            "qr_code": segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2),
            "secret": _grouped(secret),
        },
    )


@never_cache
@login_required
def verify(request):
    """Each time the admin is opened in a new session: the code from the app, or a recovery code."""
    user = _desk_user(request)
    next_url = _safe_next(request)
    device = confirmed_totp(user)
    if device is None:
        return redirect(second_factor_url(user, next_url))
    if is_verified(user):
        return redirect(next_url)
    recovery = request.GET.get("recovery") == "1" or request.POST.get("recovery") == "1"
    form = CodeForm(device, request.POST or None, recovery_allowed=True, recovery_asked=recovery)
    if request.method == "POST" and form.is_valid():
        _verified(request, form.device)
        return redirect(next_url)
    if request.method == "POST":
        _refused(request, form)
    return render(
        request,
        "communities/second_factor_verify.html",
        {"form": form, "next": next_url, "recovery": recovery},
    )
