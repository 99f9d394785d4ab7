from django.urls import path

from publishing import views

app_name = "publishing"
urlpatterns = [
    path("<int:pk>.docx", views.document, name="document"),
]
