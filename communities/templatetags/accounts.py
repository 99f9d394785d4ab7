"""What the login pages tell about accounts, from the settings."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def session_idle_minutes():
    """After how many minutes without a request a session ends (SESSION_COOKIE_AGE)."""
    return settings.SESSION_COOKIE_AGE // 60
