"""C2: the public 反诈骗 column (publishing/column.py); no login."""

from django.urls import path  # noqa: F401

app_name = "column"

urlpatterns = []
