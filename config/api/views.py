"""The base class of every lead provider API view."""

from __future__ import annotations

from contextlib import contextmanager

from rest_framework.views import APIView

from config import changes, clock
from config.api import filters
from config.api.errors import BadRequest


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

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # O12 after auth (C2): `clock.ClockMiddleware` left an invalid time-travel header for here.
        invalid_server_date = getattr(request, "invalid_server_date", None)
        if invalid_server_date is not None:
            raise BadRequest(str(invalid_server_date))
        # C11 on every endpoint, even those with nothing to filter: after auth (C2), before the body (C14).
        self.filter_params = filters.filter_params(request.query_params)

    def filtered(self, filterset_class: type[filters.ApiFilterSet], queryset) -> filters.ApiFilterSet:
        """The endpoint's filters applied to `queryset` (its `qs`), or the 400 naming the first invalid one."""
        return filters.apply(filterset_class, self.filter_params, queryset, lead_provider=self.lead_provider)

    @contextmanager
    def acting(self, action: str):
        """Attribute the changes made inside to this provider, as one named action at this request's moment."""
        with changes.recording(actor=changes.Actor.lead_provider(self.lead_provider), action=action, now=self.now):
            yield
