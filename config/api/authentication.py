"""Bearer token authentication for lead providers (C2)."""

from __future__ import annotations

import re

from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework.authentication import BaseAuthentication
from rest_framework.permissions import BasePermission

from config import clock
from config.api import tokens

_BEARER = re.compile(r"^Bearer\s+(?P<token>\S+)\s*$", re.IGNORECASE)
_LEGACY = re.compile(r'^Token\s+token="?(?P<token>[^"\s]+)"?\s*$', re.IGNORECASE)


def token_from_header(header: str) -> str | None:
    for pattern in (_BEARER, _LEGACY):
        match = pattern.match(header or "")
        if match:
            return match.group("token")
    return None


class LeadProviderTokenAuthentication(BaseAuthentication):
    """Sets `request.auth` to the token's lead provider, carrying the token's digest as `api_token_digest`
    (what the rate limit counts by); anything else is left unauthenticated."""

    def authenticate(self, request):
        token = token_from_header(request.META.get("HTTP_AUTHORIZATION", ""))
        # The token's last use is a real event: never the moment a sandbox request travelled to (O12).
        lead_provider = tokens.lead_provider_for(token, now=clock.real_now()) if token else None
        if lead_provider is None:
            return None
        return (None, lead_provider)

    def authenticate_header(self, request):
        return 'Token realm="Application"'


class IsLeadProvider(BasePermission):
    def has_permission(self, request, view):
        return request.auth is not None


class BearerTokenScheme(OpenApiAuthenticationExtension):
    target_class = LeadProviderTokenAuthentication
    name = "api_key"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
