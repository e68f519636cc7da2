"""Lead provider API tokens: issued once in plain text, stored only as a SHA-256 digest."""

from __future__ import annotations

import datetime as dt
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


# A token's last use is recorded to the minute: writing it on every request made each read a write as well.
LAST_USE_RESOLUTION = dt.timedelta(minutes=1)


def lead_provider_for(token: str, *, now) -> LeadProvider | None:
    """The provider a live token belongs to, touching its last use (C2); None for unknown or revoked.

    One statement finds the token, records its use when the recorded one is over a minute old (or impossible,
    in the future) and returns its provider, with the token's stored digest as `api_token_digest`: it runs on
    every request.
    """
    if not token:
        return None
    found = LeadProvider.objects.raw(
        f"""
        WITH live AS (
            SELECT id, lead_provider_id, hashed_token, last_used_at FROM {ApiToken._meta.db_table}
             WHERE hashed_token = %(digest)s AND revoked_at IS NULL
        ),
        used AS (
            UPDATE {ApiToken._meta.db_table} AS token SET last_used_at = %(now)s
              FROM live
             WHERE token.id = live.id
               AND (live.last_used_at IS NULL OR live.last_used_at <= %(stale)s OR live.last_used_at > %(now)s)
        )
        SELECT provider.*, live.hashed_token AS api_token_digest
          FROM live JOIN {LeadProvider._meta.db_table} AS provider ON provider.id = live.lead_provider_id
        """,
        {"digest": digest(token), "now": now, "stale": now - LAST_USE_RESOLUTION},
    )
    return next(iter(found), None)
