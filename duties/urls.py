from django.urls import path

from duties import boards, units, views
from duties.models import Supervision, SupervisionPhoto, UnitActivityPhoto, WorkMeeting

app_name = "duties"

MONTH = "points/<int:point>/<int:year>/<int:month>/"

urlpatterns = [
    path(MONTH, views.month_page, name="month"),
    path(
        MONTH + "supervisions/",
        views.add_record,
        {"model": Supervision},
        name="add_supervision",
    ),
    path(MONTH + "meetings/", views.add_record, {"model": WorkMeeting}, name="add_meeting"),
    path(
        "supervisions/<int:pk>/",
        views.correct_record,
        {"model": Supervision},
        name="correct_supervision",
    ),
    path(
        "meetings/<int:pk>/",
        views.correct_record,
        {"model": WorkMeeting},
        name="correct_meeting",
    ),
    path("photos/<int:pk>/<str:variant>/", views.photo, {"model": SupervisionPhoto}, name="photo"),
]

# B1: community staff's public boards and LED screens / broadcasts (duties/boards.py).
urlpatterns += [
    path("boards/", boards.boards_page, name="boards"),
    path("boards/updates/", boards.add_board_update, name="add_board_update"),
    path("boards/screens/", boards.add_screen_use, name="add_screen_use"),
    path("boards/photos/<int:pk>/<str:variant>/", boards.board_photo, name="board_photo"),
]

# U1: a unit's staff record their unit's activities (duties/units.py).
UNIT_MONTH = "units/<int:unit>/<int:year>/<int:month>/"

urlpatterns += [
    path("units/", units.unit_home, name="unit_home"),
    path(UNIT_MONTH, units.unit_month, name="unit_month"),
    path(UNIT_MONTH + "activities/", units.add_unit_activity, name="add_unit_activity"),
    path("unit-activities/<int:pk>/", units.correct_unit_activity, name="correct_unit_activity"),
    path(
        "unit-photos/<int:pk>/<str:variant>/",
        views.photo,
        {"model": UnitActivityPhoto},
        name="unit_photo",
    ),
]
