"""The phases' papers: communities' and units' 实施方案 and 总结 (duties/phases.py)."""

from django.urls import path  # noqa: F401

app_name = "phases"

urlpatterns = []
