from django.apps import AppConfig


class CoreConfig(AppConfig):
    """Cross-cutting pieces every app uses: the clock, audit events and change tracking."""

    name = "config"
    label = "core"
    verbose_name = "Audit and API access"

    def ready(self):
        from config import changes, lookups  # noqa: F401  (connects the change-tracking signals; `__any`)
