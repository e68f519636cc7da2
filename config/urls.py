from django.contrib import admin
from django.urls import include, path

from config import health

urlpatterns = [
    # GET and HEAD are answered by config.health.HealthMiddleware before reaching here; the patterns give the
    # probes their route in access lines and metrics (config.observability.access.route_of).
    path("livez", health.livez, name="livez"),
    path("readyz", health.readyz, name="readyz"),
    path("healthcheck", health.readyz, name="healthcheck"),
    path("admin/", admin.site.urls),
    path("school/", include("schools.portal.urls")),
    path("", include("config.api.urls")),
]

# GOV.UK-styled pages for people; the API's JSON error envelope under /api/ (config/error_pages.py).
handler400 = "config.error_pages.bad_request"
handler403 = "config.error_pages.permission_denied"
handler404 = "config.error_pages.page_not_found"
handler500 = "config.error_pages.server_error"
