from django.urls import path

from participants.api import actions, views

urlpatterns = [
    path("participants", views.ParticipantList.as_view(), name="participants"),
    path("participants/<str:id>", views.ParticipantDetail.as_view(), name="participant"),
    path("participants/<str:id>/defer", actions.DeferParticipant.as_view(), name="participant-defer"),
    path("participants/<str:id>/withdraw", actions.WithdrawParticipant.as_view(), name="participant-withdraw"),
    path("participants/<str:id>/resume", actions.ResumeParticipant.as_view(), name="participant-resume"),
    path("participants/<str:id>/change-schedule", actions.ChangeSchedule.as_view(), name="participant-change-schedule"),
]
