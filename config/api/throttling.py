"""O7: 1,000 requests per rolling five minutes per token, counted in Redis so all processes share it.

Counted by the authenticated token (by its stored digest, unique even across databases sharing one Redis), so
every spelling of its Authorization header (C2) shares one count. DRF throttles after authentication and
permissions, so an unauthenticated request is never counted.
"""

from __future__ import annotations

import time
import uuid

import redis
from django.conf import settings
from rest_framework.throttling import BaseThrottle

from config import shared_redis

# Sliding log in a sorted set: drop entries older than the window, count, add this request if allowed.
# Returns {allowed, seconds until the oldest entry leaves the window}.
_SLIDING_WINDOW = """
local key, now_ms, window_ms, limit, member = KEYS[1], tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), ARGV[4]
redis.call('ZREMRANGEBYSCORE', key, '-inf', now_ms - window_ms)
local count = redis.call('ZCARD', key)
if count < limit then
  redis.call('ZADD', key, now_ms, member)
  redis.call('PEXPIRE', key, window_ms)
  return {1, 0}
end
local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
return {0, math.ceil((tonumber(oldest[2]) + window_ms - now_ms) / 1000)}
"""


class RollingWindowTokenThrottle(BaseThrottle):
    def allow_request(self, request, view):
        token = getattr(request.auth, "api_token_digest", None)
        if token is None:
            return True
        key = f"api-rate:{token}"
        args = [
            int(time.time() * 1000),
            settings.API_RATE_WINDOW_SECONDS * 1000,
            settings.API_RATE_LIMIT,
            uuid.uuid4().hex,
        ]
        try:
            allowed, wait = shared_redis.call(
                "the API rate limit", lambda client: client.register_script(_SLIDING_WINDOW)(keys=[key], args=args)
            )
        except redis.RedisError:
            # Fail open: providers keep being served while /readyz reports Redis as down (shared_redis logs it).
            return True
        self._wait = int(wait)
        return bool(allowed)

    def wait(self):
        return getattr(self, "_wait", None)
