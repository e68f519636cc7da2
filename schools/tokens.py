"""Lead provider API tokens: issued once in plain text, stored only as a SHA-256 digest."""

from __future__ import annotations

import hashlib
import secrets

from schools.models import ApiToken, LeadProvider


def digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue(*, lead_provider: LeadProvider, now, description: str = "") -> str:
    """Create a token and return it; this is the only time the plain value exists."""
    token = secrets.token_urlsafe(32)
    ApiToken.objects.create(
        lead_provider=lead_provider, hashed_token=digest(token), description=description, created_at=now
    )
    return token


def revoke(*, api_token: ApiToken, now) -> None:
    api_token.revoked_at = now
    api_token.save(update_fields=["revoked_at"])


def lead_provider_for(token: str, *, now) -> LeadProvider | None:
    """The provider a live token belongs to, touching its last use (C2); None for unknown or revoked.

    One statement finds the token, records its use and returns its provider, with the token's stored digest
    as `api_token_digest`: it runs on every request.
    """
    if not token:
        return None
    found = LeadProvider.objects.raw(
        f"""
        UPDATE {ApiToken._meta.db_table} AS token SET last_used_at = %s
          FROM {LeadProvider._meta.db_table} AS provider
         WHERE token.hashed_token = %s AND token.revoked_at IS NULL AND provider.id = token.lead_provider_id
     RETURNING provider.*, token.hashed_token AS api_token_digest
        """,
        [now, digest(token)],
    )
    return next(iter(found), None)
