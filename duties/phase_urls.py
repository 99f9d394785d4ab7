"""The phases' papers: communities' and units' 实施方案 and 总结 (duties/phases.py)."""

from django.urls import path

from duties import phases

app_name = "phases"

urlpatterns = [
    path("", phases.home, name="home"),
    path("documents/<int:pk>/", phases.download, name="download"),
    # <kind>: communities or units (duties.phases.OWNERS)
    path("<str:kind>/<int:pk>/", phases.owner_page, name="owner"),
    path("<str:kind>/<int:pk>/<int:year>/<str:phase>/", phases.upload, name="upload"),
]
