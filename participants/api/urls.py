from django.urls import path

from participants.api import actions, transfers, unfunded_mentors, views

urlpatterns = [
    path("participants", views.ParticipantList.as_view(), name="participants"),
    # Before participants/<id>, which would otherwise take "transfers" for an id.
    path("participants/transfers", transfers.TransferList.as_view(), name="participant-transfers"),
    path("participants/<str:id>", views.ParticipantDetail.as_view(), name="participant"),
    path("participants/<str:id>/defer", actions.DeferParticipant.as_view(), name="participant-defer"),
    path("participants/<str:id>/withdraw", actions.WithdrawParticipant.as_view(), name="participant-withdraw"),
    path("participants/<str:id>/resume", actions.ResumeParticipant.as_view(), name="participant-resume"),
    path("participants/<str:id>/change-schedule", actions.ChangeSchedule.as_view(), name="participant-change-schedule"),
    path("participants/<str:id>/transfers", transfers.ParticipantTransfers.as_view(), name="participant-transfer"),
    path("unfunded-mentors", unfunded_mentors.UnfundedMentorList.as_view(), name="unfunded-mentors"),
    path("unfunded-mentors/<str:id>", unfunded_mentors.UnfundedMentorDetail.as_view(), name="unfunded-mentor"),
]
