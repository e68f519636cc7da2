from django.contrib import admin
from django.urls import include, path

from config.health import healthcheck

urlpatterns = [
    path("healthcheck", healthcheck, name="healthcheck"),
    path("admin/", admin.site.urls),
    path("school/", include("schools.portal.urls")),
    path("", include("config.api.urls")),
]
