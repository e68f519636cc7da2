"""What production must be given before it starts (ENVIRONMENT=production).

Defaults suit a developer machine: a local database, Redis on localhost, email printed to the console.
In production each of those would start a service that looks healthy and quietly does the wrong thing,
so settings refuse to load, naming everything missing at once.
"""

from __future__ import annotations

from collections.abc import Mapping

# Django's own deployment check asks as much of a key (security.W009).
_MIN_SECRET_KEY_LENGTH = 50
_MIN_SECRET_KEY_CHARACTERS = 5
_TRUE = {"1", "true", "yes", "on"}
# Backends that never deliver a message to anyone.
_UNDELIVERED_EMAIL = ("console", "locmem", "dummy", "filebased")


def _set(environ: Mapping[str, str], name: str) -> bool:
    return bool(environ.get(name, "").strip())


def _on(environ: Mapping[str, str], name: str) -> bool:
    return environ.get(name, "").strip().lower() in _TRUE


def _strong_secret_key(key: str) -> bool:
    return (
        len(key) >= _MIN_SECRET_KEY_LENGTH
        and len(set(key)) >= _MIN_SECRET_KEY_CHARACTERS
        and not key.startswith(("django-insecure", "insecure"))
    )


def _real_email(environ: Mapping[str, str]) -> bool:
    if _set(environ, "NOTIFY_API_KEY"):
        return _set(environ, "NOTIFY_TEMPLATE_ID")
    backend = environ.get("EMAIL_BACKEND", "").strip()
    if any(name in backend for name in _UNDELIVERED_EMAIL):
        return False
    # SMTP, the default without Notify: it must be told which server, not left on localhost.
    return _set(environ, "EMAIL_HOST")


def missing(environ: Mapping[str, str]) -> list[str]:
    """What a production process lacks, in words an operator can act on; empty when it may start."""
    problems = [f"{name} (unset)" for name in ("DATABASE_URL", "REDIS_URL", "ALLOWED_HOSTS") if not _set(environ, name)]
    if not _strong_secret_key(environ.get("SECRET_KEY", "")):
        problems.append(f"SECRET_KEY (unset or weak: at least {_MIN_SECRET_KEY_LENGTH} random characters)")
    if not _on(environ, "HTTPS_ONLY"):
        problems.append("HTTPS_ONLY (must be on)")
    if not _real_email(environ):
        problems.append("an email backend (NOTIFY_API_KEY with NOTIFY_TEMPLATE_ID, or EMAIL_HOST for SMTP)")
    problems.extend(f"{name} (must be off)" for name in ("DEBUG", "SANDBOX") if _on(environ, name))
    return problems
