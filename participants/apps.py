from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "participants"
    verbose_name = "Participants"

    def ready(self):
        from participants import api_updated_at  # noqa: F401  (registers what providers can see)
