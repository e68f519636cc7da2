from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools, providers and partnerships"

    def ready(self):
        from django.contrib.auth import get_user_model

        from config import changes
        from schools.models import ApiToken, AppropriateBody, DeliveryPartner, LeadProvider, SchoolMembership

        # Issuing and revoking tokens is audited; the digest is not recorded, and last use is not a change.
        changes.track(ApiToken, fields=("lead_provider", "description", "revoked_at"))
        changes.track(AppropriateBody, fields=("name",))
        changes.track(LeadProvider, fields=("name",))
        changes.track(DeliveryPartner, fields=("name",))
        # Portal access: who belongs to which school, and the accounts that sign in (never their password).
        changes.track(SchoolMembership, fields=("user", "school"))
        changes.track(
            get_user_model(), fields=("username", "email", "is_active", "is_staff"), personal=("username", "email")
        )

        from schools import updated_at  # noqa: F401  (audits choices and pairings, moves updated_at)
