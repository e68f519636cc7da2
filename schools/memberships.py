"""Portal access: a school user's membership of a school. Support staff remove it when someone leaves the school."""

from __future__ import annotations

import datetime as dt

from config import changes
from schools.models import SchoolMembership


def remove_access(*, memberships, now: dt.datetime) -> int:
    """End these users' access to these schools; their accounts stay, with any other school's access."""
    with changes.unit_of_work(now=now):
        removing = list(SchoolMembership.objects.select_for_update().filter(pk__in=[m.pk for m in memberships]))
        for membership in removing:
            membership.delete()
        return len(removing)
