from django.apps import AppConfig


class DeclarationsConfig(AppConfig):
    name = "declarations"
    verbose_name = "Declarations"

    def ready(self):
        from config import changes
        from declarations.models import Declaration
        from participants.models import TrainingPeriod

        def participants_of(declarations):
            # A declaration just built from its training period and school period needs no query.
            training = {
                d.training_period_id: school_period.participant_id
                for d in declarations
                if (period := d._state.fields_cache.get("training_period")) is not None
                and (school_period := period._state.fields_cache.get("school_period")) is not None
            }
            missing = {d.training_period_id for d in declarations} - set(training)
            if missing:
                training.update(
                    TrainingPeriod.objects.filter(pk__in=missing).values_list("id", "school_period__participant_id")
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
