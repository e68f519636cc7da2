"""ENVIRONMENT=production refuses to start half-configured, and names what is missing (config/production.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]

COMPLETE = {
    "ENVIRONMENT": "production",
    "DATABASE_URL": "postgres://app@db.internal:5432/ecf_participants",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "ALLOWED_HOSTS": "manage-training.example.gov.uk",
    "SECRET_KEY": "k3Jq9vP0xZr7Lm2Wc8Yt5Bn1Hd6Fs4Ga0Qe9Uo3Ri7Tp2Xw5Vy8Mb1Nc6Kd4Lf0Sg9Ah",
    "HTTPS_ONLY": "1",
    "NOTIFY_API_KEY": "live-key",
    "NOTIFY_TEMPLATE_ID": "6f0a3e4c-1b2d-4e5f-8a9b-0c1d2e3f4a5b",
}


def _manage(*args: str, **environment: str) -> subprocess.CompletedProcess:
    # Only what the test gives, so nothing from the developer's or CI's environment fills a gap.
    env = {"PATH": os.environ["PATH"], "DJANGO_SETTINGS_MODULE": "config.settings", **environment}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_production_with_nothing_configured_refuses_to_start_and_names_everything_missing():
    result = _manage("check", ENVIRONMENT="production")

    assert result.returncode != 0
    refusal = result.stderr.strip().splitlines()[-1]
    assert refusal == (
        "django.core.exceptions.ImproperlyConfigured: ENVIRONMENT=production refuses to start without: "
        "DATABASE_URL (unset); REDIS_URL (unset); ALLOWED_HOSTS (unset); "
        "SECRET_KEY (unset or weak: at least 50 random characters); HTTPS_ONLY (must be on); "
        "an email backend (NOTIFY_API_KEY with NOTIFY_TEMPLATE_ID, or EMAIL_HOST for SMTP)"
    )


@pytest.mark.parametrize(
    "change, named",
    [
        ({"SECRET_KEY": "too-short"}, "SECRET_KEY (unset or weak"),
        ({"SECRET_KEY": "a" * 60}, "SECRET_KEY (unset or weak"),
        ({"HTTPS_ONLY": "0"}, "HTTPS_ONLY (must be on)"),
        ({"NOTIFY_API_KEY": ""}, "an email backend"),
        ({"NOTIFY_TEMPLATE_ID": ""}, "an email backend"),
        (
            {
                "NOTIFY_API_KEY": "",
                "EMAIL_HOST": "smtp.internal",
                "EMAIL_BACKEND": "django.core.mail.backends.console.EmailBackend",
            },
            "an email backend",
        ),
        ({"DEBUG": "1"}, "DEBUG (must be off)"),
        ({"SANDBOX": "1"}, "SANDBOX (must be off)"),
        ({"REDIS_URL": " "}, "REDIS_URL (unset)"),
    ],
)
def test_production_names_the_one_thing_missing(change, named):
    result = _manage("check", **{**COMPLETE, **change})

    assert result.returncode != 0
    refusal = result.stderr.strip().splitlines()[-1]
    assert refusal.startswith("django.core.exceptions.ImproperlyConfigured: ENVIRONMENT=production refuses")
    assert named in refusal
    assert refusal.count(";") == 0  # that one, and nothing else


def test_production_fully_configured_starts_and_passes_djangos_deployment_checks():
    result = _manage("check", "--deploy", "--fail-level", "WARNING", **COMPLETE)

    assert result.returncode == 0, result.stderr


def test_smtp_with_a_named_server_is_a_real_email_backend():
    result = _manage("check", **{**COMPLETE, "NOTIFY_API_KEY": "", "EMAIL_HOST": "smtp.internal"})

    assert result.returncode == 0, result.stderr


def test_other_environments_keep_their_developer_defaults():
    result = _manage("check", ENVIRONMENT="sandbox", SECRET_KEY="x")

    assert result.returncode == 0, result.stderr
