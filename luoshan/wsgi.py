"""WSGI entry point: `gunicorn luoshan.wsgi`."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshan.settings")
application = get_wsgi_application()
