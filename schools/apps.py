from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools, providers and partnerships"

    def ready(self):
        from config import changes
        from schools.models import ApiToken, AppropriateBody

        # Issuing and revoking tokens is audited; the digest is not recorded, and last use is not a change.
        changes.track(ApiToken, fields=("lead_provider", "description", "revoked_at"))
        changes.track(AppropriateBody, fields=("name",))

        from schools import updated_at  # noqa: F401  (audits choices and pairings, moves updated_at)
