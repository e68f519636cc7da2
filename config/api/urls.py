from csp.constants import NONCE, SELF
from csp.decorators import csp_update
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from config.api.errors import unrouted

# Swagger UI's stylesheet draws its icons from data: URIs, and the page has one inline style. Its
# script comes from a URL of its own (the split view), so scripts need nothing beyond the site policy.
api_docs = csp_update({"img-src": [SELF, "data:"], "style-src": [SELF, NONCE]})(
    SpectacularSwaggerSplitView.as_view(
        url_name="openapi",
        template_name="api/swagger_ui.html",
        authentication_classes=[],
        permission_classes=[],
        throttle_classes=[],
    )
)

urlpatterns = [
    path(
        "api/docs/v3/openapi.yaml",
        SpectacularAPIView.as_view(authentication_classes=[], permission_classes=[], throttle_classes=[]),
        name="openapi",
    ),
    path("api/docs/v3", api_docs, name="api-docs"),
    path("api/v3/", include("participants.api.urls")),
    path("api/v3/", include("declarations.api.urls")),
    path("api/v3/", include("schools.api.urls")),
    re_path(r"^api/", unrouted),
]
