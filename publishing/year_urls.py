"""The year in figures (publishing/year.py, publishing/year_views.py)."""

from django.urls import path

from publishing import year_views

app_name = "yearbook"

urlpatterns = [
    path("", year_views.year_page, name="year"),
    path("<int:year>.xlsx", year_views.year_xlsx, name="xlsx"),
    path("<int:year>/summary.docx", year_views.year_docx, name="summary"),
]
