"""C2: the public 反诈骗 column (publishing/column.py); no login."""

from django.urls import path

from publishing import column

app_name = "column"

urlpatterns = [
    path("", column.post_list, name="list"),
    path("<int:pk>/", column.post_page, name="post"),
    path("<int:pk>/photos/<int:photo_pk>.jpg", column.photo, name="photo"),
]
