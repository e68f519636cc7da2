import orjson
from rest_framework.renderers import BaseRenderer

from config.observability import access


class JSONRenderer(BaseRenderer):
    """Bodies are built from plain dicts with dates already formatted (C4), so orjson can be strict."""

    media_type = "application/json"
    format = "json"
    charset = None

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if isinstance(data, dict) and isinstance(data.get("data"), list):
            access.annotate(rows=len(data["data"]))  # a list's page, for the request's access line
        return orjson.dumps(data)
