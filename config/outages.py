"""Whether a failure means the database cannot serve this request for a while: the one decision behind the
API's 503 (config.api.errors, config.api.middleware) and people's "service unavailable" page
(config.error_pages).

psycopg raises these as its OperationalError (Django re-raises it as django.db.OperationalError): a refused
or timed-out connection (the role's DATABASE_CONNECT_TIMEOUT), a lost one, a statement over the
statement_timeout (QueryCanceled), a wait for a lock over the lock_timeout (LockNotAvailable), a server
shutting down, a deadlock. Django raises InterfaceError for a connection it has already closed. All of them
pass with time, unlike the other DatabaseErrors (bad data, a broken constraint), which stay 500s.
"""

from __future__ import annotations

from django.db import InterfaceError, OperationalError

# What the 503 tells a client (Retry-After) and a person (try again in a few minutes).
RETRY_AFTER_SECONDS = 30


def is_database_outage(error: BaseException | None) -> bool:
    return isinstance(error, (OperationalError, InterfaceError))
