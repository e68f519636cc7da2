from django.urls import path

from participants.api import views

urlpatterns = [
    path("participants", views.ParticipantList.as_view(), name="participants"),
    path("participants/<str:id>", views.ParticipantDetail.as_view(), name="participant"),
]
