"""The year in figures (publishing/year.py)."""

from django.urls import path  # noqa: F401

app_name = "yearbook"

urlpatterns = []
