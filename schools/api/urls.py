from django.urls import path

from schools.api import views

urlpatterns = [
    path("schools", views.SchoolList.as_view(), name="schools"),
    path("schools/<str:id>", views.SchoolDetail.as_view(), name="school"),
    path("delivery-partners", views.DeliveryPartnerList.as_view(), name="delivery-partners"),
    path("delivery-partners/<str:id>", views.DeliveryPartnerDetail.as_view(), name="delivery-partner"),
    path("partnerships", views.PartnershipList.as_view(), name="partnerships"),
    path("partnerships/<str:id>", views.PartnershipDetail.as_view(), name="partnership"),
]
