from django.urls import path, register_converter

from scoring import views
from scoring.converters import QuarterConverter

register_converter(QuarterConverter, "quarter")

app_name = "scoring"
urlpatterns = [
    path("", views.index, name="index"),
    path("ours/", views.our_ledger, name="our_ledger"),
    path("<quarter:quarter>/", views.quarter_page, name="quarter"),
    path("<quarter:quarter>.xlsx", views.quarter_xlsx, name="quarter_xlsx"),
    path("<quarter:quarter>/work-points/", views.work_points, name="work_points"),
    path("<quarter:quarter>/communities/<int:pk>/", views.ledger, name="ledger"),
    path(
        "<quarter:quarter>/communities/<int:pk>/warning/", views.issue_warning, name="issue_warning"
    ),
    path("inspections/<int:pk>/", views.inspection, name="inspection"),
    path("warnings/<int:pk>/interview/", views.record_interview, name="record_interview"),
]
