from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from config.api.errors import unrouted

urlpatterns = [
    path("api/docs/v3/openapi.yaml", SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[], throttle_classes=[]), name="openapi"),
    path("api/docs/v3", SpectacularSwaggerView.as_view(url_name="openapi", authentication_classes=[], permission_classes=[], throttle_classes=[]), name="api-docs"),
    path("api/v3/", include("participants.api.urls")),
    path("api/v3/", include("declarations.api.urls")),
    path("api/v3/", include("schools.api.urls")),
    re_path(r"^api/", unrouted),
]
