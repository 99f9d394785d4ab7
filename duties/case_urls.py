"""The police's monthly fraud cases and losses per community (duties/cases.py)."""

from django.urls import path

from duties import cases

app_name = "cases"

MONTH = "<int:year>/<int:month>/"

urlpatterns = [
    path("", cases.cases_home, name="home"),
    path("<int:year>/", cases.year_page, name="year"),
    path(MONTH, cases.month_page, name="month"),
    path(MONTH + "template.xlsx", cases.template_xlsx, name="template"),
    path(MONTH + "import/", cases.import_page, name="import"),
]
