from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from communities import login, second_factor
from communities import views as community_views
from reporting import views as reporting_views

urlpatterns = [
    path("", reporting_views.home, name="home"),
    path("reports/start/", reporting_views.start_report, name="start_report"),
    path("reports/<int:pk>/", reporting_views.report, name="report"),
    path("reports/<int:pk>/photos/", reporting_views.upload_photo, name="upload_photo"),
    path(
        "reports/<int:pk>/photos/<int:upload_pk>/",
        reporting_views.staged_photo,
        name="staged_photo",
    ),
    path("photos/<int:pk>/<str:variant>/", reporting_views.photo, name="photo"),
    path("reports/<int:pk>/finding/", reporting_views.report_finding, name="report_finding"),
    path("findings/<int:pk>/withdraw/", reporting_views.withdraw_finding, name="withdraw_finding"),
    path("communities/<int:pk>/team-finding/", reporting_views.team_finding, name="team_finding"),
    path("team/", community_views.team, name="team"),
    path("scores/", include("scoring.urls")),
    path("duties/", include("duties.urls")),
    path("circulars/", include("publishing.urls")),
    path("column/", include("publishing.column_urls")),
    path("year/", include("publishing.year_urls")),
    path("phases/", include("duties.phase_urls")),
    path("cases/", include("duties.case_urls")),
    path("text-size/", community_views.text_size, name="text_size"),
    path(
        "accounts/login/",
        login.PortalLoginView.as_view(),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("accounts/second-factor/setup/", second_factor.setup, name="second_factor_setup"),
    path("accounts/second-factor/", second_factor.verify, name="second_factor_verify"),
    path("admin/", admin.site.urls),
]
