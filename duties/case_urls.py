"""The police's monthly fraud cases and losses per community (duties/cases.py)."""

from django.urls import path  # noqa: F401

app_name = "cases"

urlpatterns = []
