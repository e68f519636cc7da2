from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations"

    def ready(self):
        from config import changes
        from declarations.models import Declaration
        from participants.models import TrainingPeriod

        def participants_of(declarations):
            training = dict(
                TrainingPeriod.objects.filter(pk__in={d.training_period_id for d in declarations}).values_list(
                    "id", "school_period__participant_id"
                )
            )
            return {d.pk: [training.get(d.training_period_id)] for d in declarations}

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
            participant_ids=participants_of,
        )
