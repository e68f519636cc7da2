from django.urls import path

from declarations.api import views

urlpatterns = [
    path("participant-declarations", views.DeclarationList.as_view(), name="declarations"),
    path("participant-declarations/<str:id>", views.DeclarationDetail.as_view(), name="declaration"),
    path("participant-declarations/<str:id>/void", views.VoidDeclaration.as_view(), name="declaration-void"),
]
