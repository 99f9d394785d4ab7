"""The portal as gunicorn serves it (luoshan.wsgi), static files aside.

Static files are found where they lie, as in bench/common.py and the test suite,
instead of being collected with a manifest first: `collectstatic` takes about 30 s
on this machine, and the deadline day's load asks for no static file (a browser
has them cached).
"""

import os

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "luoshan.settings")

from django.conf import settings  # noqa: E402

settings.STORAGES = {
    **settings.STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

from luoshan.wsgi import application  # noqa: E402, F401
