from django.urls import path

from schools.portal import views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("sign-in/", views.sign_in, name="sign-in"),
    path("sign-out/", views.sign_out, name="sign-out"),
    path("set-password/<str:uidb64>/<str:token>/", views.set_password, name="set-password"),
    path("<str:urn>/", views.participant_list, name="participants"),
    path("<str:urn>/confirmation/", views.confirmation, name="confirmation"),
    path("<str:urn>/participants/<int:pk>/", views.participant_detail, name="participant"),
    path("<str:urn>/cohorts/", views.cohort_list, name="cohorts"),
    *views.journey_urls(),
]
