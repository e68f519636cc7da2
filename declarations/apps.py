from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations"

    def ready(self):
        from config import changes
        from declarations import funding  # noqa: F401  (submitted → eligible on eligibility)
        from declarations.models import Declaration

        changes.track(
            Declaration,
            fields=(
                "training_period",
                "declaration_type",
                "declaration_date",
                "evidence_held",
                "payment_status",
                "clawback_status",
                "delivery_partner",
                "mentor",
                "pupil_premium_uplift",
                "sparsity_uplift",
            ),
            participant_ids=lambda d: [d.training_period.school_period.participant_id],
        )

        @changes.listen
        def _move_declaration_updated_at(change):
            # D32: a declaration's own updated_at moves with any change to it.
            if change.model is Declaration and change.event != "deleted":
                Declaration.objects.filter(pk=change.instance.pk).update(api_updated_at=change.now)
