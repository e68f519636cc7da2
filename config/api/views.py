"""The base class of every lead provider API view."""

from __future__ import annotations

from contextlib import contextmanager

from rest_framework.views import APIView

from config import changes, clock
from config.api.parsing import nested


class LeadProviderView(APIView):
    @property
    def lead_provider(self):
        return self.request.auth

    @property
    def now(self):
        """This request's moment, read once by `clock.ClockMiddleware` (sandbox time travel included)."""
        return self.request.now

    def today(self):
        return clock.london_date(self.now)

    def filters(self) -> dict:
        """The `filter[...]` hash (C11), validated before any lookup."""
        return nested(self.request.query_params, "filter")

    @contextmanager
    def acting(self, action: str):
        """Attribute the changes made inside to this provider, as one named action at this request's moment."""
        with changes.recording(actor=changes.Actor.lead_provider(self.lead_provider), action=action, now=self.now):
            yield
