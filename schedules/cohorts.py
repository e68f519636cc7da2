"""Closing a cohort: its payments are frozen from that moment (O11)."""

from __future__ import annotations

from config import changes
from schedules.models import Cohort


def close(*, cohorts, now) -> list[Cohort]:
    """Freeze the payments of the given cohorts; one already closed keeps the moment it was closed."""
    with changes.unit_of_work(now=now):
        closing = list(
            Cohort.objects.select_for_update().filter(pk__in=[c.pk for c in cohorts], payments_frozen_at__isnull=True)
        )
        for cohort in closing:
            cohort.payments_frozen_at = now
            cohort.save(update_fields=["payments_frozen_at"])
        return closing
